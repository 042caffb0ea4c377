import { z } from 'zod';
import { ROLES } from './roles';
import { PLAN_CODES } from '../billing/plans';
import { jwksSchema, tokenPairSchema } from './tokens';
import { principalSchema } from '../rpc/envelope';
import { pageRequestSchema, pageResultSchema } from '../rpc/pagination';
import { plainText } from '../text/plain-text';

/**
 * The auth service's RPC patterns. Values are wire names: never rename one without a migration plan.
 * `*.internal` patterns are called by the gateway itself, never routed from HTTP.
 */
export const AUTH_RPC = {
  register: 'auth.user.register',
  verifyEmail: 'auth.email-verification.confirm',
  resendEmailVerification: 'auth.email-verification.resend',
  login: 'auth.session.login',
  verifyMfa: 'auth.session.verify-mfa',
  refresh: 'auth.session.refresh',
  logout: 'auth.session.logout',
  logoutAll: 'auth.session.logout-all',
  getProfile: 'auth.profile.get',
  updateProfile: 'auth.profile.update',
  changePassword: 'auth.password.change',
  requestPasswordReset: 'auth.password-reset.request',
  confirmPasswordReset: 'auth.password-reset.confirm',
  createOrganization: 'auth.organization.create',
  listOrganizations: 'auth.organization.list',
  switchOrganization: 'auth.organization.switch',
  listMembers: 'auth.member.list',
  changeMemberRole: 'auth.member.change-role',
  removeMember: 'auth.member.remove',
  inviteMember: 'auth.invitation.create',
  listInvitations: 'auth.invitation.list',
  revokeInvitation: 'auth.invitation.revoke',
  acceptInvitation: 'auth.invitation.accept',
  createApiKey: 'auth.api-key.create',
  listApiKeys: 'auth.api-key.list',
  revokeApiKey: 'auth.api-key.revoke',
  validateOrganizationCode: 'auth.organization-code.validate',
  createOrganizationFromCode: 'auth.organization-code.redeem',
  enrollTotp: 'auth.totp.enroll',
  verifyTotp: 'auth.totp.verify',
  disableTotp: 'auth.totp.disable',
  oauthAuthorize: 'auth.oauth.authorize',
  oauthCallback: 'auth.oauth.callback',
  getJwks: 'auth.jwks.get',
  /** Gateway only: resolves an `x-api-key` to a principal. */
  verifyApiKey: 'auth.api-key.verify',
  /** Gateway only: resolves `x-organization-code` (+ optional `x-user-id`) to a principal. */
  resolveOrganizationCode: 'auth.organization-code.resolve',
  /** Payments (later): issues a code for a paid organization. */
  issueOrganizationCode: 'auth.organization-code.issue',
  /** An owner or admin replaces the organization's code (lost, or leaked): the old one stops at once. */
  rotateOrganizationCode: 'auth.organization-code.rotate',
} as const;
export type AuthRpcPattern = (typeof AUTH_RPC)[keyof typeof AUTH_RPC];

const email = z.string().trim().toLowerCase().email().max(254);
/** NIST 800-63B: length over composition rules; the service also rejects known-breached/common ones. */
const password = z.string().min(10).max(256);
/** Names of people, organizations and API keys: plain single-line text (no control characters). */
const name = plainText({ max: 120 });
const id = z.string().uuid();
const role = z.enum(ROLES);

