import { defineStreamRoute } from '../routes/kinds/stream-route.definition';
import { defineWebhookRoute } from '../routes/kinds/webhook-route.definition';
import { buildOpenApiDocument } from './openapi.builder';

describe('the OpenAPI document of webhook and stream routes', () => {
  type Operation = Record<string, unknown> & { parameters?: { name: string; in: string }[] };
  const document = () =>
    buildOpenApiDocument(
      [
        defineWebhookRoute({
          id: 'payments.webhook.provider',
          method: 'POST',
          path: '/v1/payments/webhooks/:provider',
          service: 'payments',
          auth: 'public',
          rateLimit: 'public',
          signatureHeaders: ['stripe-signature'],
          bodyLimitBytes: 65536,
          success: { status: 200, description: 'Stored' },
          tag: 'Payments',
          summary: 'Provider webhook',
        }),
        defineStreamRoute({
          id: 'storage.upload',
          methods: ['HEAD', 'PATCH', 'DELETE', 'OPTIONS'],
          path: '/v1/uploads/:uploadId',
          service: 'storage',
          auth: 'storage:write',
          credentials: ['user', 'api-key'],
          rateLimit: 'write',
          maxBodyBytes: 1024,
          success: { description: 'tus' },
          tag: 'Storage',
          summary: 'An upload',
        }),
      ],
      '1.0.0',
    ).paths as Record<string, Record<string, Operation>>;

  it('documents a webhook as public, raw-bodied, with its signature header and path parameter', () => {
    const op = document()['/v1/payments/webhooks/{provider}']!.post!;
    expect(op.security).toEqual([]);
    expect(op.parameters!.map((p) => [p.name, p.in])).toEqual([
      ['provider', 'path'],
      ['stripe-signature', 'header'],
    ]);
    expect(op.requestBody).toEqual({
      required: true,
      content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
    });
    expect(op['x-service']).toBe('payments');
  });

  it('documents one operation per stream method (OPTIONS is protocol discovery, not listed), with its credentials', () => {
    const path = document()['/v1/uploads/{uploadId}']!;
    expect(Object.keys(path).sort()).toEqual(['delete', 'head', 'patch']);
    expect(path.patch!.operationId).toBe('storage.upload.patch');
    expect(path.patch!.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
    expect(path.patch!.requestBody).toBeDefined();
    expect(path.head!.requestBody).toBeUndefined();
    expect(Object.keys(path.patch!.responses as object)).toEqual(
      expect.arrayContaining(['2XX', '401', '403', '413', '429', '503', '504']),
    );
    expect(path.delete!.parameters!.map((p) => p.name)).toEqual(['uploadId']);
  });
});
