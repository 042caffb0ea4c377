import type { InvoiceDto } from '@platform/contracts';
import { renderInvoiceHtml } from './invoice-document';

const paid: InvoiceDto = {
  id: '5d0c7c4e-7a8b-4c47-9a56-2f0d4a1c9b10',
  provider: 'mercadopago',
  number: null,
  status: 'paid',
  currency: 'cop',
  subtotalCents: 11_900_000,
  taxCents: 0,
  totalCents: 11_900_000,
  amountPaidCents: 11_900_000,
  plan: 'STARTER',
  periodStart: '2026-01-05T10:00:00.000Z',
  periodEnd: '2026-02-05T10:00:00.000Z',
  paidAt: '2026-01-05T10:00:00.000Z',
  amountRefundedCents: 0,
  refundedAt: null,
  createdAt: '2026-01-05T10:00:01.000Z',
};
const row = (label: string, value: string) => `<tr><th scope="row">${label}</th><td>${value}</td></tr>`;

describe('the invoice document', () => {
  it('shows what was paid, and no refund lines when nothing went back', () => {
    const html = renderInvoiceHtml(paid, 'org-1');
    expect(html).toContain(row('Amount paid', '119000.00 COP'));
    expect(html).toContain(row('Paid on', '2026-01-05'));
    expect(html).not.toContain('Refunded');
  });

  it('shows a reversed payment beside what was paid (the status stays paid)', () => {
    const html = renderInvoiceHtml(
      { ...paid, amountRefundedCents: 11_900_000, refundedAt: '2026-02-10T10:00:00.000Z' },
      'org-1',
    );
    expect(html).toContain(row('Status', 'paid'));
    expect(html).toContain(row('Amount paid', '119000.00 COP'));
    expect(html).toContain(row('Refunded', '119000.00 COP'));
    expect(html).toContain(row('Refunded on', '2026-02-10'));
  });
});
