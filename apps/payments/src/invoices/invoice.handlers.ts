import { Controller, UseInterceptors } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { PAYMENTS_RPC, paymentsContract, type PaymentsRequest, type Principal } from '@platform/contracts';
import { NotFoundError } from '@platform/errors';
import { contractHandlers, CurrentPrincipal, RequirePermission } from '@platform/messaging';
import { tenantOfPrincipal, TenantTransactionInterceptor } from '@platform/tenancy';
import { renderInvoiceHtml } from './invoice-document';
import { toInvoiceDto } from './invoice.mapper';
import { InvoiceRepository } from './invoice.repository';

const Payments = contractHandlers(paymentsContract);

/** Invoice reads, under the caller's tenant transaction (RLS hides other organizations' rows). */
@Controller()
@UseInterceptors(TenantTransactionInterceptor)
export class InvoiceHandlers {
  constructor(private readonly invoices: InvoiceRepository) {}

  @Payments.MessagePattern(PAYMENTS_RPC.listInvoices)
  @RequirePermission('billing:read')
  async list(
    @Payload() data: PaymentsRequest<'payments.invoice.list'>,
    @CurrentPrincipal() principal: Principal,
  ) {
    const { rows, nextCursor } = await this.invoices.listPage(tenantOfPrincipal(principal), data);
    return { items: rows.map(toInvoiceDto), nextCursor };
  }

  @Payments.MessagePattern(PAYMENTS_RPC.renderInvoice)
  @RequirePermission('billing:read')
  async render(
    @Payload() data: PaymentsRequest<'payments.invoice.render'>,
    @CurrentPrincipal() principal: Principal,
  ) {
    const row = await this.invoices.findById(data.id);
    if (!row) throw new NotFoundError('Invoice', data.id);
    const invoice = toInvoiceDto(row);
    return {
      fileName: `invoice-${(invoice.number ?? invoice.id).replace(/[^A-Za-z0-9_-]/g, '_')}.html`,
      contentType: 'text/html; charset=utf-8' as const,
      html: renderInvoiceHtml(invoice, tenantOfPrincipal(principal)),
    };
  }
}