export const userSchema = z.object({
  id,
  email: z.string(),
  name: z.string(),
  emailVerified: z.boolean(),
  totpEnabled: z.boolean(),
  createdAt: z.string(),
});
export const organizationSchema = z.object({
  id,
  name: z.string(),
  plan: z.enum(PLAN_CODES),
  createdAt: z.string(),
});
export const membershipSchema = z.object({
  organization: organizationSchema,
  role,
  joinedAt: z.string(),
});
export const memberSchema = z.object({
  userId: id,
  email: z.string(),
  name: z.string(),
  role,
  joinedAt: z.string(),
});
export const invitationSchema = z.object({
  id,
  email: z.string(),
  role,
  expiresAt: z.string(),
  createdAt: z.string(),
  invitedBy: id,
});
export const apiKeySchema = z.object({
  id,
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

/** Request (`data`) and result schemas per pattern: the gateway validates HTTP input with these. */
export const authRpcSchemas = {
  [AUTH_RPC.register]: {
    request: z.object({ email, password, name, organizationName: name }),
    /** The same answer whether or not the address already has an account (no enumeration, no tokens). */
    result: z.object({ accepted: z.literal(true) }),
  },
  [AUTH_RPC.verifyEmail]: {
    request: z.object({ token: z.string().min(1).max(256) }),
    /** No tokens: clicking a link must not sign anyone in (see the auth README). */
    result: z.object({ verified: z.literal(true) }),
  },
  [AUTH_RPC.resendEmailVerification]: {
    request: z.object({ email }),
    result: z.object({ accepted: z.literal(true) }),
  },
  [AUTH_RPC.login]: {
    request: z.object({ email, password: z.string().min(1).max(256), organizationId: id.optional() }),
    /** With TOTP on, login answers `mfaRequired` and a short-lived `mfaToken` for verify-mfa. */
    result: z.union([
      z.object({ mfaRequired: z.literal(false), tokens: tokenPairSchema }),
      z.object({ mfaRequired: z.literal(true), mfaToken: z.string() }),
    ]),
  },
  [AUTH_RPC.verifyMfa]: {
    request: z
      .object({
        mfaToken: z.string().min(1),
        code: z
          .string()
          .regex(/^\d{6}$/)
          .optional(),
        recoveryCode: z.string().min(8).max(64).optional(),
      })
      .refine((d) => !!d.code !== !!d.recoveryCode, 'exactly one of code or recoveryCode'),
    result: z.object({ tokens: tokenPairSchema }),
  },
  [AUTH_RPC.refresh]: { request: z.object({ refreshToken: z.string().min(1) }), result: tokenPairSchema },
  [AUTH_RPC.logout]: { request: z.object({}), result: z.object({ loggedOut: z.literal(true) }) },
  [AUTH_RPC.logoutAll]: { request: z.object({}), result: z.object({ sessionsRevoked: z.number().int() }) },
  [AUTH_RPC.getProfile]: {
    request: z.object({}),
    result: z.object({ user: userSchema, organization: organizationSchema, role }),
  },
  [AUTH_RPC.updateProfile]: { request: z.object({ name }), result: z.object({ user: userSchema }) },
  [AUTH_RPC.changePassword]: {
    request: z.object({ currentPassword: z.string().min(1), newPassword: password }),
    result: z.object({ changed: z.literal(true) }),
  },
  [AUTH_RPC.requestPasswordReset]: {
    request: z.object({ email }),
    result: z.object({ accepted: z.literal(true) }),
  },
  [AUTH_RPC.confirmPasswordReset]: {
    request: z.object({ token: z.string().min(1), newPassword: password }),
    result: z.object({ reset: z.literal(true) }),
  },
  [AUTH_RPC.createOrganization]: {
    request: z.object({ name }),
    result: z.object({ organization: organizationSchema, role }),
  },
  [AUTH_RPC.listOrganizations]: {
    request: pageRequestSchema,
    result: pageResultSchema(membershipSchema),
  },
  [AUTH_RPC.switchOrganization]: { request: z.object({ organizationId: id }), result: tokenPairSchema },
  [AUTH_RPC.listMembers]: { request: pageRequestSchema, result: pageResultSchema(memberSchema) },
  [AUTH_RPC.changeMemberRole]: {
    request: z.object({ userId: id, role }),
    result: z.object({ member: memberSchema }),
  },
  [AUTH_RPC.removeMember]: {
    request: z.object({ userId: id }),
    result: z.object({ removed: z.literal(true) }),
  },
  [AUTH_RPC.inviteMember]: {
    request: z.object({ email, role }),
    result: z.object({ invitation: invitationSchema }),
  },
  [AUTH_RPC.listInvitations]: {
    request: pageRequestSchema,
    result: pageResultSchema(invitationSchema),
  },
  [AUTH_RPC.revokeInvitation]: {
    request: z.object({ invitationId: id }),
    result: z.object({ revoked: z.literal(true) }),
  },
  [AUTH_RPC.acceptInvitation]: {
    request: z.object({ token: z.string().min(1) }),
    result: z.object({ membership: membershipSchema }),
  },
  [AUTH_RPC.createApiKey]: {
    request: z.object({
      name,
      scopes: z
        .array(z.string().regex(/^[a-z-]+:[a-z-]+$/))
        .max(50)
        .default([]),
      expiresAt: z.string().datetime().optional(),
    }),
    /** `secret` is shown once and never stored in clear. */
    result: z.object({ apiKey: apiKeySchema, secret: z.string() }),
  },
  [AUTH_RPC.listApiKeys]: { request: pageRequestSchema, result: pageResultSchema(apiKeySchema) },
  [AUTH_RPC.revokeApiKey]: {
    request: z.object({ apiKeyId: id }),
    result: z.object({ revoked: z.literal(true) }),
  },
  [AUTH_RPC.validateOrganizationCode]: {
    request: z.object({ code: z.string().trim().min(6).max(64) }),
    result: z.object({
      valid: z.boolean(),
      plan: z.enum(PLAN_CODES).optional(),
      redeemed: z.boolean().optional(),
    }),
  },
  [AUTH_RPC.createOrganizationFromCode]: {
    request: z.object({ code: z.string().trim().min(6).max(64), organizationName: name }),
    result: z.object({ organization: organizationSchema, role }),
  },
  [AUTH_RPC.enrollTotp]: {
    request: z.object({}),
    result: z.object({ otpauthUri: z.string(), secret: z.string() }),
  },
  [AUTH_RPC.verifyTotp]: {
    request: z.object({ code: z.string().regex(/^\d{6}$/) }),
    result: z.object({ enabled: z.literal(true), recoveryCodes: z.array(z.string()) }),
  },
  [AUTH_RPC.disableTotp]: {
    request: z.object({ code: z.string().regex(/^\d{6}$/) }),
    result: z.object({ enabled: z.literal(false) }),
  },
  [AUTH_RPC.oauthAuthorize]: {
    request: z.object({ provider: z.enum(['google', 'github', 'microsoft']), redirectUri: z.string().url() }),
    result: z.object({ authorizationUrl: z.string().url(), state: z.string() }),
  },
  [AUTH_RPC.oauthCallback]: {
    request: z.object({
      provider: z.enum(['google', 'github', 'microsoft']),
      code: z.string().min(1),
      state: z.string().min(1),
      /** RFC 9207: the `iss` query parameter of the redirect, when the provider sends one (pass it through). */
      iss: z.string().url().optional(),
    }),
    result: z.object({ tokens: tokenPairSchema, created: z.boolean() }),
  },
  [AUTH_RPC.getJwks]: { request: z.object({}), result: jwksSchema },
  [AUTH_RPC.verifyApiKey]: {
    request: z.object({ key: z.string().min(1).max(200) }),
    /** `expiresAt`: when the key stops working (null: never); the gateway caches it no longer. */
    result: z.object({ principal: principalSchema, expiresAt: z.string().datetime().nullable().optional() }),
  },
  [AUTH_RPC.resolveOrganizationCode]: {
    request: z.object({ code: z.string().min(1).max(64), userId: id.optional() }),
    /** `expiresAt`: when the code stops working (null: never); the gateway caches it no longer. */
    result: z.object({ principal: principalSchema, expiresAt: z.string().datetime().nullable().optional() }),
  },
  [AUTH_RPC.issueOrganizationCode]: {
    request: z.object({ organizationId: id.optional(), plan: z.enum(PLAN_CODES) }),
    result: z.object({ code: z.string() }),
  },
  /** `code` is shown this once and stored only as its fingerprint. */
  [AUTH_RPC.rotateOrganizationCode]: {
    request: z.object({}).strict(),
    result: z.object({ code: z.string(), plan: z.enum(PLAN_CODES), issuedAt: z.string().datetime() }),
  },
} as const;

export type AuthRpcRequest<P extends keyof typeof authRpcSchemas> = z.input<
  (typeof authRpcSchemas)[P]['request']
>;
export type AuthRpcResult<P extends keyof typeof authRpcSchemas> = z.infer<
  (typeof authRpcSchemas)[P]['result']
>;
