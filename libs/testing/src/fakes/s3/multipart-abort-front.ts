import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const NO_SUCH_UPLOAD = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.</Message></Error>`;

/**
 * s3rver implements multipart uploads except AbortMultipartUpload (it answers 405). This front
 * answers that one call as S3 does — 204 for an upload in progress, 404 NoSuchUpload for one
 * already aborted or completed — and pipes every other request to s3rver untouched. It records
 * the upload ids aborted, so a test can see an abort really happened.
 */
export class MultipartAbortFront {
  readonly aborted = new Set<string>();
  private readonly completed = new Set<string>();
  private server?: Server;

  constructor(private readonly upstreamPort: number) {}

  async listen(): Promise<number> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const uploadId = new URL(req.url ?? '/', 'http://s3').searchParams.get('uploadId');
    if (uploadId && req.method === 'DELETE') {
      req.resume();
      const known = !this.aborted.has(uploadId) && !this.completed.has(uploadId);
      this.aborted.add(uploadId);
      if (known) res.writeHead(204).end();
      else res.writeHead(404, { 'content-type': 'application/xml' }).end(NO_SUCH_UPLOAD);
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        // CompleteMultipartUpload that succeeded: the upload id is gone, as on S3.
        if (uploadId && req.method === 'POST' && (answer.statusCode ?? 500) < 300)
          this.completed.add(uploadId);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}
