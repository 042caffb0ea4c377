import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from '../http/listen';
import { readBody, sendJson } from '../http/http-io';

export interface FakeMercadoPagoOptions {
  accessToken?: string;
  /** The webhook secret of the application ("Your integrations" → Webhooks). */
  webhookSecret?: string;
  /** Mercado Pago site of the account: init_point host and currency. */
  site?: { host: string; currency: string };
}

/** A preference as the fake stored it (the request body plus the fields Mercado Pago adds). */
export type FakePreference = Record<string, unknown> & { id: string; external_reference?: string };

export interface FakePayment {
  id: number;
  status: 'approved' | 'pending' | 'rejected' | 'refunded' | 'cancelled' | 'in_process';
  status_detail: string;
  external_reference: string | null;
  transaction_amount: number;
  currency_id: string;
  date_created: string;
  date_approved: string | null;
  date_last_updated: string;
  metadata: Record<string, unknown>;
  preference_id: string;
}

/** What Mercado Pago POSTs to the notification URL: query (carries data.id), headers, raw body. */
export interface FakeNotification {
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: Buffer;
}

export interface FakeRequestRecord {
  method: string;
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  body: unknown;
}

export interface FakeMercadoPago {
  /** Stands for `https://api.mercadopago.com`. */
  baseUrl: string;
  accessToken: string;
  webhookSecret: string;
  readonly received: FakeRequestRecord[];
  readonly preferences: ReadonlyMap<string, FakePreference>;
  /** The buyer pays (or is refused) on the Checkout Pro page of this preference (`at`: when; default now). */
  pay(preferenceId: string, outcome?: 'approved' | 'rejected' | 'pending', at?: Date): FakePayment;
  /** A pending payment is decided later (the acquirer answered): new status, date_last_updated = `at`. */
  settle(paymentId: number, outcome: 'approved' | 'rejected', at?: Date): FakePayment;
  /**
   * An approved payment reversed: refunded by the seller (`refunded`, status_detail `refunded`) or
   * disputed by the cardholder (`charged_back`, status_detail `settled`); date_approved is kept.
   */
  reverse(paymentId: number, how: 'refunded' | 'charged_back', at?: Date): FakePayment;
  /**
   * The webhook Mercado Pago sends for a payment, signed like the real one. `signWith` forges it
   * with another secret; `tsMs` backdates it.
   */
  notificationFor(
    paymentId: number,
    options?: { tsMs?: number; signWith?: string; action?: string },
  ): FakeNotification;
  /** The next `count` requests get HTTP 500 (the SDK retries those). */
  failNext(count: number): void;
  close(): Promise<void>;
}

function sendError(res: ServerResponse, status: number, error: string, message: string): void {
  sendJson(res, status, { message, error, status, cause: [] });
}

/**
 * A fake of the Mercado Pago REST API endpoints the payments service uses (Checkout Pro preferences,
 * payment lookup), plus the notification Mercado Pago would send, signed with x-signature. Bearer
 * token checked; POSTs replayed by X-Idempotency-Key like the real API.
 */
