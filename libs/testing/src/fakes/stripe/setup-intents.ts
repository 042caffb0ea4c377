import { randomBytes } from 'node:crypto';
import { missing } from './stripe-errors';

type Json = Record<string, unknown>;

export interface FakeCard {
  brand: string;
  last4: string;
  expMonth?: number;
  expYear?: number;
}

/**
 * Saved cards: PaymentMethods attached to customers and the SetupIntents that saved them (what
 * Checkout in setup mode creates). `GET /v1/setup_intents/:id` answers with `payment_method` as an
 * id, or as the whole PaymentMethod when the caller asked `expand[]=payment_method`.
 */
export class FakeSetupIntents {
  readonly all = new Map<string, Json>();
  readonly paymentMethods = new Map<string, Json>();

  constructor(private readonly seconds: () => number) {}

  /** The customer confirmed a card: a succeeded SetupIntent and its PaymentMethod, attached. */
  saveCard(customerId: string, card: FakeCard, metadata: Record<string, string>): Json {
    const paymentMethod: Json = {
      id: `pm_${randomBytes(12).toString('hex')}`,
      object: 'payment_method',
      type: 'card',
      customer: customerId,
      card: {
        brand: card.brand,
        last4: card.last4,
        exp_month: card.expMonth ?? 12,
        exp_year: card.expYear ?? 2030,
      },
      created: this.seconds(),
      livemode: false,
    };
    this.paymentMethods.set(String(paymentMethod.id), paymentMethod);
    const intent: Json = {
      id: `seti_${randomBytes(12).toString('hex')}`,
      object: 'setup_intent',
      customer: customerId,
      payment_method: paymentMethod.id,
      status: 'succeeded',
      usage: 'off_session',
      metadata,
      created: this.seconds(),
      livemode: false,
    };
    this.all.set(String(intent.id), intent);
    return intent;
  }

  /** Whether the PaymentMethod is attached to the customer (an off-session charge may use it). */
  belongsTo(paymentMethodId: string, customerId: string): boolean {
    return this.paymentMethods.get(paymentMethodId)?.customer === customerId;
  }

  retrieve(id: string, expand: string[]): Json {
    const intent = this.all.get(id);
    if (!intent) throw missing('setup_intent', id);
    if (!expand.includes('payment_method')) return intent;
    return { ...intent, payment_method: this.paymentMethods.get(String(intent.payment_method)) };
  }
}
