import { CreateIdempotencyTables1764050000000 } from '@platform/idempotency';
import { CreatePaymentsTables1764600000000 } from './1764600000000-create-payments-tables';
import { CreateUsageTables1796100000000 } from './1796100000000-create-usage-tables';
import { AzulPaymentsAndRecurringCharges1796200000000 } from './1796200000000-azul-payments-and-recurring-charges';
import { GrantedPlans1796400000000 } from './1796400000000-granted-plans';
import { SentBillingMails1796500000000 } from './1796500000000-sent-billing-mails';
import { WebhookInboxProcessedIndex1796600000000 } from './1796600000000-webhook-inbox-processed-index';
import { FallbackCard1796700000000 } from './1796700000000-fallback-card';
import { InvoiceRefunds1796800000000 } from './1796800000000-invoice-refunds';
import { PrepaidRenewalReminder1796900000000 } from './1796900000000-prepaid-renewal-reminder';

/**
 * Migrations of the payments database, in order. The outbox/processed-events tables come from
 * @platform/messaging via ServiceCoreModule; this service's own tables are added here.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const paymentsMigrations: Function[] = [
  // The Idempotency-Key and message-id ledgers of @IdempotentCommand() handlers.
  CreateIdempotencyTables1764050000000,
  CreatePaymentsTables1764600000000,
  CreateUsageTables1796100000000,
  AzulPaymentsAndRecurringCharges1796200000000,
  GrantedPlans1796400000000,
  SentBillingMails1796500000000,
  WebhookInboxProcessedIndex1796600000000,
  FallbackCard1796700000000,
  InvoiceRefunds1796800000000,
  PrepaidRenewalReminder1796900000000,
];
