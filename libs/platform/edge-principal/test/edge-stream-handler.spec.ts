import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { Controller, Injectable, Module, Put, Req, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '@platform/contracts';
import { bootstrapService, type RunningService } from '@platform/bootstrap';
import { baseEnvSchema, type BaseEnv } from '@platform/config';
import { EDGE_PRINCIPAL_HEADER, EdgeAuthenticated, EdgePrincipalModule, signEdgePrincipal } from '../src';

const secret = randomBytes(32).toString('base64url');
/** The service's whole-request deadline (REQUEST_BODY_TIMEOUT_MS), small so a slow body passes it. */
const DEADLINE_MS = 1000;
const principal: Principal = {
  kind: 'user',
  userId: '0c000000-0000-4000-8000-00000000000c',
  organizationId: '0a000000-0000-4000-8000-00000000000a',
  roles: ['developer'],
  scopes: [],
  apiKeyId: null,
};

/** What a service serving uploads does: leave tus/octet bodies unparsed, for the handler to stream. */
@Injectable()
class RawUploadBodies implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
  }
}

async function countBytes(request: FastifyRequest): Promise<{ bytes: number }> {
  let bytes = 0;
  for await (const chunk of request.raw) bytes += (chunk as Buffer).length;
  return { bytes };
}

@Controller('v1/uploads')
class UploadsController {
  @Put('edge/:id')
  @EdgeAuthenticated()
  edge(@Req() request: FastifyRequest) {
    return countBytes(request);
  }

  /** Not an edge route: keeps the service's deadline (the slow-body defence). */
  @Put('plain/:id')
  plain(@Req() request: FastifyRequest) {
    return countBytes(request);
  }
}

@Module({
  imports: [EdgePrincipalModule.forRoot({ audience: 'storage', secret })],
  controllers: [UploadsController],
  providers: [RawUploadBodies],
})
class UploadsModule {}

describe('a service’s edge upload handler (bootstrapped like every service, real HTTP)', () => {
  let service: RunningService<BaseEnv>;

  beforeAll(async () => {
    service = await bootstrapService<BaseEnv>(
      { service: 'storage', envSchema: baseEnvSchema, module: () => UploadsModule },
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        HTTP_PORT: '0',
        HTTP_HOST: '127.0.0.1',
        REQUEST_BODY_TIMEOUT_MS: String(DEADLINE_MS),
      },
    );
  });
  afterAll(() => service?.app.close());

  /** 12 chunks of 16 KiB, one every 200 ms: about 2.4 s, well past the 1 s deadline. */
  function slowBody(): Readable {
    return Readable.from(
      (async function* () {
        for (let i = 0; i < 12; i++) {
          await new Promise((resolve) => setTimeout(resolve, 200)); // pacing the sender
          yield Buffer.alloc(16 * 1024, i);
        }
      })(),
    );
  }

  function put(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        `${service.url}${path}`,
        // One connection per call: nothing idles in a keep-alive pool when the service closes.
        { method: 'PUT', headers, agent: false },
        (response: IncomingMessage) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on('error', reject);
      slowBody().pipe(request);
    });
  }

  it('lets a gateway-admitted upload arrive slower than REQUEST_BODY_TIMEOUT_MS; a plain route still answers 408', async () => {
    const path = '/v1/uploads/edge/u1';
    const token = await signEdgePrincipal({
      secret,
      audience: 'storage',
      method: 'PUT',
      path,
      requestId: 'r-1',
      principal,
    });
    const type = { 'content-type': 'application/offset+octet-stream' };

    const admitted = await put(path, { ...type, [EDGE_PRINCIPAL_HEADER]: token });
    expect(admitted).toEqual({ status: 200, body: JSON.stringify({ bytes: 12 * 16 * 1024 }) });

    const plain = await put('/v1/uploads/plain/u1', type).catch((error: Error) => ({
      status: 0,
      body: error.message,
    }));
    // Node answers the deadline with 408 problem+json and closes (the client may see the close first).
    expect([408, 0]).toContain(plain.status);
    if (plain.status === 408) expect(JSON.parse(plain.body)).toMatchObject({ code: 'REQUEST_TIMEOUT' });
  });

  it('refuses the same slow upload without a principal at once (401), before reading it', async () => {
    const refused = await put('/v1/uploads/edge/u2', {
      'content-type': 'application/offset+octet-stream',
    }).catch((error: Error) => ({ status: 0, body: error.message }));
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'EDGE_PRINCIPAL_INVALID' });
  });
});
