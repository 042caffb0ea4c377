import { AmqpConnection } from '../src/amqp/amqp-connection';
import { RpcClient } from '../src/rpc/rpc-client';

describe('RPC without a broker connection', () => {
  it('fails at once with SERVICE_UNAVAILABLE and a retry hint, instead of waiting out the timeout', async () => {
    // Nothing listens on port 1: the connection never comes up.
    const connection = new AmqpConnection({ url: 'amqp://127.0.0.1:1', connectionName: 'broker-down-test' });
    const client = new RpcClient(connection, 5000);
    const started = Date.now();

    const error = await client
      .call('auth.user.get', { principal: null, data: {}, meta: { requestId: 'r-1' } })
      .catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(500);
    expect(error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      details: { pattern: 'auth.user.get', retryAfterSeconds: 1 },
    });
    await connection.close();
  });
});
