import 'reflect-metadata';
import {
  Catch,
  Controller,
  Injectable,
  Module,
  UseFilters,
  UseInterceptors,
  type CallHandler,
  type DynamicModule,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { map, type Observable } from 'rxjs';
import { z } from 'zod';
import { defineServiceContract, type Principal, type RpcEnvelope } from '@platform/contracts';
import { ConflictError, DomainError, NotFoundError } from '@platform/errors';
import { waitFor } from '@platform/testing';
import {
  AmqpContext,
  AmqpTransportServer,
  ATTEMPTS_HEADER,
  connectAmqpTransport,
  contractHandlers,
  CurrentPrincipal,
  CurrentUser,
  MessagingModule,
  RequirePermission,
  SystemOnly,
  type CurrentUserContext,
} from '../src';
import { quietLogger, sleep, useMessagingSuite } from './messaging-harness';

const id = z.string().uuid();
const recordingsContract = defineServiceContract({
  service: 'recordings',
  rpc: {
    'recordings.recording.get': {
      request: z.object({ id, label: z.string().trim().default('none') }),
      result: z.object({
        id,
        label: z.string(),
        userId: z.string(),
        organizationId: z.string(),
        requestId: z.string(),
      }),
    },
    'recordings.recording.delete': {
      request: z.object({ id }),
      result: z.object({ deleted: z.literal(true) }),
    },
    'recordings.code.issue': { request: z.object({}), result: z.object({ code: z.string() }) },
    'recordings.recording.fail': {
      request: z.object({ how: z.enum(['not-found', 'secret', 'legacy-conflict']) }),
      result: z.object({}),
    },
    'recordings.job.render': { request: z.object({ n: z.number() }), result: z.object({ n: z.number() }) },
    'recordings.job.preview': { request: z.object({ n: z.number() }), result: z.object({ n: z.number() }) },
  },
  events: {
    'recordings.recording.uploaded': z.object({ organizationId: z.string(), sizeBytes: z.number() }),
  },
});
const Recordings = contractHandlers(recordingsContract);

/** What the handlers saw, per test. */
const probe = {
  intercepted: [] as string[],
  inFlight: 0,
  maxInFlight: { render: 0, preview: 0 },
  eventCalls: [] as { payload: unknown; eventId: string | undefined; attempts: number }[],
  failEvents: false,
};

@Injectable()
class StampInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    probe.intercepted.push(context.switchToRpc().getContext<AmqpContext>().pattern);
    return next
      .handle()
      .pipe(
        map((result: object) => ({ ...result, label: `${(result as { label?: string }).label}+stamped` })),
      );
  }
}

class LegacyConflict extends Error {}

/** A handler-level filter wins over the global one for what it catches. */
@Catch(LegacyConflict)
class LegacyConflictFilter implements ExceptionFilter {
  catch(): never {
    throw new ConflictError('legacy conflict');
  }
}

@Controller()
class RecordingHandlers {
  @Recordings.MessagePattern('recordings.recording.get')
  @UseInterceptors(StampInterceptor)
  get(
    @Payload() data: { id: string; label: string },
    @CurrentUser() user: CurrentUserContext,
    @Ctx() ctx: AmqpContext,
  ) {
    return {
      id: data.id,
      label: data.label,
      userId: user.userId,
      organizationId: user.organizationId,
      requestId: ctx.meta?.requestId ?? '',
    };
  }

  @Recordings.MessagePattern('recordings.recording.delete')
  @RequirePermission('recordings:delete', { kinds: ['user', 'api-key'] })
  delete(@Payload() _data: { id: string }): { deleted: true } {
    return { deleted: true };
  }

  @Recordings.MessagePattern('recordings.code.issue')
  @SystemOnly()
  issue(@CurrentPrincipal() principal: Principal) {
    return { code: `issued-for-${principal.kind}` };
  }

  @Recordings.MessagePattern('recordings.recording.fail')
  @UseFilters(LegacyConflictFilter)
  fail(@Payload() data: { how: string }): Record<string, never> {
    if (data.how === 'not-found') throw new NotFoundError('Recording', 'rec-9');
    if (data.how === 'legacy-conflict') throw new LegacyConflict('old style');
    throw new Error('db password is hunter2');
  }

  @Recordings.MessagePattern('recordings.job.render', { concurrency: 1 })
  render(@Payload() data: { n: number }) {
    return track('render', data);
  }

