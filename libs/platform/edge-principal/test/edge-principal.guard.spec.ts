import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Controller, Get, Module, Post, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Principal } from '@platform/contracts';
import { ConfigError } from '@platform/config';
import { NotFoundError } from '@platform/errors';
import {
  EDGE_PRINCIPAL_HEADER,
  EdgeAuthenticated,
  EdgePrincipal,
  EdgePrincipalModule,
  signEdgePrincipal,
} from '../src';

const secret = randomBytes(32).toString('base64url');
/** What the service's logger received (the filter logs unexpected errors with their id). */
const logged: object[] = [];
const principal: Principal = {
  kind: 'api-key',
  userId: null,
  organizationId: '3d1c7a4e-8b2f-4e6a-9c0d-5f1e2a3b4c5d',
  roles: ['developer'],
  scopes: ['recordings:write'],
  apiKeyId: 'key-1',
};

@Controller('v1/uploads')
@EdgeAuthenticated()
class UploadsController {
  @Post(':id')
  accept(@EdgePrincipal() caller: Principal, @Req() request: { url: string }) {
    return { organizationId: caller.organizationId, kind: caller.kind, url: request.url };
  }

  @Get('broken')
  broken(): never {
    throw new Error('disk on fire at /var/secret/path');
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundError('Upload', 'missing');
  }
}

@Module({
  imports: [
    EdgePrincipalModule.forRoot({
      audience: 'storage',
      secret,
      logger: { error: (obj) => logged.push(obj) },
    }),
  ],
  controllers: [UploadsController],
})
class StorageEdgeModule {}

describe('EdgeAuthenticated on a service controller (real Nest on Fastify over HTTP)', () => {
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(StorageEdgeModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(() => app.close());

  const token = (overrides: Partial<Parameters<typeof signEdgePrincipal>[0]> = {}) =>
    signEdgePrincipal({
      secret,
      audience: 'storage',
      method: 'POST',
      path: '/v1/uploads/abc',
      requestId: 'req-guard',
      principal,
      ...overrides,
    });

  async function post(path: string, header?: string) {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: header === undefined ? {} : { [EDGE_PRINCIPAL_HEADER]: header },
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it('admits a token for this service, method and path and hands the handler its principal', async () => {
    const answer = await post('/v1/uploads/abc?part=2', await token());
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      organizationId: '3d1c7a4e-8b2f-4e6a-9c0d-5f1e2a3b4c5d',
      kind: 'api-key',
      url: '/v1/uploads/abc?part=2',
    });
  });

  it.each([
    ['no header', undefined],
    ['another service', { audience: 'payments' }],
    ['another path', { path: '/v1/uploads/other' }],
    ['another method', { method: 'PATCH' }],
    ['another secret', { secret: randomBytes(32).toString('base64url') }],
  ])('refuses %s with 401 problem+json EDGE_PRINCIPAL_INVALID', async (_case, overrides) => {
    const header = overrides === undefined ? undefined : await token(overrides);
    const answer = await post('/v1/uploads/abc', header);
    expect(answer.status).toBe(401);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      status: 401,
      code: 'EDGE_PRINCIPAL_INVALID',
      instance: '/v1/uploads/abc',
    });
    // The reason stays in the service: a prober cannot tell which check failed.
    expect(answer.body.detail).toBe('The request did not come through the gateway with a valid principal');
  });

  it('answers a use-case DomainError of an edge handler as problem+json too', async () => {
    const header = await token({ method: 'GET', path: '/v1/uploads/missing' });
    const response = await fetch(`${base}/v1/uploads/missing`, {
      headers: { [EDGE_PRINCIPAL_HEADER]: header },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'Upload missing not found' });
  });

  it('answers an unexpected error as a 500 with only an errorId, logged in the service’s logger', async () => {
    const header = await token({ method: 'GET', path: '/v1/uploads/broken' });
    const response = await fetch(`${base}/v1/uploads/broken`, {
      headers: { [EDGE_PRINCIPAL_HEADER]: header },
    });
    const body = (await response.json()) as { code: string; errorId: string; detail: string };
    expect(response.status).toBe(500);
    expect(body.code).toBe('INTERNAL');
    expect(JSON.stringify(body)).not.toContain('disk on fire');
    expect(logged).toEqual([expect.objectContaining({ errorId: body.errorId, path: '/v1/uploads/broken' })]);
  });

  it('fails the boot with a ConfigError naming EDGE_PRINCIPAL_SECRET when it is unset or short', () => {
    expect(() => EdgePrincipalModule.forRoot({ audience: 'storage', secret: undefined })).toThrow(
      ConfigError,
    );
    expect(() => EdgePrincipalModule.forRoot({ audience: 'storage', secret: undefined })).toThrow(
      /EDGE_PRINCIPAL_SECRET: is required by storage/,
    );
    expect(() => EdgePrincipalModule.forRoot({ audience: 'storage', secret: 'short' })).toThrow(
      /EDGE_PRINCIPAL_SECRET: must be at least 32 bytes/,
    );
  });
});
