import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type UpstreamHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface UpstreamServer {
  /** `http://127.0.0.1:<port>`: what the gateway's `<SERVICE>_INTERNAL_URL` points at. */
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/**
 * A small HTTP server standing in for a backend's internal port (the owning service of a webhook
 * or stream route). Errors thrown by the handler answer 500 so a test sees them instead of hanging.
 */
export async function startUpstreamServer(handler: UpstreamHandler): Promise<UpstreamServer> {
  const server = http.createServer((request, response) => {
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads a request body whole (test upstreams only: the gateway itself never buffers streams). */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A port nothing listens on (bound, then released): an upstream that is down. */
export async function closedPortUrl(): Promise<string> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
