import 'reflect-metadata';
import {
  Controller,
  Global,
  Injectable,
  Module,
  UseInterceptors,
  type CallHandler,
  type DynamicModule,
  type NestInterceptor,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { concatMap, type Observable } from 'rxjs';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { z } from 'zod';
import { defineServiceContract, type Principal, type RpcEnvelope } from '@platform/contracts';
import {
  AmqpConnection,
  connectAmqpTransport,
  contractHandlers,
  MessagingModule,
  RpcClient,
} from '@platform/messaging';
import { createDataSource, initializeDataSource } from '@platform/persistence';
import { currentTenantManager, enableTenantRls } from '@platform/tenancy';
import {
  createTestDatabase,
  createTestVhost,
  startFaultProxy,
  waitFor,
  type TestDatabase,
  type TestVhost,
} from '@platform/testing';
import { CreateIdempotencyTables1764050000000, IdempotentCommand } from '../src';

const ORG_A = '0a000000-0000-4000-8000-00000000000a';
const ORG_B = '0b000000-0000-4000-8000-00000000000b';
const ALICE = '0c000000-0000-4000-8000-0000000000a1';

const ledgerContract = defineServiceContract({
  service: 'ledger',
  rpc: {
    'ledger.entry.create': {
      request: z.object({ amount: z.number().int() }),
      result: z.object({ entryId: z.number(), amount: z.number() }),
    },
  },
  events: {},
});
const Ledger = contractHandlers(ledgerContract);

class CreateEntries1700000000000 implements MigrationInterface {
  name = 'CreateEntries1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE entries (
      id serial PRIMARY KEY,
      organization_id uuid NOT NULL,
      amount int NOT NULL)`);
    await queryRunner.query(`CREATE INDEX idx_entries_organization ON entries (organization_id)`);
    await enableTenantRls(queryRunner, 'entries');
  }
  async down(): Promise<void> {}
}

/** What the handler did, and the test's levers on it. */
const probe = {
  runs: 0,
  entered: false,
  gate: undefined as Promise<void> | undefined,
  /** Set by a test: drop the service's broker connection once the command has committed. */
  killAfterCommit: undefined as (() => Promise<void>) | undefined,
};

/**
 * Outside @IdempotentCommand: by the time its inner observable emits, the command's transaction has
 * committed; the reply and ack have not happened yet. The place a crash hurts most.
 */
@Injectable()
class CrashAfterCommit implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      concatMap(async (result: unknown) => {
        const kill = probe.killAfterCommit;
        probe.killAfterCommit = undefined;
        if (kill) await kill();
        return result;
      }),
    );
  }
}

@Controller()
class LedgerHandlers {
  @Ledger.MessagePattern('ledger.entry.create')
  @IdempotentCommand()
  // Listed after (below) IdempotentCommand, so it runs outside it: it sees the committed result.
  @UseInterceptors(CrashAfterCommit)
  async create(@Payload() data: { amount: number }) {
    probe.runs += 1;
    probe.entered = true;
    await probe.gate;
    // The transaction opened for this command (tenant of the principal): no organization_id passed.
    const [row] = await currentTenantManager().query(
      `INSERT INTO entries (organization_id, amount)
       VALUES (NULLIF(current_setting('app.organization_id', true), '')::uuid, $1) RETURNING id`,
      [data.amount],
    );
    return { entryId: row.id as number, amount: data.amount };
  }
}

function member(organizationId: string): Principal {
  return { kind: 'user', userId: ALICE, organizationId, roles: ['owner'], scopes: [], apiKeyId: null };
}

function command(amount: number, idempotencyKey?: string, organizationId = ORG_A): RpcEnvelope {
  return {
    principal: member(organizationId),
    data: { amount },
    meta: idempotencyKey ? { requestId: randomUUID(), idempotencyKey } : { requestId: randomUUID() },
  };
}

describe('@IdempotentCommand() on the AMQP transport (real RabbitMQ and PostgreSQL, app role)', () => {
  let database: TestDatabase;
  let admin: DataSource;
  let appDb: DataSource;
  let vhost: TestVhost;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  let service: NestFastifyApplication;
  let clientConnection: AmqpConnection;
  let client: RpcClient;

  const entries = async () =>
    (await admin.query(`SELECT organization_id, amount FROM entries ORDER BY id`)) as unknown[];

  beforeAll(async () => {
    [database, vhost] = await Promise.all([
      createTestDatabase('idem_transport'),
      createTestVhost('idem-transport'),
    ]);
    admin = await initializeDataSource(
      createDataSource({
        url: database.url,
        applicationName: 'idem-transport-admin',
        entities: [],
        migrations: [CreateIdempotencyTables1764050000000, CreateEntries1700000000000],
      }),
    );
    appDb = await new DataSource({ type: 'postgres', url: database.appUrl, extra: { max: 4 } }).initialize();

    // The service reaches the broker through a proxy the test can sever; the caller does not.
    const broker = new URL(vhost.url);
    proxy = await startFaultProxy(broker.hostname, Number(broker.port || 5672));
    const viaProxy = new URL(vhost.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);

    @Global()
    @Module({ providers: [{ provide: DataSource, useValue: appDb }], exports: [DataSource] })
    class AppDataSourceModule {}
    const quiet = {
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      debug: () => undefined,
    };
    const module: DynamicModule = {
      module: class LedgerTestModule {},
      imports: [
        AppDataSourceModule,
        MessagingModule.forRoot({
          service: 'ledger',
          url: viaProxy.toString(),
          prefetch: 8,
          rpcTimeoutMs: 5000,
          eventMaxAttempts: 3,
          eventRetryBaseMs: 50,
          logger: quiet,
        }),
      ],
      controllers: [LedgerHandlers],
      providers: [CrashAfterCommit],
    };
    service = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), {
      logger: false,
      abortOnError: false,
    });
    connectAmqpTransport(service);
    await service.init();
    await service.startAllMicroservices();

    clientConnection = new AmqpConnection({ url: vhost.url, connectionName: 'idem-transport-caller' });
    await clientConnection.connect();
    client = new RpcClient(clientConnection, 10_000);
  });

  afterAll(async () => {
    await service?.close().catch(() => undefined);
    await clientConnection?.close().catch(() => undefined);
    await proxy?.close();
    await Promise.all([appDb?.destroy(), vhost?.delete()]);
    await admin?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    Object.assign(probe, { runs: 0, entered: false, gate: undefined, killAfterCommit: undefined });
    await admin.query(`TRUNCATE entries, idempotency_keys, processed_commands RESTART IDENTITY`);
  });

  it('same Idempotency-Key and request twice: one row, the second reply is the first answer flagged replayed', async () => {
    const first = await client.callWithMeta('ledger.entry.create', command(100, 'key-1'));
    const second = await client.callWithMeta('ledger.entry.create', command(100, 'key-1'));

    expect(first).toEqual({ data: { entryId: 1, amount: 100 }, replayed: false });
    expect(second).toEqual({ data: { entryId: 1, amount: 100 }, replayed: true });
    expect(probe.runs).toBe(1);
    expect(await entries()).toEqual([{ organization_id: ORG_A, amount: 100 }]);
    // `call` keeps answering the bare result for callers that do not care.
    await expect(client.call('ledger.entry.create', command(100, 'key-1'))).resolves.toEqual({
      entryId: 1,
      amount: 100,
    });
  });

  it('same key with another request: IDEMPOTENCY_KEY_REUSED, nothing runs; another organization has its own keys', async () => {
    await client.call('ledger.entry.create', command(100, 'key-1'));

    await expect(client.call('ledger.entry.create', command(999, 'key-1'))).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    const otherTenant = await client.callWithMeta('ledger.entry.create', command(999, 'key-1', ORG_B));

    expect(otherTenant).toEqual({ data: { entryId: 2, amount: 999 }, replayed: false });
    expect(probe.runs).toBe(2);
    expect(await entries()).toEqual([
      { organization_id: ORG_A, amount: 100 },
      { organization_id: ORG_B, amount: 999 },
    ]);
  });

  it('a second request while the first is running: IDEMPOTENCY_KEY_IN_FLIGHT at once; the first completes', async () => {
    let release!: () => void;
    probe.gate = new Promise<void>((resolve) => (release = resolve));
    const first = client.callWithMeta('ledger.entry.create', command(100, 'key-1'));
    await waitFor('the first request inside its command', () => probe.entered);

    await expect(client.call('ledger.entry.create', command(100, 'key-1'))).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_IN_FLIGHT',
    });
    release();

    expect(await first).toEqual({ data: { entryId: 1, amount: 100 }, replayed: false });
    expect(probe.runs).toBe(1);
    expect(await entries()).toHaveLength(1);
  });

  it('without a key, every request runs: each carries its own message id, recorded with the command', async () => {
    const results = [
      await client.callWithMeta('ledger.entry.create', command(5)),
      await client.callWithMeta('ledger.entry.create', command(5)),
    ];

    expect(results).toEqual([
      { data: { entryId: 1, amount: 5 }, replayed: false },
      { data: { entryId: 2, amount: 5 }, replayed: false },
    ]);
    const recorded = (await admin.query(`SELECT message_id, command, response FROM processed_commands`)) as {
      message_id: string;
      command: string;
      response: unknown;
    }[];
    expect(recorded).toHaveLength(2);
    expect(new Set(recorded.map((row) => row.message_id)).size).toBe(2);
    expect(recorded.map((row) => row.response)).toEqual(
      expect.arrayContaining([{ value: { entryId: 1, amount: 5 } }, { value: { entryId: 2, amount: 5 } }]),
    );
  });

  it('refuses a caller outside any organization (its tenant comes from the principal only): nothing runs or is recorded', async () => {
    const noOrganization = {
      ...command(100, 'key-1'),
      principal: { ...member(ORG_A), organizationId: null },
    };

    await expect(client.call('ledger.entry.create', noOrganization)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(probe.runs).toBe(0);
    expect(await admin.query(`SELECT count(*)::int AS n FROM processed_commands`)).toEqual([{ n: 0 }]);
  });

  it('the service killed between commit and ack: the redelivered message does not run the command again', async () => {
    const serviceConnection = service.get(AmqpConnection);
    let killed = false;
    let rowsCommittedAtKill: unknown[] = [];
    probe.killAfterCommit = async () => {
      rowsCommittedAtKill = await entries(); // admin's own connection: sees only committed rows
      // Its reconnect may come back within one poll interval: listen for the drop, do not poll for it.
      const dropped = new Promise((resolve) => serviceConnection.once('disconnected', resolve));
      proxy.sever(); // the broker sees the service's connection drop with the request unacked
      await dropped;
      killed = true;
    };

    // No Idempotency-Key: only the message id protects this command.
    const outcome = await client.callWithMeta('ledger.entry.create', command(100));

    expect(killed).toBe(true);
    expect(rowsCommittedAtKill).toEqual([{ organization_id: ORG_A, amount: 100 }]);
    // The reply the caller finally gets is the redelivery's: the stored answer, not a second run.
    expect(outcome).toEqual({ data: { entryId: 1, amount: 100 }, replayed: true });
    expect(probe.runs).toBe(1);
    expect(await entries()).toEqual([{ organization_id: ORG_A, amount: 100 }]);
  });
});
