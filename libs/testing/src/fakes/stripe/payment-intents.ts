import { randomBytes } from 'node:crypto';
import { missing, required, StripeApiError } from './stripe-errors';
import { formMetadata, formString, type FormObject } from './stripe-form';

type Json = Record<string, unknown>;

/**
 * `POST /v1/payment_intents` as the payments service calls it for an off-session charge of a saved
 * card: `confirm=true`, `off_session=true`, the customer and its payment method. Succeeds, or — when
 * the customer's card declines — stores the intent as `requires_payment_method` and answers Stripe's
 * 402 `card_error` carrying it (`error.payment_intent`). Idempotency-Key replay is FakeStripe's.
 */
export class FakePaymentIntents {
  readonly all = new Map<string, Json>();

  constructor(
    private readonly customers: ReadonlyMap<string, Json>,
    private readonly cardSucceeds: (customerId: string) => boolean,
    private readonly seconds: () => number,
    /** A saved card of the customer other than its default (FakeStripe's setup intents). */
    private readonly attached: (paymentMethodId: string, customerId: string) => boolean = () => false,
  ) {}

  /** Money actually taken: succeeded intents, oldest first. */
  succeeded(): Json[] {
    return [...this.all.values()].filter((intent) => intent.status === 'succeeded');
  }

  create(body: FormObject): Json {
    const amount = Number(formString(body.amount));
    if (!Number.isSafeInteger(amount) || amount <= 0) throw required('amount');
    const currency = formString(body.currency);
    if (!currency) throw required('currency');
    const customerId = formString(body.customer);
    if (!customerId) throw required('customer');
    const customer = this.customers.get(customerId);
    if (!customer) throw missing('customer', customerId, 'customer');
    const paymentMethod = formString(body.payment_method);
    if (!paymentMethod) throw required('payment_method');
    const saved = (customer.invoice_settings as Json | undefined)?.default_payment_method;
    if (paymentMethod !== saved && !this.attached(paymentMethod, customerId)) {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        'resource_missing',
        `The payment method ${paymentMethod} does not belong to customer ${customerId}`,
        'payment_method',
      );
    }
    if (formString(body.confirm) !== 'true' || formString(body.off_session) !== 'true') {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        undefined,
        'The fake only confirms off-session intents at creation (confirm=true, off_session=true)',
      );
    }
    const succeeds = this.cardSucceeds(customerId);
    const intent: Json = {
      id: `pi_${randomBytes(12).toString('hex')}`,
      object: 'payment_intent',
      amount,
      amount_received: succeeds ? amount : 0,
      currency: currency.toLowerCase(),
      customer: customerId,
      payment_method: paymentMethod,
      description: formString(body.description) ?? null,
      metadata: formMetadata(body.metadata),
      off_session: true,
      status: succeeds ? 'succeeded' : 'requires_payment_method',
      created: this.seconds(),
      livemode: false,
    };
    this.all.set(String(intent.id), intent);
    if (!succeeds) {
      throw new StripeApiError(
        402,
        'card_error',
        'card_declined',
        'Your card was declined.',
        undefined,
        'generic_decline',
        { payment_intent: intent },
      );
    }
    return intent;
  }
}
