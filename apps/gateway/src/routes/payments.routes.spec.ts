import { buildOpenApiDocument } from '../openapi/openapi.builder';
import { PAYMENTS_ROUTES } from './payments.routes';
import { ROUTE_TABLE } from './route-table';

type Operation = { responses: Record<string, { content?: Record<string, unknown> }>; parameters?: unknown[] };
const document = buildOpenApiDocument(ROUTE_TABLE, '9.9.9') as unknown as {
  paths: Record<string, Record<string, Operation>>;
};

describe('billing routes in the route table and the OpenAPI document', () => {
  it('are all in the table, with billing permissions on every non-webhook route', () => {
    for (const route of PAYMENTS_ROUTES) expect(ROUTE_TABLE).toContain(route);
    const auths = PAYMENTS_ROUTES.map((route) => `${route.id}=${String(route.auth)}`).sort();
    expect(auths).toEqual([
      'payments.azul.fallbackCard.setup=billing:write',
      'payments.azul.payments.get=billing:read',
      'payments.azul.payments.start=billing:write',
      'payments.checkout=billing:write',
      'payments.invoices.document=billing:read',
      'payments.invoices.list=billing:read',
      'payments.portal=billing:write',
      'payments.subscription.cancel=billing:write',
      'payments.subscription.changePlan=billing:write',
      'payments.subscription.get=billing:read',
      'payments.usage.get=billing:read',
      'payments.webhooks.azul=public',
      'payments.webhooks.mercadopago=public',
      'payments.webhooks.stripe=public',
    ]);
  });

  it('documents the invoice download as an HTML document, not JSON', () => {
    const download = document.paths['/v1/payments/invoices/{id}/document']!.get!;
    expect(download.responses['200']!.content).toEqual({
      'text/html; charset=utf-8': { schema: { type: 'string' } },
    });
    const list = document.paths['/v1/payments/invoices']!.get!;
    expect(Object.keys(list.responses['200']!.content!)).toEqual(['application/json']);
  });

  it('documents the idempotent commands with their 409/422 answers', () => {
    const checkout = document.paths['/v1/payments/checkout']!.post!;
    expect(checkout.responses['409']).toEqual({ $ref: '#/components/responses/IdempotencyKeyInFlight' });
    expect(checkout.responses['422']).toEqual({ $ref: '#/components/responses/IdempotencyKeyReused' });
    expect(document.paths['/v1/webhooks/stripe']!.post).toBeDefined();
    expect(document.paths['/v1/webhooks/mercadopago']!.post).toBeDefined();
    // AZUL's callback is authenticated by our signed token in the query; Mercado Pago's by two headers.
    expect(document.paths['/v1/webhooks/azul']!.post!.parameters).toEqual([
      expect.objectContaining({ name: 'session', in: 'query', required: true }),
    ]);
    expect(document.paths['/v1/webhooks/mercadopago']!.post!.parameters).toEqual([
      expect.objectContaining({ name: 'x-signature', in: 'header' }),
      expect.objectContaining({ name: 'x-request-id', in: 'header' }),
    ]);
  });
});
