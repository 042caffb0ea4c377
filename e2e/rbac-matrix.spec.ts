import { ROLES, type Permission, type Role } from '@platform/contracts';
import { RpcClient } from '@platform/messaging';
import { FakeStripe, seedOrganization, waitFor } from '@platform/testing';
import { paymentsEnv, TEST_PRICES } from '../apps/payments/test/support/payments-test-app';
import { ROUTE_TABLE } from '../apps/gateway/src/routes/route-table';
import { isRpcRoute, type RpcRouteDefinition } from '../apps/gateway/src/routes/route-definition';
import { addMember, uniqueEmail, type Account } from './support/accounts';
import { readyRecording } from './support/recordings';
import type { ApiClient } from './support/api-client';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

/** What a route call needs beyond the caller: path parameters and a body. */
interface CallSpec {
  params?: Record<string, string>;
  json?: unknown;
}

interface FixtureContext {
  api: ApiClient;
  owner: Account;
  /** A recording of the organization (a target that a destructive call may consume). */
  freshRecording(): Promise<string>;
  /** A READY recording (its analysis exists). */
  readyRecording(): Promise<string>;
  /** A fresh member of the organization (a target that a destructive call may consume). */
  freshMember(): Promise<Account>;
  /** A completed storage object of the organization (uploaded through the gateway). */
  storedObject(): Promise<string>;
  /**
   * The organization's live Stripe subscription (ENTERPRISE, its plan from seeding, so activation
   * changes nothing else the matrix relies on), built once on first use through checkout and the
   * signed webhooks Stripe would send; resolves once payments holds it ACTIVE with its paid invoice.
   */
  activeSubscription(): Promise<{ plan: string; invoiceId: string }>;
}

const CHECKOUT_BODY = { successUrl: 'https://app.test/ok', cancelUrl: 'https://app.test/no' };

/**
 * For every permission-bearing route: a valid request, built fresh per call so that destructive
 * calls (remove, revoke) always have something to act on. A route added to the table without a
 * fixture fails the first test below.
 */
const FIXTURES: Record<string, (ctx: FixtureContext) => Promise<CallSpec>> = {
  'members.list': async () => ({}),
  'members.changeRole': async ({ freshMember }) => ({
    params: { userId: (await freshMember()).userId },
    json: { role: 'developer' },
  }),
  'members.remove': async ({ freshMember }) => ({ params: { userId: (await freshMember()).userId } }),
  'invitations.create': async () => ({ json: { email: uniqueEmail('invitee'), role: 'viewer' } }),
  'invitations.list': async () => ({}),
  'invitations.revoke': async ({ api, owner }) => {
    const created = await api.post<{ invitation: { id: string } }>('/v1/orgs/invitations', {
      token: owner.tokens.accessToken,
      json: { email: uniqueEmail('revokable'), role: 'viewer' },
    });
    return { params: { invitationId: created.body.invitation.id } };
  },
  'apiKeys.create': async () => ({ json: { name: 'matrix key' } }),
  'apiKeys.list': async () => ({}),
  'apiKeys.revoke': async ({ api, owner }) => {
    const created = await api.post<{ apiKey: { id: string } }>('/v1/orgs/api-keys', {
      token: owner.tokens.accessToken,
      json: { name: 'revokable key' },
    });
    return { params: { apiKeyId: created.body.apiKey.id } };
  },
  'recordings.create': async () => ({ json: { title: 'Matrix recording' } }),
  'recordings.list': async () => ({}),
  'recordings.get': async ({ freshRecording }) => ({ params: { id: await freshRecording() } }),
  'recordings.update': async ({ freshRecording }) => ({
    params: { id: await freshRecording() },
    json: { tags: ['matrix'] },
  }),
  'recordings.delete': async ({ freshRecording }) => ({ params: { id: await freshRecording() } }),
  'recordings.analysis': async ({ readyRecording }) => ({ params: { id: await readyRecording() } }),
  'recordings.status': async ({ freshRecording }) => ({ params: { recordingId: await freshRecording() } }),
  'storage.objects.list': async () => ({}),
  'storage.objects.get': async ({ storedObject }) => ({ params: { id: await storedObject() } }),
  'storage.objects.delete': async ({ storedObject }) => ({ params: { id: await storedObject() } }),
  'storage.objects.download-url': async ({ storedObject }) => ({ params: { id: await storedObject() } }),
  'storage.multipart.initiate': async () => ({ json: { sizeBytes: 10 * 1024 * 1024 } }),
  'storage.multipart.part-urls': async () => ({
    params: { objectId: '00000000-0000-4000-8000-000000000000' },
    json: { partNumbers: [1] },
  }),
  'storage.multipart.complete': async () => ({
    params: { objectId: '00000000-0000-4000-8000-000000000000' },
    json: { parts: [{ partNumber: 1, etag: '"etag"' }] },
  }),
  'storage.multipart.abort': async () => ({ params: { objectId: '00000000-0000-4000-8000-000000000000' } }),
  // Checkout is answered 409 once the organization is subscribed, so its calls must come before the
  // first fixture below that subscribes it: the table lists payments.checkout first among the payments
  // routes, and this suite runs the routes in table order. Open sessions never completed are harmless.
  'payments.checkout': async () => ({ json: { plan: 'PROFESSIONAL', ...CHECKOUT_BODY } }),
  'payments.portal': async ({ activeSubscription }) => {
    await activeSubscription();
    return { json: { returnUrl: 'https://app.test/billing' } };
  },
  'payments.subscription.get': async () => ({}),
  // The local row keeps its plan until Stripe's webhook confirms a change (never delivered here), so
  // every call asks for a plan other than the row's: none is a 409 "already on" answer.
  'payments.subscription.changePlan': async ({ activeSubscription }) => {
    const { plan } = await activeSubscription();
    return { json: { plan: plan === 'PROFESSIONAL' ? 'STARTER' : 'PROFESSIONAL' } };
  },
  // Cancelling at period end leaves the subscription live (cancel_at_period_end), so a second call
  // acts on the same subscription and is answered 200 again.
  'payments.subscription.cancel': async ({ activeSubscription }) => {
    await activeSubscription();
    return {};
  },
  'payments.invoices.list': async () => ({}),
  'payments.usage.get': async () => ({}),
  'payments.invoices.document': async ({ activeSubscription }) => ({
    params: { id: (await activeSubscription()).invoiceId },
  }),
  // The platform runs without AZUL: past authorization, starting a payment is 503 (not configured)
  // and an unknown payment 404 (see ADMITTED_STATUS); AZUL's answers are tested in apps/payments.
  'payments.azul.payments.start': async () => ({
    json: { plan: 'STARTER', paymentToken: 'A1B2C3D4E5F60718293A4B5C6D7E8F90' },
  }),
  'payments.azul.payments.get': async () => ({ params: { id: '00000000-0000-4000-8000-000000000000' } }),
  'payments.azul.fallbackCard.setup': async () => ({
    json: { successUrl: 'https://app.test/card', cancelUrl: 'https://app.test/billing' },
  }),
  'orgs.code.rotate': async () => ({}),
};

