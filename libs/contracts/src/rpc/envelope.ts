import { z } from 'zod';
import { ROLES } from '../auth/roles';
import { PLAN_CODES } from '../billing/plans';

/**
 * What kind of credential authenticated the caller. An organization code is an organization
 * credential (a fixed, limited role; `userId` only attributes actions), distinct from a user's token
 * and from an API key everywhere a rule depends on it.
 */
export const PRINCIPAL_KINDS = ['user', 'api-key', 'organization-code', 'system'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

/** Who is calling. Services scope every query by `organizationId` from here, never from `data`. */
export const principalSchema = z.object({
  kind: z.enum(PRINCIPAL_KINDS),
  userId: z.string().min(1).nullable(),
  organizationId: z.string().min(1).nullable(),
  roles: z.array(z.enum(ROLES)),
  scopes: z.array(z.string()),
  apiKeyId: z.string().min(1).nullable(),
  /**
   * Organization codes only: the member of the code's organization that `x-user-id` names. It only
   * attributes actions (audit, "created by"); it never grants that member's role — `userId` stays null.
   */
  attributedUserId: z.string().uuid().nullable().optional(),
  /** The refresh-token family (login session) an access token belongs to; logout revokes it. */
  sessionId: z.string().min(1).nullable().optional(),
  /** The access token's `jti`, so logout can put exactly this token on the denylist. */
  tokenId: z.string().min(1).nullable().optional(),
  /** The organization's plan, for plan limits and rate limits. */
  plan: z.enum(PLAN_CODES).optional(),
});
export type Principal = z.infer<typeof principalSchema>;

export const rpcMetaSchema = z.object({
  requestId: z.string().min(1),
  traceparent: z.string().optional(),
  idempotencyKey: z.string().optional(),
});
export type RpcMeta = z.infer<typeof rpcMetaSchema>;

export const rpcEnvelopeSchema = z.object({
  principal: principalSchema.nullable(),
  data: z.unknown(),
  meta: rpcMetaSchema,
});
export interface RpcEnvelope<TData = unknown> {
  principal: Principal | null;
  data: TData;
  meta: RpcMeta;
}

/** A failed RPC travels as data, never as a thrown AMQP-level error. */
export const rpcErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
  errorId: z.string().optional(),
});
export type RpcErrorPayload = z.infer<typeof rpcErrorSchema>;

/**
 * `replayed`: the answer is the stored response of an earlier run of the same command (same
 * Idempotency-Key and request, or a redelivery of a message that already committed); the gateway
 * answers it with `Idempotent-Replayed: true`. Absent on a first run, so older callers ignore it.
 */
export type RpcReply<TResult = unknown> =
  { ok: true; data: TResult; replayed?: true } | { ok: false; error: RpcErrorPayload };

/** The principal of the platform itself (health pings, relays, scheduled jobs). */
export const SYSTEM_PRINCIPAL: Principal = Object.freeze({
  kind: 'system',
  userId: null,
  organizationId: null,
  roles: [],
  scopes: ['system'],
  apiKeyId: null,
}) as Principal;
