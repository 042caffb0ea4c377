import { z } from 'zod';
import { DomainError, NotFoundError } from '@platform/errors';
import { RpcNoRouteError, RpcServer, RpcTimeoutError } from '../src';
import { envelope, quietLogger, sleep, useMessagingSuite } from './messaging-harness';

describe('RPC over RabbitMQ (real broker)', () => {
  const suite = useMessagingSuite('rpc');

  it('round-trips a request and carries the principal and meta to the handler', async () => {
    await suite.harness.rpcServer('recordings', {
      'recordings.recording.get': async (request) => ({
        id: (request.data as { id: string }).id,
        organizationId: request.principal?.organizationId,
        requestId: request.meta.requestId,
      }),
    });
    const client = await suite.harness.rpcClient();
    const request = envelope({ id: 'rec-42' }, 'org-7');

    const result = await client.call('recordings.recording.get', request);

    expect(result).toEqual({ id: 'rec-42', organizationId: 'org-7', requestId: request.meta.requestId });
  });

  it('keeps many concurrent calls apart by correlation id', async () => {
    await suite.harness.rpcServer('recordings', {
      'recordings.recording.echo': async (request) => {
        await sleep(Math.random() * 20);
        return request.data;
      },
    });
    const client = await suite.harness.rpcClient();

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => client.call('recordings.recording.echo', envelope({ i }))),
    );

    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => ({ i })));
  });

  it('turns a domain error in the handler into the same error code at the caller', async () => {
    await suite.harness.rpcServer('recordings', {
      'recordings.recording.get': async () => {
        throw new NotFoundError('recording', 'rec-1');
      },
    });
    const client = await suite.harness.rpcClient();

    const failure = client.call('recordings.recording.get', envelope({ id: 'rec-1' }));

    await expect(failure).rejects.toBeInstanceOf(DomainError);
    await expect(failure).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('hides unexpected handler errors behind an error id', async () => {
    await suite.harness.rpcServer('recordings', {
      'recordings.recording.get': async () => {
        throw new Error('db password is hunter2');
      },
    });
    const client = await suite.harness.rpcClient();

    const error = await client.call('recordings.recording.get', envelope({})).catch((e: DomainError) => e);

    expect(error).toMatchObject({ code: 'INTERNAL' });
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('validates the request data against the route schema', async () => {
    const connection = await suite.harness.connection('schema-server');
    const server = new RpcServer(connection, { service: 'auth', prefetch: 4, logger: quietLogger });
    server.register({
      pattern: 'auth.user.get',
      schema: z.object({ id: z.string().uuid() }),
      handle: async () => 'never',
    });
    await server.start().waitForChannel(5000);
    const client = await suite.harness.rpcClient();

    await expect(client.call('auth.user.get', envelope({ id: 'not-a-uuid' }))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await server.stop();
  });

  it('fails at once, naming the pattern, when no service handles it', async () => {
    const client = await suite.harness.rpcClient(5000);
    const started = Date.now();

    const error = await client.call('voice.session.start', envelope({})).catch((e: Error) => e);

    expect(error).toBeInstanceOf(RpcNoRouteError);
    expect((error as Error).message).toContain('voice.session.start');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('times out with an error naming the pattern when the handler is too slow', async () => {
    await suite.harness.rpcServer('storage', {
      'storage.upload.finalize': async () => {
        await sleep(1500);
        return 'late';
      },
    });
    const client = await suite.harness.rpcClient(300);

    const error = await client.call('storage.upload.finalize', envelope({})).catch((e: Error) => e);

    expect(error).toBeInstanceOf(RpcTimeoutError);
    expect(error).toMatchObject({ code: 'RPC_TIMEOUT' });
    expect((error as Error).message).toContain('storage.upload.finalize');
    expect(client.inFlight).toBe(0);
  });

  it('times out when the service is down, and never runs the stale request later', async () => {
    let executions = 0;
    const server = await suite.harness.rpcServer('payments', {
      'payments.checkout.create': async () => {
        executions++;
        return 'ok';
      },
    });
    await server.stop(); // queue and binding stay, nobody consumes: a crashed service
    const client = await suite.harness.rpcClient(200);

    await expect(client.call('payments.checkout.create', envelope({}))).rejects.toBeInstanceOf(
      RpcTimeoutError,
    );

    await sleep(300); // the request's expiration passes while it waits in the queue
    await suite.harness.rpcServer('payments', {
      'payments.checkout.create': async () => {
        executions++;
        return 'ok';
      },
    });
    await sleep(300);
    expect(executions).toBe(0);
  });
});