  @Recordings.MessagePattern('recordings.job.preview')
  preview(@Payload() data: { n: number }) {
    return track('preview', data);
  }

  @Recordings.EventPattern('recordings.recording.uploaded', { maxAttempts: 3 })
  async onUploaded(
    @Payload() payload: { organizationId: string; sizeBytes: number },
    @Ctx() ctx: AmqpContext,
  ) {
    probe.eventCalls.push({
      payload,
      eventId: ctx.event?.id,
      attempts: Number(ctx.message.properties.headers?.[ATTEMPTS_HEADER] ?? 0),
    });
    if (probe.failEvents) throw new Error('storage is down');
  }
}

async function track(kind: 'render' | 'preview', data: { n: number }) {
  probe.inFlight++;
  probe.maxInFlight[kind] = Math.max(probe.maxInFlight[kind], probe.inFlight);
  await sleep(40); // simulated work, so overlapping deliveries would be visible
  probe.inFlight--;
  return data;
}

/** Plain `@MessagePattern` with a hand-written pattern: refused, the schema must come from the contract. */
@Controller()
class UncontractedHandlers {
  @MessagePattern('recordings.recording.list')
  list() {
    return [];
  }
}

/** Never started: it only has to fail to compile (tsc runs over test files too). */
export class DriftingHandlers {
  // @ts-expect-error -- answers `{ deleted: boolean }` where the contract says `{ deleted: true }`
  @Recordings.MessagePattern('recordings.recording.delete')
  delete() {
    return { deleted: Math.random() > 0.5 };
  }
}

function appModule(amqpUrl: string, controllers: Type[]): DynamicModule {
  @Module({})
  class TestAppModule {}
  return {
    module: TestAppModule,
    imports: [
      MessagingModule.forRoot({
        service: 'recordings',
        url: amqpUrl,
        prefetch: 16,
        rpcTimeoutMs: 3000,
        eventMaxAttempts: 5,
        eventRetryBaseMs: 50,
        logger: quietLogger,
      }),
    ],
    controllers,
    providers: [StampInterceptor],
  };
}

async function startApp(amqpUrl: string, controllers: Type[]): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    appModule(amqpUrl, controllers),
    new FastifyAdapter(),
    { logger: false, abortOnError: false },
  );
  connectAmqpTransport(app);
  await app.init();
  try {
    await app.startAllMicroservices();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}

function principal(overrides: Partial<Principal> = {}): Principal {
  return {
    kind: 'user',
    userId: 'user-1',
    organizationId: 'org-1',
    roles: ['owner'],
    scopes: [],
    apiKeyId: null,
    ...overrides,
  };
}

function call(p: Principal | null, data: unknown): RpcEnvelope {
  return { principal: p, data, meta: { requestId: randomUUID() } };
}

