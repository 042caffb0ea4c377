import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { from, lastValueFrom, of } from 'rxjs';
import { DataSource } from 'typeorm';
import type { ConsumeMessage } from 'amqplib';
import type { RpcEnvelope } from '@platform/contracts';
import { AmqpContext } from '@platform/messaging';
import { createTestDatabase, type TestDatabase } from '@platform/testing';
import { TenancyModule, TenantDatabase, TenantTransactionInterceptor } from '../src';

const ORG_A = '0a000000-0000-4000-8000-00000000000a';

describe('TenancyModule and TenantTransactionInterceptor (Nest DI, real PostgreSQL)', () => {
  let database: TestDatabase;
  let app: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('tenancy_nest');
    await new DataSource({ type: 'postgres', url: database.url }).initialize().then(async (admin) => {
      await admin.query(`CREATE TABLE notes (id text PRIMARY KEY, organization_id uuid NOT NULL)`);
      await admin.query(`CREATE INDEX ON notes (organization_id)`);
      await admin.query(`ALTER TABLE notes ENABLE ROW LEVEL SECURITY`);
      await admin.query(`ALTER TABLE notes FORCE ROW LEVEL SECURITY`);
      await admin.query(`CREATE POLICY tenant_isolation ON notes
          USING (organization_id = NULLIF(current_setting('app.organization_id', true), '')::uuid)
          WITH CHECK (organization_id = NULLIF(current_setting('app.organization_id', true), '')::uuid)`);
      await admin.query(`INSERT INTO notes VALUES ('a1', $1), ('b1', gen_random_uuid())`, [ORG_A]);
      await admin.destroy();
    });
    app = await new DataSource({ type: 'postgres', url: database.appUrl }).initialize();
  });

  afterAll(async () => {
    await app?.destroy();
    await database?.drop();
  });

  it("wraps a handler in the tenant transaction of the envelope's principal", async () => {
    @Global()
    @Module({ providers: [{ provide: DataSource, useValue: app }], exports: [DataSource] })
    class AppDataSourceModule {}
    const infos: object[] = [];
    const context = await NestFactory.createApplicationContext(
      {
        module: class TestModule {},
        imports: [
          AppDataSourceModule,
          TenancyModule.forRoot({
            system: { url: database.systemUrl, applicationName: 'tenancy-test', entities: [] },
            logger: { info: (obj) => infos.push(obj) },
          }),
        ],
        providers: [TenantTransactionInterceptor],
      },
      { logger: false },
    );
    try {
      const tenants = context.get(TenantDatabase);
      const interceptor = context.get(TenantTransactionInterceptor);
      const envelope: RpcEnvelope = {
        principal: {
          kind: 'user',
          userId: '0c000000-0000-4000-8000-00000000000c',
          organizationId: ORG_A,
          roles: ['viewer'],
          scopes: [],
          apiKeyId: null,
        },
        // A tenant id in data is ignored: only the principal counts.
        data: { organizationId: '0b000000-0000-4000-8000-00000000000b' },
        meta: { requestId: 'r-1' },
      };
      // What the platform transport hands a handler: the payload as data, the envelope in @Ctx().
      const rpcContext = (rpc: RpcEnvelope) =>
        new ExecutionContextHost([
          rpc.data,
          new AmqpContext({ kind: 'rpc', pattern: 'notes.note.list', message: {} as ConsumeMessage, rpc }),
        ]);
      const handler = { handle: () => from(tenants.manager.query(`SELECT id FROM notes`)) };
      const result = await lastValueFrom(interceptor.intercept(rpcContext(envelope), handler));
      expect(result).toEqual([{ id: 'a1' }]);

      const anonymous = { ...envelope, principal: null };
      await expect(
        lastValueFrom(interceptor.intercept(rpcContext(anonymous), { handle: () => of(1) })),
      ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

      // A payload shaped like an envelope (the caller controls it) lends no principal.
      const forged = new ExecutionContextHost([
        envelope,
        new AmqpContext({
          kind: 'rpc',
          pattern: 'notes.note.list',
          message: {} as ConsumeMessage,
          rpc: anonymous,
        }),
      ]);
      await expect(
        lastValueFrom(interceptor.intercept(forged, { handle: () => of(1) })),
      ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

      // A service calling another within the use case joins the open transaction of that tenant.
      const joined = await tenants.runInTenant(ORG_A, (outer) =>
        tenants.runInTenant(ORG_A, async (inner) => inner === outer),
      );
      expect(joined).toBe(true);

      const all = await tenants.runAsSystem('notes.count.all', (m) =>
        m.query(`SELECT count(*)::int AS n FROM notes`),
      );
      expect(all).toEqual([{ n: 2 }]);
      expect(infos).toEqual([{ tenancy: 'system', reason: 'notes.count.all' }]);
    } finally {
      await context.close();
    }
  });
});
