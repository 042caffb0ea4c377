import { PAYMENTS_RPC as P, paymentsRpcSchemas as S } from '@platform/contracts';
import { defineWebhookRoute } from './kinds/webhook-route.definition';
import { defineRoute, type RouteDefinition } from './route-definition';

const SMALL_BODY = 16 * 1024;
/** Stripe events carry whole objects (an invoice with its lines): room to spare, still bounded. */
const STRIPE_EVENT_BODY = 512 * 1024;
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
      description: 'A Stripe Checkout Session: send the browser to `url` (409 when already subscribed)',
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
];