export async function startFakeMercadoPago(options: FakeMercadoPagoOptions = {}): Promise<FakeMercadoPago> {
  const accessToken = options.accessToken ?? `TEST-${randomBytes(8).toString('hex')}`;
  const webhookSecret = options.webhookSecret ?? randomBytes(16).toString('hex');
  const site = options.site ?? { host: 'www.mercadopago.com.co', currency: 'COP' };
  const collectorId = 1_234_567_890;
  const received: FakeRequestRecord[] = [];
  const preferences = new Map<string, FakePreference>();
  const payments = new Map<number, FakePayment>();
  const idempotent = new Map<string, { status: number; body: unknown }>();
  let nextPaymentId = 90_000_000_001;
  let nextNotificationId = 11_000_000_001;
  let failures = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    const idempotencyKey = req.headers['x-idempotency-key'] as string | undefined;
    received.push({
      method: req.method ?? '',
      path: url.pathname,
      authorization: req.headers.authorization,
      idempotencyKey,
      body,
    });
    if (failures > 0) {
      failures--;
      sendError(res, 500, 'internal_error', 'internal error');
      return;
    }
    if (req.headers.authorization !== `Bearer ${accessToken}`) {
      sendError(res, 401, 'unauthorized', 'invalid_token');
      return;
    }
    const replayKey =
      req.method === 'POST' && idempotencyKey ? `${url.pathname} ${idempotencyKey}` : undefined;
    const replay = replayKey ? idempotent.get(replayKey) : undefined;
    if (replay) {
      sendJson(res, replay.status, replay.body);
      return;
    }

    if (req.method === 'POST' && /^\/checkout\/preferences\/?$/.test(url.pathname)) {
      const request = (body ?? {}) as Record<string, unknown>;
      const items = request['items'];
      const valid =
        Array.isArray(items) &&
        items.length > 0 &&
        items.every(
          (item: Record<string, unknown>) =>
            typeof item['unit_price'] === 'number' && Number(item['quantity']) > 0,
        );
      if (!valid) {
        sendError(res, 400, 'invalid_items', 'items needed');
        return;
      }
      const id = `${collectorId}-${randomUUID()}`;
      const preference: FakePreference = {
        ...request,
        id,
        collector_id: collectorId,
        client_id: '6295877106812064',
        date_created: new Date().toISOString(),
        operation_type: 'regular_payment',
        init_point: `https://${site.host}/checkout/v1/redirect?pref_id=${id}`,
        sandbox_init_point: `https://sandbox.mercadopago.com.co/checkout/v1/redirect?pref_id=${id}`,
      };
      preferences.set(id, preference);
      if (replayKey) idempotent.set(replayKey, { status: 201, body: preference });
      sendJson(res, 201, preference);
      return;
    }
    const preferenceMatch = /^\/checkout\/preferences\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && preferenceMatch) {
      const preference = preferences.get(decodeURIComponent(preferenceMatch[1]));
      if (!preference) sendError(res, 404, 'not_found', 'preference not found');
      else sendJson(res, 200, preference);
      return;
    }
    const paymentMatch = /^\/v1\/payments\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && paymentMatch) {
      const payment = payments.get(Number(paymentMatch[1]));
      if (!payment) sendError(res, 404, 'not_found', 'Payment not found');
      else sendJson(res, 200, payment);
      return;
    }
    sendError(res, 404, 'not_found', `fake Mercado Pago has no ${req.method} ${url.pathname}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) sendError(res, 400, 'bad_request', `fake Mercado Pago: ${error.message}`);
      else res.destroy(error);
    });
  });
  const port = await listenOnLoopback(server);

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    accessToken,
    webhookSecret,
    received,
    preferences,
    pay(preferenceId, outcome = 'approved', at = new Date()) {
      const preference = preferences.get(preferenceId);
      if (!preference) throw new Error(`no preference ${preferenceId}`);
      const items = preference['items'] as Array<{
        unit_price: number;
        quantity: number;
        currency_id?: string;
      }>;
      const now = at.toISOString();
      const payment: FakePayment = {
        id: nextPaymentId++,
        status: outcome,
        status_detail:
          outcome === 'approved'
            ? 'accredited'
            : outcome === 'rejected'
              ? 'cc_rejected_insufficient_amount'
              : 'pending_contingency',
        external_reference: preference.external_reference ?? null,
        transaction_amount: items.reduce((sum, item) => sum + item.unit_price * Number(item.quantity), 0),
        currency_id: items[0]?.currency_id ?? site.currency,
        date_created: now,
        date_approved: outcome === 'approved' ? now : null,
        date_last_updated: now,
        metadata: (preference['metadata'] as Record<string, unknown>) ?? {},
        preference_id: preferenceId,
      };
      payments.set(payment.id, payment);
      return payment;
    },
    settle(paymentId, outcome, at = new Date()) {
      const payment = payments.get(paymentId);
      if (!payment) throw new Error(`no payment ${paymentId}`);
      Object.assign(payment, {
        status: outcome,
        status_detail: outcome === 'approved' ? 'accredited' : 'cc_rejected_other_reason',
        date_approved: outcome === 'approved' ? at.toISOString() : null,
        date_last_updated: at.toISOString(),
      });
      return payment;
    },
    reverse(paymentId, how, at = new Date()) {
      const payment = payments.get(paymentId);
      if (!payment) throw new Error(`no payment ${paymentId}`);
      if (payment.status !== 'approved') throw new Error(`payment ${paymentId} is ${payment.status}`);
      Object.assign(payment, {
        status: how,
        status_detail: how === 'refunded' ? 'refunded' : 'settled',
        date_last_updated: at.toISOString(),
      });
      return payment;
    },
    notificationFor(
      paymentId,
      { tsMs = Date.now(), signWith = webhookSecret, action = 'payment.created' } = {},
    ) {
      const requestId = randomUUID();
      const dataId = String(paymentId);
      const ts = String(tsMs);
      const manifest = `id:${dataId};request-id:${requestId};ts:${ts};`;
      const v1 = createHmac('sha256', signWith).update(manifest).digest('hex');
      const rawBody = Buffer.from(
        JSON.stringify({
          action,
          api_version: 'v1',
          data: { id: dataId },
          date_created: new Date(tsMs).toISOString(),
          id: nextNotificationId++,
          live_mode: false,
          type: 'payment',
          user_id: String(collectorId),
        }),
      );
      return {
        query: { 'data.id': dataId, type: 'payment' },
        headers: {
          'content-type': 'application/json',
          'x-signature': `ts=${ts},v1=${v1}`,
          'x-request-id': requestId,
        },
        rawBody,
      };
    },
    failNext(count) {
      failures = count;
    },
    close: () => closeServer(server),
  };
}
