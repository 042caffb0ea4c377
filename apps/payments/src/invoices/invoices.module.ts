import { Module } from '@nestjs/common';
import { InvoiceHandlers } from './invoice.handlers';
import { InvoiceRepository } from './invoice.repository';

@Module({
  controllers: [InvoiceHandlers],
  providers: [InvoiceRepository],
  exports: [InvoiceRepository],
})
export class InvoicesModule {}