describe('Nest microservices transport over the amqplib layer (real broker)', () => {
  const suite = useMessagingSuite('nest-transport');
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startApp(suite.vhost.url, [RecordingHandlers]);
  });
  afterAll(() => app?.close());
  beforeEach(() => {
    probe.intercepted = [];
    probe.eventCalls = [];
    probe.failEvents = false;
    probe.maxInFlight = { render: 0, preview: 0 };
  });

  it('round-trips a @MessagePattern call: validated @Payload, @CurrentUser from the principal, @Ctx meta, interceptor applied', async () => {
    const client = await suite.harness.rpcClient();
    const request = call(principal({ userId: 'user-7', organizationId: 'org-7' }), {
      id: '7f1d2b8e-4a3c-4d5e-9f60-718293a4b5c6',
      label: '  draft  ',
    });

    const result = await client.call('recordings.recording.get', request);

    expect(result).toEqual({
      id: '7f1d2b8e-4a3c-4d5e-9f60-718293a4b5c6',
      label: 'draft+stamped', // trimmed by the contract schema, then stamped by the interceptor
      userId: 'user-7',
      organizationId: 'org-7',
      requestId: request.meta.requestId,
    });
    expect(probe.intercepted).toEqual(['recordings.recording.get']);
  });

  it('answers FORBIDDEN when a guard refuses: missing permission, a refused credential kind, a non-system caller', async () => {
    const client = await suite.harness.rpcClient();
    const data = { id: '7f1d2b8e-4a3c-4d5e-9f60-718293a4b5c6' };

    await expect(
      client.call('recordings.recording.delete', call(principal({ roles: ['viewer'] }), data)),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Missing permission recordings:delete' });
    await expect(
      client.call(
        'recordings.recording.delete',
        call(principal({ kind: 'organization-code', roles: ['owner'] }), data),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      client.call('recordings.recording.delete', call(principal({ roles: ['developer'] }), data)),
    ).resolves.toEqual({ deleted: true });
    await expect(client.call('recordings.recording.delete', call(null, data))).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });

    await expect(client.call('recordings.code.issue', call(principal(), {}))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Only platform services may call this',
    });
    const system = principal({
      kind: 'system',
      userId: null,
      organizationId: null,
      roles: [],
      scopes: ['system'],
    });
    await expect(client.call('recordings.code.issue', call(system, {}))).resolves.toEqual({
      code: 'issued-for-system',
    });
  });

  it('@CurrentUser refuses an API key (FORBIDDEN) and an anonymous call (UNAUTHENTICATED)', async () => {
    const client = await suite.harness.rpcClient();
    const data = { id: '7f1d2b8e-4a3c-4d5e-9f60-718293a4b5c6' };

    await expect(
      client.call('recordings.recording.get', call(principal({ kind: 'api-key', apiKeyId: 'key-1' }), data)),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(client.call('recordings.recording.get', call(null, data))).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('@CurrentUser refuses every credential but a user, and a user principal carrying an API key id', async () => {
    const client = await suite.harness.rpcClient();
    const data = { id: '7f1d2b8e-4a3c-4d5e-9f60-718293a4b5c6', label: 'x' };
    const refusals: [Partial<Principal>, string][] = [
      // Inconsistent envelope: a user id and a key id at once is treated as the key, never as the user.
      [{ apiKeyId: 'key-1' }, 'This operation needs a signed-in user, not an API key'],
      [{ kind: 'api-key', apiKeyId: 'key-1' }, 'This operation needs a signed-in user, not an API key'],
      [{ kind: 'organization-code' }, 'This operation needs a signed-in user, not an organization code'],
      [
        { kind: 'system', userId: null, organizationId: null, scopes: ['system'] },
        'This operation needs a signed-in user, not a platform service',
      ],
    ];
    for (const [overrides, message] of refusals) {
      await expect(
        client.call('recordings.recording.get', call(principal(overrides), data)),
      ).rejects.toMatchObject({ code: 'FORBIDDEN', message });
    }
  });

  it('@SystemOnly answers an anonymous call FORBIDDEN like any other non-system caller', async () => {
    const client = await suite.harness.rpcClient();
    await expect(client.call('recordings.code.issue', call(null, {}))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Only platform services may call this',
    });
  });

  it('answers VALIDATION_FAILED with the issues when the contract pipe rejects the payload, after the guards ran', async () => {
    const client = await suite.harness.rpcClient();

    const error = await client
      .call('recordings.recording.get', call(principal(), { id: 'not-a-uuid' }))
      .catch((e: DomainError) => e);

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((error as DomainError).details).toMatchObject({
      issues: [expect.objectContaining({ path: 'id' })],
    });
    // Guards first: a caller without the permission learns nothing about the payload.
    await expect(
      client.call('recordings.recording.delete', call(principal({ roles: ['viewer'] }), { id: 'x' })),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('maps errors through exception filters: DomainError kept, handler-level filter applied, internals hidden', async () => {
    const client = await suite.harness.rpcClient();

    await expect(
      client.call('recordings.recording.fail', call(principal(), { how: 'not-found' })),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Recording rec-9 not found',
      details: { entity: 'Recording', id: 'rec-9' },
    });
    await expect(
      client.call('recordings.recording.fail', call(principal(), { how: 'legacy-conflict' })),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: 'legacy conflict' });
    const internal = await client
      .call('recordings.recording.fail', call(principal(), { how: 'secret' }))
      .catch((e: DomainError & { errorId?: string }) => e);
    expect(internal).toMatchObject({ code: 'INTERNAL' });
    expect((internal as Error).message).not.toContain('hunter2');
    expect((internal as { errorId?: string }).errorId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('runs a handler declared with concurrency 1 one message at a time (its own queue and prefetch)', async () => {
    const client = await suite.harness.rpcClient(5000);
    const five = Array.from({ length: 5 }, (_, n) => n);

    const rendered = await Promise.all(
      five.map((n) => client.call('recordings.job.render', call(principal(), { n }))),
    );
    const previewed = await Promise.all(
      five.map((n) => client.call('recordings.job.preview', call(principal(), { n }))),
    );

    expect(rendered).toEqual(five.map((n) => ({ n })));
    expect(probe.maxInFlight.render).toBe(1);
    // Same load on a handler on the shared prefetch (16) does overlap: the measure can see concurrency.
    expect(previewed).toEqual(five.map((n) => ({ n })));
    expect(probe.maxInFlight.preview).toBeGreaterThan(1);
    expect((await suite.vhost.queue('rpc.recordings.recordings.job.render'))?.name).toBe(
      'rpc.recordings.recordings.job.render',
    );
  });

  it('consumes an @EventPattern on a queue derived from service and event, with the validated payload and the event id', async () => {
    const publisher = await suite.harness.publisher();

    const event = await publisher.publish('recordings.recording.uploaded', {
      organizationId: 'org-1',
      sizeBytes: 12,
    });

    await waitFor('the event handler to run', () => probe.eventCalls.length === 1);
    expect(probe.eventCalls[0]).toEqual({
      payload: { organizationId: 'org-1', sizeBytes: 12 },
      eventId: event.id,
      attempts: 0,
    });
    expect(app.get(AmqpTransportServer).eventQueues).toEqual(['recordings.recordings.recording.uploaded']);
  });

  it('retries a failing @EventPattern handler through the delay tiers, then parks it in the DLQ', async () => {
    probe.failEvents = true;
    const publisher = await suite.harness.publisher();

    const event = await publisher.publish('recordings.recording.uploaded', {
      organizationId: 'org-1',
      sizeBytes: 1,
    });

    const dlq = 'recordings.recordings.recording.uploaded.dlq';
    await waitFor('the event in the DLQ', async () => (await suite.vhost.readyCount(dlq)) === 1);
    expect(probe.eventCalls.map((c) => c.attempts)).toEqual([0, 1, 2]);
    const connection = await suite.harness.connection('dlq-reader').then((c) => c.waitForConnection(1000));
    const channel = await connection.createChannel();
    const message = await channel.get(dlq, { noAck: true });
    expect(message && JSON.parse(message.content.toString()).id).toBe(event.id);
    expect(message && message.properties.headers?.[ATTEMPTS_HEADER]).toBe(3);
    expect(message && String(message.properties.headers?.['x-last-error'])).toContain('storage is down');
    await channel.close();
  });

  it('sends an event whose payload breaks the contract straight to the DLQ, without calling the handler', async () => {
    const publisher = await suite.harness.publisher();

    await publisher.publish('recordings.recording.uploaded', { organizationId: 'org-1', sizeBytes: 'big' });

    const dlq = 'recordings.recordings.recording.uploaded.dlq';
    await waitFor('the poison event in the DLQ', async () => (await suite.vhost.readyCount(dlq)) >= 1);
    expect(probe.eventCalls).toEqual([]);
  });

  it('checks a published event against its contract before it leaves (typed from the event name)', async () => {
    const publisher = await suite.harness.publisher();

    await expect(
      // @ts-expect-error -- 'GOLD' is not a plan code: the payload type follows from the event name
      publisher.publishEvent('payments.subscription.activated', { organizationId: 'org-1', plan: 'GOLD' }),
    ).rejects.toMatchObject({ name: 'ZodError' });
    const sent = await publisher.publishEvent('payments.subscription.activated', {
      organizationId: 'org-1',
      plan: 'STARTER',
    });
    expect(sent).toMatchObject({ name: 'payments.subscription.activated', payload: { plan: 'STARTER' } });
  });

  it('refuses to start a handler whose pattern is not declared through the contract', async () => {
    // @ts-expect-error -- not a pattern of the recordings contract (and refused at load time too)
    expect(() => Recordings.MessagePattern('recordings.recording.undelete')).toThrow(
      '"recordings.recording.undelete" is not a pattern of the recordings contract',
    );
    await expect(startApp(suite.vhost.url, [UncontractedHandlers])).rejects.toThrow(
      /recordings\.recording\.list.*ContractMessagePattern/,
    );
  });
});
