import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PageRequest, PaymentProviderName } from '@platform/contracts';
import { decodeCursor, keysetCondition, sortKeySql, toPage } from '@platform/persistence';
import { currentTenantManager } from '@platform/tenancy';
import type { ProviderInvoice } from '../providers/payment-provider.port';
import { InvoiceEntity } from './invoice.entity';

const COLUMNS = `id, organization_id AS "organizationId", provider, provider_invoice_id AS "providerInvoiceId",
  number, status, currency, subtotal_cents AS "subtotalCents", tax_cents AS "taxCents",
  total_cents AS "totalCents", amount_paid_cents AS "amountPaidCents", plan,
  period_start AS "periodStart", period_end AS "periodEnd", paid_at AS "paidAt",
  amount_refunded_cents AS "amountRefundedCents", refunded_at AS "refundedAt",
  provider_version AS "providerVersion", created_at AS "createdAt"`;

/** Invoices, always inside the caller's tenant transaction (row-level security scopes them). */
@Injectable()
export class InvoiceRepository {
  /** The invoice of one provider charge or invoice (null when none was recorded). */
  findByProviderId(
    manager: EntityManager,
    provider: PaymentProviderName,
    providerInvoiceId: string,
  ): Promise<InvoiceEntity | null> {
    return manager.findOneBy(InvoiceEntity, { provider, providerInvoiceId });
  }

  /**
   * Records the provider's view of an invoice. Never regresses: an older fact (lower version) is
   * ignored, and a paid invoice stays paid whatever arrives later. Answers the stored status.
   */
  async upsert(
    manager: EntityManager,
    organizationId: string,
    provider: PaymentProviderName,
    invoice: ProviderInvoice,
    version: number,
  ): Promise<InvoiceEntity['status']> {
    const rows: { status: InvoiceEntity['status'] }[] = await manager.query(
      `INSERT INTO invoices AS i (organization_id, provider, provider_invoice_id, number, status, currency,
          subtotal_cents, tax_cents, total_cents, amount_paid_cents, plan, period_start, period_end, paid_at,
          provider_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (provider, provider_invoice_id) DO UPDATE SET
          number = COALESCE(EXCLUDED.number, i.number),
          status = CASE WHEN i.status = 'paid' THEN 'paid' ELSE EXCLUDED.status END,
          subtotal_cents = EXCLUDED.subtotal_cents, tax_cents = EXCLUDED.tax_cents,
          total_cents = EXCLUDED.total_cents,
          amount_paid_cents = GREATEST(i.amount_paid_cents, EXCLUDED.amount_paid_cents),
          plan = COALESCE(EXCLUDED.plan, i.plan),
          paid_at = COALESCE(i.paid_at, EXCLUDED.paid_at),
          provider_version = GREATEST(i.provider_version, EXCLUDED.provider_version)
        WHERE EXCLUDED.provider_version >= i.provider_version OR EXCLUDED.status = 'paid'
       RETURNING status`,
      [
        organizationId,
        provider,
        invoice.providerInvoiceId,
        invoice.number,
        invoice.status,
        invoice.currency,
        invoice.subtotalCents,
        invoice.taxCents,
        invoice.totalCents,
        invoice.amountPaidCents,
        invoice.plan,
        invoice.periodStart,
        invoice.periodEnd,
        invoice.paidAt,
        version,
      ],
    );
    if (rows[0]) return rows[0].status;
    // The update was skipped (an older fact): the stored status stands.
    const stored = await manager.findOneByOrFail(InvoiceEntity, {
      provider,
      providerInvoiceId: invoice.providerInvoiceId,
    });
    return stored.status;
  }

  /**
   * The provider reversed the charge of an invoice (in full: Mercado Pago's `refunded` and
   * `charged_back`): the amount paid went back. Repeating it changes nothing; the first time stays.
   */
  async recordReversal(
    manager: EntityManager,
    provider: PaymentProviderName,
    providerInvoiceId: string,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE invoices SET amount_refunded_cents = amount_paid_cents, refunded_at = COALESCE(refunded_at, $3)
        WHERE provider = $1 AND provider_invoice_id = $2 AND status = 'paid'`,
      [provider, providerInvoiceId, at],
    );
  }

  findById(id: string): Promise<InvoiceEntity | null> {
    return currentTenantManager().findOneBy(InvoiceEntity, { id });
  }

  /** Newest first, one keyset page. */
  async listPage(
    organizationId: string,
    page: PageRequest,
  ): Promise<{ rows: InvoiceEntity[]; nextCursor: string | null }> {
    const scope = { list: 'invoices', owner: organizationId };
    const after = keysetCondition('created_at', 'id', 'DESC', decodeCursor(scope, page.cursor), 3);
    const rows: (Record<string, unknown> & { id: string; sort_us: string })[] =
      await currentTenantManager().query(
        `SELECT ${COLUMNS}, ${sortKeySql('created_at')}::text AS sort_us
         FROM invoices WHERE organization_id = $1 ${after.sql}
        ORDER BY created_at DESC, id DESC LIMIT $2`,
        [organizationId, page.limit + 1, ...after.params],
      );
    const { rows: pageRows, nextCursor } = toPage(rows, page.limit, scope, (row) => ({
      sortUs: row.sort_us,
      id: row.id,
    }));
    return {
      rows: pageRows.map(({ sort_us: _sortKey, ...row }) => Object.assign(new InvoiceEntity(), row)),
      nextCursor,
    };
  }
}
