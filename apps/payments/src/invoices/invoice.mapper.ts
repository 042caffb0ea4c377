import type { InvoiceDto } from '@platform/contracts';
import type { InvoiceEntity } from './invoice.entity';

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

export function toInvoiceDto(row: InvoiceEntity): InvoiceDto {
  return {
    id: row.id,
    provider: row.provider,
    number: row.number,
    status: row.status,
    currency: row.currency,
    subtotalCents: row.subtotalCents,
    taxCents: row.taxCents,
    totalCents: row.totalCents,
    amountPaidCents: row.amountPaidCents,
    plan: row.plan,
    periodStart: iso(row.periodStart),
    periodEnd: iso(row.periodEnd),
    paidAt: iso(row.paidAt),
    amountRefundedCents: row.amountRefundedCents,
    refundedAt: iso(row.refundedAt),
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