/**
 * The platform runs storage with its local driver, where presigned multipart is not built: a caller
 * the permission admits gets 501 NOT_IMPLEMENTED (after authorization, which is what this matrix
 * checks); the S3 driver's answers are tested in apps/storage/test/s3-driver.spec.ts.
 */
const ADMITTED_STATUS: Record<string, number> = {
  'storage.multipart.initiate': 501,
  'storage.multipart.part-urls': 501,
  'storage.multipart.complete': 501,
  'storage.multipart.abort': 501,
  'payments.azul.payments.start': 503,
  'payments.azul.payments.get': 404,
  // Billed through Stripe (or not yet), never AZUL: a backup card has nothing to back (409).
  'payments.azul.fallbackCard.setup': 409,
};

/**
 * THE EXPECTATION, written out by hand from the intended matrix (docs/SECURITY.md "Roles"), never
 * derived from `ROLE_PERMISSIONS`: owner everything; admin all but deleting the organization and
 * billing writes; developer every read but billing plus building (API keys included); billing the
 * organization, its members, billing and analytics; viewer every read but billing and API keys.
 * `pass` = the route's success status, `403` = refused with FORBIDDEN problem+json.
 */
type Outcome = 'pass' | '403';
type Row = readonly [
  routeId: string,
  permission: Permission,
  owner: Outcome,
  admin: Outcome,
  developer: Outcome,
  billing: Outcome,
  viewer: Outcome,
];
// prettier-ignore
const EXPECTED_ROWS: readonly Row[] = [
  //  route                  permission              owner   admin   developer billing viewer
  ['members.list',         'members:read',         'pass',  'pass',  'pass',    'pass',  'pass'],
  ['members.changeRole',   'members:update-role',  'pass',  'pass',  '403',     '403',   '403'],
  ['members.remove',       'members:remove',       'pass',  'pass',  '403',     '403',   '403'],
  ['invitations.create',   'members:invite',       'pass',  'pass',  '403',     '403',   '403'],
  ['invitations.list',     'members:invite',       'pass',  'pass',  '403',     '403',   '403'],
  ['invitations.revoke',   'members:invite',       'pass',  'pass',  '403',     '403',   '403'],
  ['apiKeys.create',       'api-keys:write',       'pass',  'pass',  'pass',    '403',   '403'],
  ['apiKeys.list',         'api-keys:read',        'pass',  'pass',  'pass',    '403',   '403'],
  ['apiKeys.revoke',       'api-keys:write',       'pass',  'pass',  'pass',    '403',   '403'],
  ['recordings.create',    'recordings:write',     'pass',  'pass',  'pass',    '403',   '403'],
  ['recordings.list',      'recordings:read',      'pass',  'pass',  'pass',    '403',   'pass'],
  ['recordings.get',       'recordings:read',      'pass',  'pass',  'pass',    '403',   'pass'],
  ['recordings.update',    'recordings:write',     'pass',  'pass',  'pass',    '403',   '403'],
  ['recordings.delete',    'recordings:delete',    'pass',  'pass',  'pass',    '403',   '403'],
  ['recordings.analysis',  'recordings:read',      'pass',  'pass',  'pass',    '403',   'pass'],
  ['recordings.status',    'recordings:read',      'pass',  'pass',  'pass',    '403',   'pass'],
  ['storage.objects.list',         'storage:read',  'pass', 'pass', 'pass', '403', 'pass'],
  ['storage.objects.get',          'storage:read',  'pass', 'pass', 'pass', '403', 'pass'],
  ['storage.objects.delete',       'storage:write', 'pass', 'pass', 'pass', '403', '403'],
  ['storage.objects.download-url', 'storage:read',  'pass', 'pass', 'pass', '403', 'pass'],
  ['storage.multipart.initiate',   'storage:write', 'pass', 'pass', 'pass', '403', '403'],
  ['storage.multipart.part-urls',  'storage:write', 'pass', 'pass', 'pass', '403', '403'],
  ['storage.multipart.complete',   'storage:write', 'pass', 'pass', 'pass', '403', '403'],
  ['storage.multipart.abort',      'storage:write', 'pass', 'pass', 'pass', '403', '403'],
  ['payments.checkout',                'billing:write', 'pass', '403',  '403', 'pass', '403'],
  ['payments.portal',                  'billing:write', 'pass', '403',  '403', 'pass', '403'],
  ['payments.subscription.get',        'billing:read',  'pass', 'pass', '403', 'pass', '403'],
  ['payments.subscription.changePlan', 'billing:write', 'pass', '403',  '403', 'pass', '403'],
  ['payments.subscription.cancel',     'billing:write', 'pass', '403',  '403', 'pass', '403'],
  ['payments.invoices.list',           'billing:read',  'pass', 'pass', '403', 'pass', '403'],
  ['payments.invoices.document',       'billing:read',  'pass', 'pass', '403', 'pass', '403'],
  ['payments.azul.payments.start',     'billing:write', 'pass', '403',  '403', 'pass', '403'],
  ['payments.azul.payments.get',       'billing:read',  'pass', 'pass', '403', 'pass', '403'],
  ['payments.usage.get',               'billing:read',  'pass', 'pass', '403', 'pass', '403'],
  ['payments.azul.fallbackCard.setup', 'billing:write', 'pass', '403',  '403', 'pass', '403'],
  ['orgs.code.rotate',                 'org:update',    'pass', 'pass', '403', '403',  '403'],
];
const EXPECTED = Object.fromEntries(
  EXPECTED_ROWS.map(([routeId, permission, owner, admin, developer, billing, viewer]) => [
    routeId,
    { permission, outcomes: { owner, admin, developer, billing, viewer } as Record<Role, Outcome> },
  ]),
);

