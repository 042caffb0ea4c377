import { randomUUID } from 'node:crypto';
import {
  authContract,
  ROLES,
  SYSTEM_PRINCIPAL,
  type PlanCode,
  type Principal,
  type Role,
  type TokenPair,
} from '@platform/contracts';
import type { SmtpSink } from '../fakes/smtp/smtp-sink';
import { joinOrganization, signInOverRpc, verifyEmailOverRpc, type AuthCall } from '../auth/auth-flows';
import { contractCaller, type EnvelopeRpc } from '../service/contract-caller';

/** The slice of RpcClient the seeder needs (any client that speaks the envelope fits). */
export type SeedRpc = EnvelopeRpc;

export interface SeededMember {
  email: string;
  password: string;
  userId: string;
  /** The seeded organization (the session below is in it). */
  organizationId: string;
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

export interface SeedOptions {
  /** Prefix of the seeded addresses and names. */
  label?: string;
  /**
   * The organization's plan (default STARTER). The owner creates the organization from an
   * organization code issued for that plan, as payments issues them. A team of one member per role
   * needs five seats, so FREE (one seat) cannot be seeded: invitations past the plan's members are
   * refused (PLAN_LIMIT_REACHED).
   */
  plan?: Exclude<PlanCode, 'FREE'>;
}

export const SEED_PASSWORD = 'correct horse battery staple';

/**
 * Registration answers the same `{ accepted }` for a new and a taken address (no tokens), so the seeder
 * signs in afterwards, as a user would.
 */
async function registerUser(auth: AuthCall, label: string) {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.test`;
  await auth('auth.user.register', {
    email,
    password: SEED_PASSWORD,
    name: `Seeded ${label}`,
    organizationName: `Org of ${label}`,
  });
  return { email, password: SEED_PASSWORD, ...(await signInOverRpc(auth, email, SEED_PASSWORD)) };
}

/** The owner's organization on `plan`: issue a code (system), redeem it, log in to the new organization. */
async function organizationOnPlan(
  auth: AuthCall,
  owner: { email: string; principal: Principal },
  plan: PlanCode,
) {
  const { code } = await auth('auth.organization-code.issue', { plan }, SYSTEM_PRINCIPAL);
  const { organization } = await auth(
    'auth.organization-code.redeem',
    { code, organizationName: `${plan} org of ${owner.email}` },
    owner.principal,
  );
  return signInOverRpc(auth, owner.email, SEED_PASSWORD, organization.id);
}

function seededMember(
  user: { email: string; password: string },
  session: { tokens: TokenPair; principal: Principal },
  role: Role,
): SeededMember {
  const { userId, organizationId } = session.principal;
  return { ...user, userId: userId!, organizationId: organizationId!, role, ...session };
}

/**
 * An organization with its owner and one member of every other role, built the way users build it,
 * through auth's RPCs (each reply checked against auth's contract): register the owner and verify its
 * address (only a verified address may invite); for each role register a user, invite them, read the
 * emailed token from the SMTP sink, accept, log in to the organization.
 */
export async function seedOrganization(
  rpc: SeedRpc,
  mail: SmtpSink,
  options: SeedOptions | string = {},
): Promise<SeededOrganization> {
  const { label = 'seed', plan = 'STARTER' } = typeof options === 'string' ? { label: options } : options;
  const auth = contractCaller(rpc, authContract);
  const registered = await registerUser(auth, `${label}-owner`);
  await verifyEmailOverRpc(auth, mail, registered);
  const ownerSession = await organizationOnPlan(auth, registered, plan);
  const owner = seededMember(registered, ownerSession, 'owner');
  const members = { owner } as Record<Role, SeededMember>;
  for (const role of ROLES.filter((candidate) => candidate !== 'owner')) {
    const user = await registerUser(auth, `${label}-${role}`);
    members[role] = seededMember(user, await joinOrganization(auth, mail, owner, user, role), role);
  }
  return { organizationId: owner.organizationId, owner, members };
}
