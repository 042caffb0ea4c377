/**
 * Stripe webhook intake of the payments service: signed deliveries POSTed to its internal
 * `/v1/webhooks/stripe`, each one signature-verified (the Stripe SDK), deduplicated by event id and
 * stored in the inbox (committed) before the 200; then how fast the durable processor applies them.
 * Prints figures; asserts nothing. Needs PostgreSQL and RabbitMQ (as the tests do).
 *
 *   npx tsx bench/webhooks.ts
 *
 * The service runs as its built bundle (dist/deploy/payments, built first) in a child process, on a
 * fresh database and vhost, with Stripe played by the local fake (libs/testing).
 * Env: BENCH_EVENTS (distinct events, default 4000), BENCH_DUPLICATE_RATIO (extra deliveries of
 * already-sent events, default 0.2), BENCH_IN_FLIGHT (concurrent deliveries, default 32).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import type Stripe from 'stripe';
import {
  createTestDatabase,
  createTestVhost,
  databaseEnv,
  FakeStripe,
  freePort,
  startSmtpSink,
  waitFor,
} from '@platform/testing';
import { fmt, runConcurrently, summarize } from './stats';

const REPO_ROOT = path.resolve(__dirname, '..');
const EVENTS = Number(process.env.BENCH_EVENTS ?? 4000);
const DUPLICATE_RATIO = Number(process.env.BENCH_DUPLICATE_RATIO ?? 0.2);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 32);
const PRICE = { id: 'price_bench_starter', unitAmount: 2900, currency: 'usd' };

/** A customer.subscription.updated event of its own organization, as Stripe would send it. */
function subscriptionEvent(seconds: number): Stripe.Event {
  const organizationId = randomUUID();
  return {
    id: `evt_bench_${randomUUID().replace(/-/g, '')}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: seconds,
    type: 'customer.subscription.updated',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: `sub_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
        object: 'subscription',
        customer: `cus_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
        status: 'active',
        cancel_at_period_end: false,
        metadata: { organizationId, plan: 'STARTER' },
        items: {
          object: 'list',
          data: [
            {
              id: `si_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
              price: { id: PRICE.id, unit_amount: PRICE.unitAmount, currency: 'usd' },
              current_period_start: seconds,
              current_period_end: seconds + 30 * 24 * 3600,
            },
          ],
        },
      },
    },
  } as unknown as Stripe.Event;
}

async function main() {
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build/build-app.ts', 'payments'], {
    cwd: REPO_ROOT,
    stdio: 'ignore',
  });
  const [database, vhost] = await Promise.all([
    createTestDatabase('bench_webhooks'),
    createTestVhost('bench_webhooks'),
  ]);
  const stripe = await new FakeStripe({ prices: [PRICE] }).start();
  const mail = await startSmtpSink();
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/deploy/payments/main.js'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      AMQP_URL: vhost.url,
      ...databaseEnv(database),
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_API_URL: stripe.url,
      STRIPE_PRICE_STARTER: PRICE.id,
      WEBHOOK_INBOX_POLL_MS: '100',
      SMTP_URL: mail.url,
    },
    stdio: 'ignore',
  });
  const admin = new Client({ connectionString: database.url });
  const url = `http://127.0.0.1:${port}/v1/webhooks/stripe`;
  try {
    await waitFor('payments ready', async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok, {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    await admin.connect();

    const now = Math.floor(Date.now() / 1000);
    const events = Array.from({ length: EVENTS }, () => subscriptionEvent(now));
    // Duplicates re-send events already delivered (Stripe retries), interleaved with new ones.
    const duplicates = Math.round(EVENTS * DUPLICATE_RATIO);
    const deliveries = [
      ...events.map((event) => ({ event, duplicate: false })),
      ...Array.from({ length: duplicates }, (_, i) => ({ event: events[i]!, duplicate: true })),
    ];
    // Each delivery signed up front: the client's signing cost is not the service's.
    const signed = deliveries.map(({ event, duplicate }) => ({ ...stripe.signedDelivery(event), duplicate }));
    let next = 0;
    let ok = 0;
    let recognisedDuplicates = 0;
    const started = Date.now();
    const { durationsMs, elapsedMs } = await runConcurrently(signed.length, IN_FLIGHT, async () => {
      const delivery = signed[next++]!;
      const answer = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.payload });
      const body = (await answer.json()) as { duplicate?: boolean };
      if (answer.status === 200) ok++;
      if (body.duplicate) recognisedDuplicates++;
    });
    const intake = summarize(durationsMs, elapsedMs);
    const stored = Number((await admin.query(`SELECT count(*)::int AS n FROM webhook_inbox`)).rows[0].n);

    await waitFor(
      'inbox drained',
      async () =>
        Number(
          (await admin.query(`SELECT count(*)::int AS n FROM webhook_inbox WHERE processed_at IS NULL`))
            .rows[0].n,
        ) === 0,
      { timeoutMs: 600_000, intervalMs: 100 },
    );
    const drainedMs = Date.now() - started;
    const active = Number(
      (await admin.query(`SELECT count(*)::int AS n FROM subscriptions WHERE status = 'ACTIVE'`)).rows[0].n,
    );

    console.log(
      `Stripe webhooks → payments internal port: ${EVENTS} distinct events + ${duplicates} duplicate deliveries, ${IN_FLIGHT} in flight`,
    );
    console.log('intake (verify signature + dedup + inbox INSERT committed, then 200):');
    console.log(`  deliveries/s ${intake.perSecond} | p50 ${fmt(intake.p50)} | p99 ${fmt(intake.p99)}`);
    console.log(
      `  200 answers ${ok}/${signed.length} | duplicates recognised ${recognisedDuplicates}/${duplicates} | inbox rows ${stored}`,
    );
    console.log(
      'processing (durable inbox processor, one tenant transaction per event, concurrently with intake):',
    );
    console.log(
      `  ${EVENTS} events applied in ${(drainedMs / 1000).toFixed(1)} s since the first delivery = ${Math.round((EVENTS / drainedMs) * 1000)} events/s | subscriptions ACTIVE ${active}`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await admin.end().catch(() => undefined);
    await stripe.stop();
    await mail.close();
    await vhost.delete();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
