import type { HttpForwardedRoute } from '../route-definition';

/**
 * A payment provider's (or any third party's) signed callback. Public: the provider has no
 * credential of ours, the owning service checks the signature. The gateway keeps the body
 * byte-exact (no JSON parser in front: re-serialising breaks the signature), forwards only the
 * listed signature headers plus content-type, x-request-id and traceparent, POSTs it to the
 * service's internal port at the same path, and relays the service's status and body.
 */
export interface WebhookRouteDefinition extends HttpForwardedRoute {
  kind: 'webhook';
  method: 'POST';
  auth: 'public';
  /** Throttled per client IP like other unauthenticated routes. */
  rateLimit: 'public';
  /** Provider headers the service needs to verify the request, lower-case (e.g. `stripe-signature`). */
  signatureHeaders: readonly string[];
  /**
   * Query parameters that authenticate the request instead (AZUL's 3-D Secure callback carries our
   * signed `session` token in the URL we handed AZUL). The query always travels; this documents it.
   */
  signatureQuery?: readonly string[];
  /** Larger bodies are refused with 413 before any byte is forwarded. */
  bodyLimitBytes: number;
  /** What the service answers once the event is durably stored (documentation). */
  success: { status: 200 | 202 | 204; description: string };
}

/** Keeps the literal types of a webhook entry without a cast at each call site. */
export function defineWebhookRoute(route: Omit<WebhookRouteDefinition, 'kind'>): WebhookRouteDefinition {
  return { kind: 'webhook', ...route };
}
