import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Controller, Get, Global, Module, Req, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { Principal } from '@platform/contracts';
import { TenancyModule, TenantDatabase } from '@platform/tenancy';
import { createTestDatabase, type TestDatabase } from '@platform/testing';
import {
  EDGE_PRINCIPAL_HEADER,
  EdgeAuthenticated,
  EdgePrincipalModule,
  EdgeTenantTransactionInterceptor,
  runForEdgeRequest,
  signEdgePrincipal,
  type EdgeRequest,
} from '../src';

const ORG_A = '0a000000-0000-4000-8000-00000000000a';
const ORG_B = '0b000000-0000-4000-8000-00000000000b';
const secret = randomBytes(32).toString('base64url');

const principalOf = (organizationId: string | null): Principal => ({
  kind: 'user',
  userId: '0c000000-0000-4000-8000-00000000000c',
  organizationId,
  roles: ['developer'],
  scopes: [],
  apiKeyId: null,
});

@Controller('v1/notes')
@EdgeAuthenticated()
class NotesController {
  constructor(private readonly tenants: TenantDatabase) {}

  /** A small edge handler: the whole handler in the principal's tenant transaction. */
  @Get()
  @UseInterceptors(EdgeTenantTransactionInterceptor)
  list() {
    return this.tenants.manager.query(`SELECT id FROM notes ORDER BY id`);
  }

  /** What a stream handler does for each short DB step. */
  @Get('count')
  count(@Req() request: EdgeRequest) {
    return runForEdgeRequest(this.tenants, request, (manager) =>
      manager.query(`SELECT count(*)::int AS n FROM notes`),
    );
  }
}

describe('edge handlers run DB work under the signed principal’s tenant (real PostgreSQL, RLS)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    database = await createTestDatabase('edge_tenant');
    const admin = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    await admin.query(`CREATE TABLE notes (id text PRIMARY KEY, organization_id uuid NOT NULL)`);
    await admin.query(`CREATE INDEX ON notes (organization_id)`);
    await admin.query(`ALTER TABLE notes ENABLE ROW LEVEL SECURITY`);
    await admin.query(`ALTER TABLE notes FORCE ROW LEVEL SECURITY`);
    await admin.query(`CREATE POLICY tenant_isolation ON notes
        USING (organization_id = NULLIF(current_setting('app.organization_id', true), '')::uuid)
        WITH CHECK (organization_id = NULLIF(current_setting('app.organization_id', true), '')::uuid)`);
    await admin.query(`INSERT INTO notes VALUES ('a1', $1), ('a2', $1), ('b1', $2)`, [ORG_A, ORG_B]);
    await admin.destroy();
    dataSource = await new DataSource({ type: 'postgres', url: database.appUrl }).initialize();

    @Global()
    @Module({ providers: [{ provide: DataSource, useValue: dataSource }], exports: [DataSource] })
    class AppDataSourceModule {}

    @Module({
      imports: [
        AppDataSourceModule,
        TenancyModule.forRoot({
          system: { url: database.systemUrl, applicationName: 'edge-tenant-test', entities: [] },
          logger: { info: () => undefined },
        }),
        EdgePrincipalModule.forRoot({ audience: 'storage', secret }),
      ],
      controllers: [NotesController],
    })
    class NotesModule {}

    app = await NestFactory.create<NestFastifyApplication>(NotesModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    await dataSource?.destroy();
    await database?.drop();
  });

  async function get(path: string, organizationId: string | null) {
    const token = await signEdgePrincipal({
      secret,
      audience: 'storage',
      method: 'GET',
      path,
      requestId: 'req-tenant',
      principal: principalOf(organizationId),
    });
    const response = await fetch(`${base}${path}`, { headers: { [EDGE_PRINCIPAL_HEADER]: token } });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  it('shows each organization only its own rows; a tenant named in the query string changes nothing', async () => {
    expect(await get('/v1/notes', ORG_A)).toEqual({ status: 200, body: [{ id: 'a1' }, { id: 'a2' }] });
    expect(await get('/v1/notes', ORG_B)).toEqual({ status: 200, body: [{ id: 'b1' }] });
    expect(await get(`/v1/notes?organizationId=${ORG_B}`, ORG_A)).toEqual({
      status: 200,
      body: [{ id: 'a1' }, { id: 'a2' }],
    });
    expect(await get('/v1/notes/count', ORG_B)).toEqual({ status: 200, body: [{ n: 1 }] });
  });

  it('refuses a principal without an organization (403), never running the work tenant-less', async () => {
    const answer = await get('/v1/notes', null);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'FORBIDDEN' });
  });
});
