import { AzulPaymentEntity } from './azul-payments/azul-payment.entity';
import { InvoiceEntity } from './invoices/invoice.entity';
import { SentBillingMailEntity } from './mail/sent-billing-mail.entity';
import { GrantedPlanEntity } from './plans/granted-plan.entity';
import { RecurringChargeEntity } from './recurring/recurring-charge.entity';
import { SubscriptionEntity } from './subscriptions/subscription.entity';
import { UsageAlertEntity } from './usage/usage-alert.entity';
import { UsageCounterEntity } from './usage/usage-counter.entity';
import { WebhookInboxEntity } from './webhooks/webhook-inbox.entity';

/** Every entity of the payments database (the schema-drift test compares it with the migrations). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const paymentsEntities: Function[] = [
  SubscriptionEntity,
  WebhookInboxEntity,
  InvoiceEntity,
  AzulPaymentEntity,
  RecurringChargeEntity,
  UsageCounterEntity,
  UsageAlertEntity,
  GrantedPlanEntity,
  SentBillingMailEntity,
];
