import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import Stripe from 'stripe';
import {
  createTestDatabase,
  createTestVhost,
  databaseEnv,
  FakeStripe,
  freePort,
  startSmtpSink,
  waitFor,
  type SmtpSink,
  type TestDatabase,
  type TestVhost,
} from '@platform/testing';
import { paymentsEnv, TEST_PRICES } from './support/payments-test-app';

const REPO_ROOT = path.resolve(__dirname, '../../..');
/** The deployable bundle (SWC keeps the decorator metadata Nest's DI needs; tsx would not). */
const MAIN = 'dist/deploy/payments/main.js';

/** The real payments entry point (its built main.js) in its own process, so the test can SIGKILL it. */
function launchPayments(env: Record<string, string>): {
  child: ChildProcess;
  exited: Promise<unknown>;
  output: () => string;
} {
  const child = spawn(process.execPath, ['--enable-source-maps', MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => text };
}

/**
 * "An accepted event is never lost, even if the service dies right after answering": the first
 * payments process accepts the webhook (200) and is SIGKILLed while its processor is inside the
 * transaction that applies it (held there by a lock the test owns); nothing is applied. A new process
 * on the same database applies it.
 */
describe('payments: a webhook accepted before a crash is applied after restart', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let stripe: FakeStripe;
  let mail: SmtpSink;
  let admin: Client;
  let running: ReturnType<typeof launchPayments> | undefined;

  beforeAll(async () => {
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build/build-app.ts', 'payments'], {
      cwd: REPO_ROOT,
    });
    [database, vhost] = await Promise.all([
      createTestDatabase('payments_crash'),
      createTestVhost('payments_crash'),
    ]);
    stripe = await new FakeStripe({ prices: Object.values(TEST_PRICES) }).start();
    mail = await startSmtpSink();
    admin = new Client({ connectionString: database.url });
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    await admin?.end();
    await stripe?.stop();
    await mail?.close();
    await vhost?.delete();
    await database?.drop();
  });

  async function start(): Promise<string> {
    const port = await freePort();
    running = launchPayments({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      AMQP_URL: vhost.url,
      ...databaseEnv(database),
      ...paymentsEnv(stripe, mail),
    });
    const url = `http://127.0.0.1:${port}`;
    const launched = running;
    await waitFor(
      'payments process ready',
      async () => {
        if (launched.child.exitCode !== null) throw new Error(`payments exited: ${launched.output()}`);
        return (await fetch(`${url}/health/ready`)).ok;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    return url;
  }

  it('SIGKILL between acceptance and the commit of processing loses nothing', async () => {
    const organizationId = randomUUID();
    const url = await start();

    // A customer and a paid checkout at the (fake) Stripe account, through the real SDK.
    const sdk = new Stripe(stripe.secretKey, { host: '127.0.0.1', port: stripe.port, protocol: 'http' });
    const customer = await sdk.customers.create({ metadata: { organizationId } });
    const session = await sdk.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      client_reference_id: organizationId,
      line_items: [{ price: TEST_PRICES.STARTER.id, quantity: 1 }],
      success_url: 'https://app.test/ok',
      subscription_data: { metadata: { organizationId, plan: 'STARTER' } },
    });
    await admin.query(
      `INSERT INTO subscriptions (organization_id, plan, status, provider, provider_customer_id)
       VALUES ($1, 'FREE', 'TRIAL', 'stripe', $2)`,
      [organizationId, customer.id],
    );
    const [created] = stripe.completeCheckout(session.id);

    // The test holds the organization's subscription row: the processor will block inside its transaction.
    await admin.query('BEGIN');
    await admin.query(`SELECT 1 FROM subscriptions WHERE organization_id = $1 FOR UPDATE`, [organizationId]);
    const { payload, headers } = stripe.signedDelivery(created!);
    const answer = await fetch(`${url}/v1/webhooks/stripe`, { method: 'POST', headers, body: payload });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ received: true, duplicate: false });
    const monitor = new Client({ connectionString: database.url });
    await monitor.connect();
    try {
      await waitFor('the processor waiting inside its transaction', async () => {
        const { rows } = await monitor.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'payments' AND wait_event_type = 'Lock'`,
        );
        return rows[0].n > 0;
      });
    } finally {
      await monitor.end();
    }

    running!.child.kill('SIGKILL');
    await running!.exited;
    await admin.query('ROLLBACK');

    const pending = await admin.query(`SELECT processed_at FROM webhook_inbox WHERE provider_event_id = $1`, [
      created!.id,
    ]);
    expect(pending.rows).toEqual([{ processed_at: null }]);
    const before = await admin.query(`SELECT status FROM subscriptions WHERE organization_id = $1`, [
      organizationId,
    ]);
    expect(before.rows).toEqual([{ status: 'TRIAL' }]);

    await start();
    await waitFor(
      'the event applied by the restarted process',
      async () => {
        const { rows } = await admin.query(
          `SELECT status, plan FROM subscriptions WHERE organization_id = $1`,
          [organizationId],
        );
        return rows[0]?.status === 'ACTIVE' ? rows[0] : null;
      },
      { timeoutMs: 30_000 },
    ).then((row) => expect(row).toEqual({ status: 'ACTIVE', plan: 'STARTER' }));
    const inbox = await admin.query(
      `SELECT processed_at IS NOT NULL AS done FROM webhook_inbox WHERE provider_event_id = $1`,
      [created!.id],
    );
    expect(inbox.rows).toEqual([{ done: true }]);
    const activated = await admin.query(
      `SELECT payload FROM outbox_events WHERE routing_key = 'payments.subscription.activated' AND payload->>'organizationId' = $1`,
      [organizationId],
    );
    expect(activated.rows).toEqual([{ payload: { organizationId, plan: 'STARTER' } }]);
  }, 120_000);
});
