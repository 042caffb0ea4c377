import { PAYMENTS_RPC as P, paymentsRpcSchemas as S } from '@platform/contracts';
import { defineWebhookRoute } from './kinds/webhook-route.definition';
import { defineRoute, type RouteDefinition } from './route-definition';

const SMALL_BODY = 16 * 1024;
/** Stripe events carry whole objects (an invoice with its lines): room to spare, still bounded. */
const STRIPE_EVENT_BODY = 512 * 1024;
/** A Mercado Pago notification names a resource by id; an AZUL 3-D Secure callback carries a cRes (a few KiB). */
const PROVIDER_CALLBACK_BODY = 64 * 1024;
const TAG = 'Billing';

/**
 * Billing: `/v1/payments/*` (rpc kind). Every route acts on the caller's current organization (the
 * principal's), never on one named by the request. Writes need `billing:write` (owner, billing role)
 * from a signed-in user; commands honour Idempotency-Key end to end — payments derives Stripe's
 * idempotency key from it, so a retried request never creates a second session or change.
 * These routes stay open while the organization is suspended (that is how it pays).
 */
export const PAYMENTS_ROUTES: RouteDefinition[] = [
  defineRoute({
    id: 'payments.checkout',
    method: 'POST',
    path: '/v1/payments/checkout',
    rpc: P.createCheckoutSession,
    auth: 'billing:write',
    rateLimit: 'sensitive',
    idempotent: true,
    request: { body: S[P.createCheckoutSession].request },
    success: {
      status: 201,
      description:
        'A Stripe Checkout Session, or with `provider: "mercadopago"` a Mercado Pago Checkout Pro preference (`url` = its init_point): send the browser to `url` (409 when already subscribed, 503 when the provider is not configured)',
    },
    bodyLimitBytes: SMALL_BODY,
    tag: TAG,
    summary: 'Start a checkout for a paid plan',
  }),
  defineRoute({
    id: 'payments.portal',
    method: 'POST',
    path: '/v1/payments/portal',
    rpc: P.createPortalSession,
    auth: 'billing:write',
    rateLimit: 'sensitive',
    idempotent: true,
    request: { body: S[P.createPortalSession].request },
    success: {
      status: 201,
      description: 'A Stripe Billing Portal session URL (409 before the first checkout)',
    },
    bodyLimitBytes: SMALL_BODY,
    tag: TAG,
    summary: 'Open the billing portal',
  }),
  defineRoute({
    id: 'payments.subscription.get',
    method: 'GET',
    path: '/v1/payments/subscription',
    rpc: P.getSubscription,
    auth: 'billing:read',
    rateLimit: 'read',
    request: {},
    success: { status: 200, description: 'The organization’s plan, status and billing period' },
    tag: TAG,
    summary: 'Get the subscription',
  }),
  defineRoute({
    id: 'payments.subscription.changePlan',
    method: 'POST',
    path: '/v1/payments/subscription/plan',
    rpc: P.changePlan,
    auth: 'billing:write',
    rateLimit: 'sensitive',
    idempotent: true,
    request: { body: S[P.changePlan].request },
    success: {
      status: 200,
      description:
        'The subscription on the new plan, prorated by Stripe (409 without an active subscription)',
    },
    bodyLimitBytes: SMALL_BODY,
    tag: TAG,
    summary: 'Change plan (prorated)',
  }),
  defineRoute({
    id: 'payments.subscription.cancel',
    method: 'POST',
    path: '/v1/payments/subscription/cancel',
    rpc: P.cancelSubscription,
    auth: 'billing:write',
    rateLimit: 'sensitive',
    idempotent: true,
    request: {},
    success: { status: 200, description: 'The subscription, cancelling at the end of the paid period' },
    tag: TAG,
    summary: 'Cancel at period end',
  }),
  defineRoute({
    id: 'payments.invoices.list',
    method: 'GET',
    path: '/v1/payments/invoices',
    rpc: P.listInvoices,
    auth: 'billing:read',
    rateLimit: 'read',
    request: { query: S[P.listInvoices].request },
    success: { status: 200, description: 'One page of the organization’s invoices (newest first)' },
    tag: TAG,
    summary: 'List invoices',
  }),
  defineRoute({
    id: 'payments.invoices.document',
    method: 'GET',
    path: '/v1/payments/invoices/:id/document',
    rpc: P.renderInvoice,
    auth: 'billing:read',
    rateLimit: 'read',
    request: { params: S[P.renderInvoice].request },
    present: (document) => ({
      status: 200,
      headers: {
        'content-type': document.contentType,
        'content-disposition': `attachment; filename="${document.fileName}"`,
        // The document is data, never a page that runs anything.
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        'x-content-type-options': 'nosniff',
      },
      body: document.html,
    }),
    successMediaType: 'text/html; charset=utf-8',
    success: {
      status: 200,
      description: 'The invoice as a standalone HTML document (404 when absent or another organization’s)',
    },
    tag: TAG,
    summary: 'Download an invoice',
  }),
  defineRoute({
    id: 'payments.azul.payments.start',
    method: 'POST',
    path: '/v1/payments/azul/payments',
    rpc: P.startAzulPayment,
    auth: 'billing:write',
    rateLimit: 'sensitive',
    idempotent: true,
    request: { body: S[P.startAzulPayment].request },
    success: {
      status: 201,
      description:
        'The first AZUL payment of a plan on a DataVault token: `succeeded`, `declined`, or `requires_action` with the 3-D Secure step the browser performs next (409 when already subscribed, 503 when AZUL is not configured)',
    },
    bodyLimitBytes: SMALL_BODY,
    tag: TAG,
    summary: 'Pay a plan with a card through AZUL',
  }),
  defineRoute({
    id: 'payments.azul.payments.get',
    method: 'GET',
    path: '/v1/payments/azul/payments/:id',
    rpc: P.getAzulPayment,
    auth: 'billing:read',
    rateLimit: 'read',
    request: { params: S[P.getAzulPayment].request },
    success: {
      status: 200,
      description:
        'One AZUL payment of the organization, e.g. after its 3-D Secure callback (404 when absent or another organization’s)',
    },
    tag: TAG,
    summary: 'Get an AZUL payment',
  }),
  defineRoute({
    id: 'payments.azul.fallbackCard.setup',
    method: 'POST',
    path: '/v1/payments/azul/fallback-card',
    rpc: P.setupFallbackCard,
    auth: 'billing:write',
    rateLimit: 'sensitive',
    idempotent: true,
    request: { body: S[P.setupFallbackCard].request },
    success: {
      status: 201,
      description:
        'A Stripe Checkout Session in setup mode (nothing is charged): the card saved there pays AZUL’s monthly charge while AZUL is unavailable. Send the browser to `url`; the subscription’s `fallbackCard` shows the card once Stripe confirms it (409 unless the subscription is billed through AZUL, 503 when Stripe is not configured)',
    },
    bodyLimitBytes: SMALL_BODY,
    tag: TAG,
    summary: 'Save a backup card for AZUL’s monthly charge',
  }),
  defineRoute({
    id: 'payments.usage.get',
    method: 'GET',
    path: '/v1/payments/usage',
    rpc: P.getUsage,
    auth: 'billing:read',
    rateLimit: 'read',
    request: { query: S[P.getUsage].request },
    success: {
      status: 200,
      description:
        'Usage of the current billing period per metric (`?metric=` for one): used, the plan limit and the percentage',
    },
    tag: TAG,
    summary: 'Get usage',
  }),
  defineWebhookRoute({
    id: 'payments.webhooks.stripe',
    method: 'POST',
    path: '/v1/webhooks/stripe',
    service: 'payments',
    auth: 'public',
    rateLimit: 'public',
    signatureHeaders: ['stripe-signature'],
    bodyLimitBytes: STRIPE_EVENT_BODY,
    success: {
      status: 200,
      description:
        'The event is verified (Stripe-Signature, timestamp tolerance) and durably stored; `{ received, duplicate }` (400 WEBHOOK_SIGNATURE_INVALID otherwise)',
    },
    tag: TAG,
    summary: 'Stripe webhook endpoint',
  }),
  defineWebhookRoute({
    id: 'payments.webhooks.mercadopago',
    method: 'POST',
    path: '/v1/webhooks/mercadopago',
    service: 'payments',
    auth: 'public',
    rateLimit: 'public',
    // x-signature signs `data.id` (query), the provider's x-request-id and ts: both headers must reach
    // payments as Mercado Pago sent them (the listed ones replace the gateway's own x-request-id).
    signatureHeaders: ['x-signature', 'x-request-id'],
    bodyLimitBytes: PROVIDER_CALLBACK_BODY,
    success: {
      status: 200,
      description:
        'The notification is verified (x-signature over data.id, x-request-id and ts; replay window) and durably stored; `{ received, duplicate }` (400 WEBHOOK_SIGNATURE_INVALID otherwise)',
    },
    tag: TAG,
    summary: 'Mercado Pago notification endpoint',
  }),
  defineWebhookRoute({
    id: 'payments.webhooks.azul',
    method: 'POST',
    path: '/v1/webhooks/azul',
    service: 'payments',
    auth: 'public',
    rateLimit: 'public',
    // The cardholder's browser posts here (form) on behalf of the issuer's ACS; what authenticates it
    // is our signed `?session=` token in the query, which the gateway forwards with the path.
    signatureHeaders: [],
    signatureQuery: ['session'],
    bodyLimitBytes: PROVIDER_CALLBACK_BODY,
    success: {
      status: 200,
      description:
        'An AZUL 3-D Secure callback (cRes to the TermUrl, or the method notification) with a valid `session` token, durably stored; payments then continues the charge with AZUL (400 WEBHOOK_SIGNATURE_INVALID otherwise)',
    },
    tag: TAG,
    summary: 'AZUL 3-D Secure callback',
  }),
];
