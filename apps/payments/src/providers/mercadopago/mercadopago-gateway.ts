import { MercadoPagoConfig, MercadoPagoError, MPConnectionError, Payment, Preference } from 'mercadopago';
import { AppConfig } from 'mercadopago/dist/utils/config';
import { verifyMercadoPagoSignature, type SignatureVerdict } from './mercadopago-signature';

export interface MercadoPagoGatewayOptions {
  accessToken: string;
  webhookSecret: string;
  webhookToleranceSeconds: number;
  timeoutMs: number;
  /** Retries of 429/5xx by the SDK (same X-Idempotency-Key, so safe); 0 in tests. */
  maxRetries?: number;
  /** Only for local fakes; see pointSdkAt. */
  apiBaseUrl?: string;
}

export interface CheckoutPreferenceInput {
  organizationId: string;
  plan: string;
  title: string;
  /** Price in cents of the currency (sent to Mercado Pago in units: 2950000 → 29500.00). */
  amountCents: number;
  currency: string;
  successUrl: string;
  failureUrl: string;
  pendingUrl?: string;
  /** Our webhook (POST /v1/webhooks/mercadopago); MP appends ?data.id=...&type=... */
  notificationUrl?: string;
  payerEmail?: string;
  /** X-Idempotency-Key: a retried request gets the same preference back. */
  idempotencyKey: string;
  /** A renewal paid before the current month ends: the month bought starts here (metadata `renews_from`). */
  renewsFrom?: Date;
}

export interface CheckoutPreference {
  preferenceId: string;
  /** Checkout Pro page to send the browser to. */
  checkoutUrl: string;
  sandboxCheckoutUrl: string | null;
}

export interface MercadoPagoPaymentView {
  paymentId: string;
  status: string;
  statusDetail: string;
  /** Our organization id, from the preference's external_reference. */
  organizationId: string | null;
  amountCents: number;
  currency: string;
  /** The plan from the preference's metadata (Mercado Pago copies it onto the payment). */
  plan: string | null;
  /** The start of the month a renewal paid ahead buys (preference metadata); null otherwise. */
  renewsFrom: Date | null;
  approvedAt: Date | null;
  updatedAt: Date;
}

export interface MercadoPagoNotification {
  /** Notification id (the inbox's dedup key together with the provider). */
  notificationId: string;
  /** `payment`, `merchant_order`, ... */
  type: string;
  action: string;
  /** The resource the notification is about (a payment id for type=payment). */
  dataId: string;
  createdAt: Date;
  payload: unknown;
}

/** A provider call failed; `transient` = retrying later may succeed. SDK errors never leave this module. */
export class MercadoPagoFailure extends Error {
  constructor(
    readonly code: string,
    readonly httpStatus: number | undefined,
    readonly transient: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'MercadoPagoFailure';
  }
}

export class MercadoPagoWebhookError extends Error {
  constructor(
    readonly reason: Exclude<SignatureVerdict, { valid: true }>['reason'],
    message: string,
  ) {
    super(message);
    this.name = 'MercadoPagoWebhookError';
  }
}

/**
 * The SDK (v3) has no per-client base URL: every call goes to the static AppConfig.BASE_URL. Tests
 * replace it process-wide with a local fake's URL; production never calls this (the env schema
 * refuses MERCADOPAGO_API_BASE_URL in production).
 */
export function pointSdkAt(baseUrl: string): void {
  (AppConfig as unknown as { BASE_URL: string }).BASE_URL = baseUrl.replace(/\/+$/, '');
}

function failureOf(error: unknown): MercadoPagoFailure {
  if (error instanceof MPConnectionError) {
    return new MercadoPagoFailure('connection_error', undefined, true, 'Mercado Pago unreachable');
  }
  if (error instanceof MercadoPagoError) {
    const { status } = error;
    return new MercadoPagoFailure(
      error.error || 'error',
      status,
      status === 429 || status >= 500,
      error.message,
    );
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new MercadoPagoFailure('timeout', undefined, true, 'Mercado Pago did not answer in time');
  }
  return new MercadoPagoFailure(
    'unknown',
    undefined,
    true,
    error instanceof Error ? error.message : String(error),
  );
}

/**
 * Mercado Pago through its official SDK: Checkout Pro preferences, payment lookup, notification
 * verification. A fresh SDK config per call: the SDK's Preference.create merges request options
 * into the shared config, so a reused one would carry one request's X-Idempotency-Key into the next.
 */
export class MercadoPagoGateway {
  constructor(private readonly options: MercadoPagoGatewayOptions) {
    if (options.apiBaseUrl) pointSdkAt(options.apiBaseUrl);
  }

