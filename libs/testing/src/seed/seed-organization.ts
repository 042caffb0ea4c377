import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import {
  accessTokenClaimsSchema,
  AUTH_RPC,
  ROLES,
  type Principal,
  type RpcEnvelope,
  type Role,
  type TokenPair,
} from '@platform/contracts';
import type { SmtpSink } from '../fakes/smtp/smtp-sink';

/** The slice of RpcClient the seeder needs (any client that speaks the envelope fits). */
export interface SeedRpc {
  call<TResult = unknown>(pattern: string, envelope: RpcEnvelope): Promise<TResult>;
}

export interface SeededMember {
  email: string;
  password: string;
  userId: string;
  role: Role;
  tokens: TokenPair;
  /** What the gateway would put in the envelope for this member's access token. */
  principal: Principal;
}

export interface SeededOrganization {
  organizationId: string;
  owner: SeededMember;
  /** One member per role, the owner included under `owner`. */
  members: Record<Role, SeededMember>;
}

export const SEED_PASSWORD = 'correct horse battery staple';

/**
 * The principal of an access token auth just issued. Decoded, not verified: the token comes straight
 * from auth in a test; verifying it is the gateway's job and its own tests'.
 */
export function principalOfAccessToken(accessToken: string): Principal {
  const claims = accessTokenClaimsSchema.parse(decodeJwt(accessToken));
  return {
    kind: 'user',
    userId: claims.sub,
    organizationId: claims.org,
    roles: claims.roles,
    scopes: claims.scope ? claims.scope.split(' ') : [],
    apiKeyId: null,
    sessionId: claims.sid,
    tokenId: claims.jti,
    plan: claims.plan,
  };
}

async function call<T>(
  rpc: SeedRpc,
  pattern: string,
  data: unknown,
  principal: Principal | null,
): Promise<T> {
  return rpc.call<T>(pattern, { principal, data, meta: { requestId: randomUUID() } });
}

/**
 * Registration answers the same `{ accepted }` for a new and a taken address (no tokens), so the seeder
 * signs in afterwards, as a user would.
 */
async function registerUser(rpc: SeedRpc, label: string) {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.test`;
  await call(
    rpc,
    AUTH_RPC.register,
    { email, password: SEED_PASSWORD, name: `Seeded ${label}`, organizationName: `Org of ${label}` },
    null,
  );
  const { tokens } = await call<{ tokens: TokenPair }>(
    rpc,
    AUTH_RPC.login,
    { email, password: SEED_PASSWORD },
    null,
  );
  const principal = principalOfAccessToken(tokens.accessToken);
  return { email, userId: principal.userId!, organizationId: principal.organizationId!, tokens };
}

/** Only a verified address may invite: the owner follows the link of its verification mail. */
async function verifyEmail(rpc: SeedRpc, mail: SmtpSink, email: string): Promise<void> {
  const message = await mail.waitForMessage(email, { subject: /verify/i, timeoutMs: 10_000 });
  const link = message.links.find((url) => url.includes('/verify-email?'));
  if (!link) throw new Error(`no verification link in: ${message.text}`);
  const token = new URL(link).searchParams.get('token')!;
  await call(rpc, AUTH_RPC.verifyEmail, { token }, null);
}

async function invitationTokenFor(mail: SmtpSink, email: string): Promise<string> {
  const message = await mail.waitForMessage(email, { subject: /invit/i, timeoutMs: 10_000 });
  const link = message.links.find((url) => url.includes('token='));
  if (!link) throw new Error(`no invitation link in: ${message.text}`);
  return new URL(link).searchParams.get('token')!;
}

/**
 * An organization with its owner and one member of every other role, built the way users build it,
 * through auth's RPCs: register the owner and verify its address; for each role register a user, invite them, read the
 * emailed token from the SMTP sink, accept, log in to the organization.
 */
export async function seedOrganization(
  rpc: SeedRpc,
  mail: SmtpSink,
  label = 'seed',
): Promise<SeededOrganization> {
  const registered = await registerUser(rpc, `${label}-owner`);
  await verifyEmail(rpc, mail, registered.email);
  const owner: SeededMember = {
    email: registered.email,
    password: SEED_PASSWORD,
    userId: registered.userId,
    role: 'owner',
    tokens: registered.tokens,
    principal: principalOfAccessToken(registered.tokens.accessToken),
  };
  const members = { owner } as Record<Role, SeededMember>;
  for (const role of ROLES.filter((candidate) => candidate !== 'owner')) {
    const user = await registerUser(rpc, `${label}-${role}`);
    await call(rpc, AUTH_RPC.inviteMember, { email: user.email, role }, owner.principal);
    const token = await invitationTokenFor(mail, user.email);
    await call(rpc, AUTH_RPC.acceptInvitation, { token }, principalOfAccessToken(user.tokens.accessToken));
    const login = await call<{ tokens: TokenPair }>(
      rpc,
      AUTH_RPC.login,
      { email: user.email, password: SEED_PASSWORD, organizationId: registered.organizationId },
      null,
    );
    members[role] = {
      email: user.email,
      password: SEED_PASSWORD,
      userId: user.userId,
      role,
      tokens: login.tokens,
      principal: principalOfAccessToken(login.tokens.accessToken),
    };
  }
  return { organizationId: registered.organizationId, owner, members };
}
