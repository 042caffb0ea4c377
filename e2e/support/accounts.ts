import { randomUUID } from 'node:crypto';
import { AUTH_RPC, SYSTEM_PRINCIPAL, type PlanCode, type Role, type TokenPair } from '@platform/contracts';
import { RpcClient } from '@platform/messaging';
import {
  invitationTokenFromMail,
  principalOfAccessToken,
  SEED_PASSWORD,
  verificationTokenFromMail,
  type SmtpSink,
} from '@platform/testing';
import type { PlatformHarness } from '../platform-harness';
import type { ApiClient, ApiResponse } from './api-client';

export const PASSWORD = SEED_PASSWORD;

/** A user signed in through the gateway, in one organization. */
export interface Account {
  email: string;
  password: string;
  userId: string;
  organizationId: string;
  tokens: TokenPair;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

function expectStatus(response: ApiResponse<unknown>, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/**
 * POST /v1/auth/register (202, no tokens: the answer is the same for a taken address), then a login
 * for the token pair. The account is unverified until `ensureVerified`.
 */
export async function register(
  api: ApiClient,
  label = 'owner',
  headers: Record<string, string> = {},
): Promise<Account> {
  const email = uniqueEmail(label);
  const response = await api.post('/v1/auth/register', {
    json: { email, password: PASSWORD, name: `Test ${label}`, organizationName: `Org of ${label}` },
    headers,
  });
  expectStatus(response, 202, 'register');
  return signIn(api, email, PASSWORD, headers);
}

/** POST /v1/auth/login; the user and organization ids are read from the access token's principal. */
export async function signIn(
  api: ApiClient,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Account> {
  const response = await api.post<{ tokens: TokenPair }>('/v1/auth/login', {
    json: { email, password },
    headers,
  });
  expectStatus(response, 200, 'login');
  const tokens = response.body.tokens;
  const { userId, organizationId } = principalOfAccessToken(tokens.accessToken);
  return { email, password, userId: userId!, organizationId: organizationId!, tokens };
}

/** The token of the newest email-verification mail to `email`. */
export const verificationToken = verificationTokenFromMail;

/** Verifies the account's email through the emailed link, unless it already is (idempotent). */
export async function ensureVerified(api: ApiClient, mail: SmtpSink, account: Account): Promise<void> {
  const profile = await api.get<{ user: { emailVerified: boolean } }>('/v1/auth/profile', {
    token: account.tokens.accessToken,
  });
  expectStatus(profile, 200, 'profile');
  if (profile.body.user.emailVerified) return;
  const verified = await api.post('/v1/auth/verify-email', {
    json: { token: await verificationToken(mail, account.email) },
  });
  expectStatus(verified, 200, 'verify email');
}

/** The token of the newest invitation mail to `email`. */
export const invitationToken = invitationTokenFromMail;

/**
 * A fresh user invited into `owner`'s organization with `role` — all through the gateway: the owner's
 * email verified first (invitations need it), invite, read the emailed token, accept, switch into the
 * organization.
 */
export async function addMember(
  api: ApiClient,
  mail: SmtpSink,
  owner: Account,
  role: Role,
): Promise<Account> {
  await ensureVerified(api, mail, owner);
  const member = await register(api, role);
  const invite = await api.post('/v1/orgs/invitations', {
    token: owner.tokens.accessToken,
    json: { email: member.email, role },
  });
  expectStatus(invite, 201, `invite ${role}`);
  const token = await invitationToken(mail, member.email);
  const accept = await api.post('/v1/orgs/invitations/accept', {
    token: member.tokens.accessToken,
    json: { token },
  });
  expectStatus(accept, 200, `accept as ${role}`);
  const switched = await api.post<TokenPair>('/v1/orgs/switch', {
    token: member.tokens.accessToken,
    json: { organizationId: owner.organizationId },
  });
  expectStatus(switched, 200, `switch as ${role}`);
  return { ...member, organizationId: owner.organizationId, tokens: switched.body };
}

/** The payments side of organization codes (not built yet): issued over RPC as payments will. */
export async function issueOrganizationCode(platform: PlatformHarness, plan: PlanCode): Promise<string> {
  const rpc = platform.gateway.app.get(RpcClient);
  const result = await rpc.call<{ code: string }>(AUTH_RPC.issueOrganizationCode, {
    principal: SYSTEM_PRINCIPAL,
    data: { plan },
    meta: { requestId: randomUUID() },
  });
  return result.code;
}

/** A user owning an organization on `plan`, created from an organization code through the gateway. */
export async function ownerOnPlan(
  api: ApiClient,
  platform: PlatformHarness,
  plan: PlanCode,
): Promise<Account> {
  const user = await register(api, `owner-${plan.toLowerCase()}`);
  const code = await issueOrganizationCode(platform, plan);
  const created = await api.post<{ organization: { id: string } }>('/v1/orgs/from-code', {
    token: user.tokens.accessToken,
    json: { code, organizationName: `${plan} org` },
  });
  expectStatus(created, 201, 'create from code');
  const switched = await api.post<TokenPair>('/v1/orgs/switch', {
    token: user.tokens.accessToken,
    json: { organizationId: created.body.organization.id },
  });
  expectStatus(switched, 200, 'switch to the plan org');
  return { ...user, organizationId: created.body.organization.id, tokens: switched.body };
}