// RPC routes; stream routes are authorized by the same admission and get their own tests.
const PERMISSION_ROUTES = ROUTE_TABLE.filter(isRpcRoute).filter(
  (route): route is RpcRouteDefinition & { auth: Permission } =>
    route.auth !== 'public' && route.auth !== 'authenticated',
);

function pathOf(route: RpcRouteDefinition, params: Record<string, string> = {}): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`fixture of ${route.id} gives no ${name}`);
    return params[name]!;
  });
}

describe('role × permission matrix over every permission-bearing route (whole platform)', () => {
  // Payments runs against the local FakeStripe (through the real SDK), started before the platform.
  let stripe: FakeStripe;
  beforeAll(async () => {
    stripe = await new FakeStripe({ prices: Object.values(TEST_PRICES) }).start();
  });
  afterAll(() => stripe?.stop(), 30_000);
  const suite = usePlatform(() => {
    // Only payments reads the STRIPE_* variables; mail goes to the harness's own sink.
    const { SMTP_URL: _smtp, MAIL_FROM: _from, ...stripeEnv } = paymentsEnv(stripe, { url: '' } as never);
    return { ...GENEROUS_LIMITS, ...stripeEnv };
  });
  let members: Record<Role, Account>;
  let ctx: FixtureContext;

  beforeAll(async () => {
    const { api, platform } = suite;
    // ENTERPRISE: the matrix creates more API keys than a FREE plan may hold at once.
    const seeded = await seedOrganization(platform.gateway.app.get(RpcClient), platform.mail, {
      label: 'matrix',
      plan: 'ENTERPRISE',
    });
    members = seeded.members;
    const owner = seeded.owner;
    const freshRecording = async () => {
      const created = await api.post<{ id: string }>('/v1/recordings', {
        token: owner.tokens.accessToken,
        json: { title: 'Matrix target' },
      });
      return created.body.id;
    };
    let subscribed: Promise<{ plan: string; invoiceId: string }> | undefined;
    const subscribe = async () => {
      const checkout = await api.post<{ sessionId: string }>('/v1/payments/checkout', {
        token: owner.tokens.accessToken,
        json: { plan: 'ENTERPRISE', ...CHECKOUT_BODY },
      });
      if (checkout.status !== 201) throw new Error(`checkout answered ${checkout.status}`);
      for (const event of stripe.completeCheckout(checkout.body.sessionId, owner.email)) {
        const { payload, headers } = stripe.signedDelivery(event);
        const delivered = await fetch(new URL('/v1/webhooks/stripe', api.baseUrl), {
          method: 'POST',
          headers,
          body: payload,
        });
        if (delivered.status !== 200) throw new Error(`webhook answered ${delivered.status}`);
      }
      const subscription = await waitFor('the subscription active', async () => {
        const current = await api.get<{ plan: string; status: string }>('/v1/payments/subscription', {
          token: owner.tokens.accessToken,
        });
        return current.body.status === 'ACTIVE' ? current.body : null;
      });
      const invoiceId = await waitFor('the invoice recorded', async () => {
        const page = await api.get<{ items: { id: string }[] }>('/v1/payments/invoices', {
          token: owner.tokens.accessToken,
        });
        return page.body.items[0]?.id ?? null;
      });
      return { plan: subscription.plan, invoiceId };
    };
    ctx = {
      api,
      owner,
      activeSubscription: () => (subscribed ??= subscribe()),
      freshMember: () => addMember(api, platform.mail, owner, 'viewer'),
      freshRecording,
      readyRecording: () => readyRecording(api, platform, owner),
      storedObject: async () => {
        // A tiny WAV through the single-shot stream route (the bytes go to storage, not over RPC).
        const wav = Buffer.alloc(64);
        wav.write('RIFF', 0, 'latin1');
        wav.write('WAVE', 8, 'latin1');
        const response = await fetch(new URL('/v1/upload', api.baseUrl), {
          method: 'POST',
          headers: { authorization: `Bearer ${owner.tokens.accessToken}`, 'content-type': 'audio/wav' },
          body: wav,
        });
        if (response.status !== 201) throw new Error(`upload answered ${response.status}`);
        return ((await response.json()) as { id: string }).id;
      },
    };
  }, 60_000);

  it('has a fixture and a hand-written expectation for exactly the permission-bearing routes of the table', () => {
    const routeIds = PERMISSION_ROUTES.map((route) => route.id).sort();
    expect(Object.keys(FIXTURES).sort()).toEqual(routeIds);
    expect(Object.keys(EXPECTED).sort()).toEqual(routeIds);
  });

  it('guards each route with the permission the expectation was written for', () => {
    const declared = Object.fromEntries(PERMISSION_ROUTES.map((route) => [route.id, route.auth]));
    const expected = Object.fromEntries(Object.entries(EXPECTED).map(([id, row]) => [id, row.permission]));
    expect(declared).toEqual(expected);
  });

  describe.each(
    PERMISSION_ROUTES.map((route) => [`${route.method} ${route.path} (${route.auth})`, route] as const),
  )('%s', (_name, route) => {
    it.each(
      ROLES.map((role) => {
        const allowed = EXPECTED[route.id]!.outcomes[role] === 'pass';
        const admitted = ADMITTED_STATUS[route.id] ?? route.success.status;
        return [role, allowed ? String(admitted) : '403 FORBIDDEN', allowed] as const;
      }),
    )('%s → %s', async (role, _expected, allowed) => {
      const spec = await FIXTURES[route.id]!(ctx);
      const response = await suite.api.call(route.method, pathOf(route, spec.params), {
        token: members[role].tokens.accessToken,
        json: spec.json,
      });

      if (allowed) {
        expect({ role, status: response.status, body: response.body }).toMatchObject({
          role,
          status: ADMITTED_STATUS[route.id] ?? route.success.status,
        });
      } else {
        expect({ role, status: response.status }).toEqual({ role, status: 403 });
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.body).toMatchObject({ code: 'FORBIDDEN' });
      }
    });
  });
});