  async createCheckoutPreference(input: CheckoutPreferenceInput): Promise<CheckoutPreference> {
    if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0) {
      throw new RangeError('amountCents must be a positive integer');
    }
    try {
      const preference = await new Preference(this.config()).create({
        body: {
          items: [
            {
              id: input.plan,
              title: input.title,
              quantity: 1,
              unit_price: input.amountCents / 100,
              currency_id: input.currency,
            },
          ],
          external_reference: input.organizationId,
          metadata: {
            organization_id: input.organizationId,
            plan: input.plan,
            ...(input.renewsFrom ? { renews_from: input.renewsFrom.toISOString() } : {}),
          },
          back_urls: {
            success: input.successUrl,
            failure: input.failureUrl,
            pending: input.pendingUrl ?? input.successUrl,
          },
          auto_return: 'approved',
          ...(input.notificationUrl ? { notification_url: input.notificationUrl } : {}),
          ...(input.payerEmail ? { payer: { email: input.payerEmail } } : {}),
        },
        requestOptions: { idempotencyKey: input.idempotencyKey },
      });
      if (!preference.id || !preference.init_point) {
        throw new MercadoPagoFailure(
          'malformed_response',
          undefined,
          true,
          'preference without id or init_point',
        );
      }
      return {
        preferenceId: preference.id,
        checkoutUrl: preference.init_point,
        sandboxCheckoutUrl: preference.sandbox_init_point ?? null,
      };
    } catch (error) {
      throw error instanceof MercadoPagoFailure ? error : failureOf(error);
    }
  }

  async getPayment(paymentId: string): Promise<MercadoPagoPaymentView> {
    try {
      const payment = await new Payment(this.config()).get({ id: paymentId });
      return {
        paymentId: String(payment.id),
        status: payment.status ?? 'unknown',
        statusDetail: payment.status_detail ?? '',
        organizationId: payment.external_reference || null,
        amountCents: Math.round((payment.transaction_amount ?? 0) * 100),
        currency: payment.currency_id ?? '',
        plan: typeof payment.metadata?.['plan'] === 'string' ? (payment.metadata['plan'] as string) : null,
        renewsFrom: dateOrNull(payment.metadata?.['renews_from']),
        approvedAt: payment.date_approved ? new Date(payment.date_approved) : null,
        updatedAt: new Date(payment.date_last_updated ?? payment.date_created ?? 0),
      };
    } catch (error) {
      throw failureOf(error);
    }
  }

  /**
   * Verifies a notification (x-signature over data.id from the QUERY, x-request-id and ts) and
   * returns what it is about. Throws MercadoPagoWebhookError when it does not verify. No I/O.
   */
  verifyNotification(
    request: {
      rawBody: Buffer;
      headers: Readonly<Record<string, string | undefined>>;
      query?: Readonly<Record<string, string | undefined>>;
    },
    now: Date,
  ): MercadoPagoNotification {
    const dataId = request.query?.['data.id'] ?? request.query?.['id'];
    const verdict = verifyMercadoPagoSignature(
      { signature: request.headers['x-signature'], requestId: request.headers['x-request-id'], dataId },
      this.options.webhookSecret,
      now,
      this.options.webhookToleranceSeconds,
    );
    if (!verdict.valid)
      throw new MercadoPagoWebhookError(
        verdict.reason,
        `Mercado Pago notification refused: ${verdict.reason}`,
      );
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(request.rawBody.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new MercadoPagoWebhookError('malformed', 'Mercado Pago notification body is not JSON');
    }
    const bodyData = payload['data'] as Record<string, unknown> | undefined;
    // The signature covers the query's data.id: a body naming another resource is not trusted.
    if (!dataId || String(bodyData?.['id'] ?? '').toLowerCase() !== dataId.toLowerCase()) {
      throw new MercadoPagoWebhookError('malformed', 'data.id of the query and the body differ');
    }
    const created = new Date(String(payload['date_created'] ?? ''));
    return {
      notificationId: String(payload['id'] ?? `${payload['type']}:${dataId}:${verdict.ts}`),
      type: String(payload['type'] ?? request.query?.['type'] ?? ''),
      action: String(payload['action'] ?? ''),
      dataId,
      createdAt: Number.isNaN(created.getTime()) ? new Date(verdict.ts) : created,
      payload,
    };
  }

  private config(): MercadoPagoConfig {
    return new MercadoPagoConfig({
      accessToken: this.options.accessToken,
      options: { timeout: this.options.timeoutMs, maxRetries: this.options.maxRetries ?? 2 },
    });
  }
}

/** A metadata date we wrote (ISO); anything else is no date. */
function dateOrNull(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
