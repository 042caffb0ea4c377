/**
 * A tus 1.0 server (@tus/server + FileStore) standing in for the storage service's internal port,
 * run as a child process (`node --import tsx`) because @tus/server is ESM-only and Jest's module
 * system cannot load it on Node 20. Like a real edge handler it refuses any request without a
 * gateway-signed principal for this service, method and path. It reports each request (and the
 * principal it carried) and each finished upload as one JSON line on stdout.
 *
 * env: TUS_DIRECTORY, TUS_PATH, EDGE_PRINCIPAL_SECRET.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyEdgePrincipal } from '@platform/edge-principal';

const report = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  const { Server, EVENTS } = await import('@tus/server');
  const { FileStore } = await import('@tus/file-store');
  const path = process.env.TUS_PATH!;
  const secret = process.env.EDGE_PRINCIPAL_SECRET!;
  const tus = new Server({
    path,
    datastore: new FileStore({ directory: process.env.TUS_DIRECTORY! }),
    // Location must point at the gateway (X-Forwarded-Host/Proto), never at this internal port.
    respectForwardedHeaders: true,
  });
  tus.on(EVENTS.POST_FINISH, (_request, _response, upload) => {
    report({ type: 'finished', id: upload.id, size: upload.size, offset: upload.offset });
  });

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://internal');
    const header = request.headers['x-platform-principal'];
    verifyEdgePrincipal(typeof header === 'string' ? header : undefined, {
      secret,
      audience: 'storage',
      method: request.method ?? '',
      path: url.pathname,
    }).then(
      ({ principal }) => {
        report({
          type: 'request',
          method: request.method,
          path: url.pathname,
          organizationId: principal.organizationId,
          uploadOffset: request.headers['upload-offset'] ?? null,
          forwardedHost: request.headers['x-forwarded-host'] ?? null,
        });
        request.on('close', () => {
          if (!request.complete) report({ type: 'aborted', method: request.method, path: url.pathname });
        });
        void tus.handle(request, response);
      },
      (error: { reason?: string }) => {
        report({ type: 'refused', method: request.method, path: url.pathname, reason: error.reason });
        response.writeHead(401, { 'content-type': 'text/plain' }).end('no valid principal');
      },
    );
  });
  server.listen(0, '127.0.0.1', () => {
    report({ type: 'listening', port: (server.address() as AddressInfo).port });
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`tus upstream failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
