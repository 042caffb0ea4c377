import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TokenPair } from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  UnauthenticatedError,
  ValidationError,
} from '@platform/errors';
import { TenantDatabase } from '@platform/tenancy';
import type { AuthEnv } from '../config/auth-env.schema';
import { UnverifiedAccountClaim } from '../email-verification/unverified-account-claim';
import { OrganizationService } from '../organizations/organization.service';
import { randomToken } from '../security/opaque-token';
import { SessionService } from '../sessions/session.service';
import type { UserEntity } from '../users/user.entity';
import { UserService } from '../users/user.service';
import { OAuthIdentityEntity } from './oauth-identity.entity';
import type { ExternalProfile, OAuthProviderName } from './oauth-provider.port';
import { OAuthProviderRegistry } from './oauth-provider.registry';
import { OAuthStateStore } from './oauth-state.store';

/**
 * Sign-in with Google, GitHub or Microsoft. An identity already linked signs in its user. Otherwise
 * an account with the same email is linked only when the provider verified that email (else anyone
 * who can set an unverified email at a provider would take the account over); with no such account,
 * a user and their own organization are created.
 */
@Injectable()
export class OAuthLoginService {
  private readonly allowedOrigins: Set<string>;

  constructor(
    private readonly tenants: TenantDatabase,
    private readonly providers: OAuthProviderRegistry,
    private readonly states: OAuthStateStore,
    private readonly users: UserService,
    private readonly organizations: OrganizationService,
    private readonly sessions: SessionService,
    private readonly claim: UnverifiedAccountClaim,
    @Inject(SERVICE_CONFIG) config: AuthEnv,
  ) {
    const configured = config.OAUTH_ALLOWED_REDIRECT_ORIGINS?.split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    this.allowedOrigins = new Set(
      (configured?.length ? configured : [config.APP_BASE_URL]).map((value) => new URL(value).origin),
    );
  }

  async authorize(provider: OAuthProviderName, redirectUri: string) {
    // The code is delivered to redirectUri: an arbitrary one would hand it to someone else.
    if (!this.allowedOrigins.has(new URL(redirectUri).origin)) {
      throw new ValidationError([
        {
          path: 'redirectUri',
          code: 'redirect_not_allowed',
          message: 'redirectUri is not an allowed origin',
        },
      ]);
    }
    const client = this.providers.get(provider);
    const state = randomToken(32);
    const codeVerifier = randomToken(32);
    const nonce = randomToken(16);
    const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
    const authorizationUrl = await client.authorizationUrl({ redirectUri, state, codeChallenge, nonce });
    await this.states.save(state, { provider, redirectUri, codeVerifier, nonce });
    return { authorizationUrl, state };
  }

  async callback(
    provider: OAuthProviderName,
    code: string,
    state: string,
    iss?: string,
  ): Promise<{ tokens: TokenPair; created: boolean }> {
    const pending = await this.states.take(state);
    if (!pending || pending.provider !== provider) {
      throw new UnauthenticatedError('The sign-in attempt is unknown or expired; start again');
    }
    const profile = await this.providers.get(provider).exchange({
      code,
      state,
      iss,
      redirectUri: pending.redirectUri,
      codeVerifier: pending.codeVerifier,
      nonce: pending.nonce,
    });
    // No principal yet, and the account's organizations (sessions and keys a claim ends, the landing
    // organization, a new one) are several tenants or none yet: the system path.
    const { result, endedSessions } = await this.tenants.runAsSystem(
      'auth.oauth.sign-in',
      async (manager) => {
        const { user, created, endedSessions } = await this.resolveUser(manager, provider, profile);
        // The callback's contract has no second step, and skipping TOTP here would make "controls the
        // mailbox" enough to enter a two-factor account: such accounts sign in with password and code.
        if (user.totpEnabled) {
          throw new ForbiddenError(
            'This account uses two-factor authentication: sign in with your password and code',
          );
        }
        const organizationId = created
          ? (await this.createOwnOrganization(manager, user, profile)).id
          : await this.landingOrganization(manager, user);
        const tokens = await this.sessions.start(user.id, organizationId, manager);
        return { result: { tokens, created }, endedSessions };
      },
    );
    await this.claim.deny(endedSessions);
    return result;
  }

  private async resolveUser(
    manager: EntityManager,
    provider: OAuthProviderName,
    profile: ExternalProfile,
  ): Promise<{ user: UserEntity; created: boolean; endedSessions: string[] }> {
    const identity = await manager.findOneBy(OAuthIdentityEntity, { provider, subject: profile.subject });
    if (identity) {
      return {
        user: await this.users.requireById(identity.userId, manager),
        created: false,
        endedSessions: [],
      };
    }
    if (!profile.email) {
      throw new DomainError('BAD_REQUEST', `${provider} did not share an email address for this account`);
    }
    const existing = await this.users.findByEmail(profile.email, manager);
    if (existing) {
      if (!profile.emailVerified) {
        throw new ConflictError(
          `An account with this email exists, and ${provider} has not verified the email: sign in with your password`,
        );
      }
      // Unverified: whoever registered the address may not own it; the provider just proved who does.
      const endedSessions = existing.emailVerified ? [] : await this.claim.clear(manager, existing.id);
      await this.link(manager, provider, profile, existing.id);
      await this.users.markEmailVerified(manager, existing.id);
      const user = existing.emailVerified ? existing : await this.users.requireById(existing.id, manager);
      return { user, created: false, endedSessions };
    }
    const user = await this.users.create(manager, {
      email: profile.email,
      name: profile.name ?? profile.email.split('@')[0]!,
      passwordHash: null,
      emailVerified: profile.emailVerified,
    });
    await this.link(manager, provider, profile, user.id);
    return { user, created: true, endedSessions: [] };
  }

  /** A new user gets their own organization (FREE, as owner), as at registration. */
  private createOwnOrganization(manager: EntityManager, user: UserEntity, profile: ExternalProfile) {
    const name = `${profile.name ?? user.name}'s organization`.slice(0, 120);
    return this.organizations.createWithOwner(manager, { name, ownerUserId: user.id });
  }

  /** An existing user lands in the organization used last, else their oldest one. */
  private async landingOrganization(manager: EntityManager, user: UserEntity): Promise<string> {
    const memberships = await this.organizations.listForUser(user.id, manager);
    const landing = memberships.find((m) => m.organization.id === user.lastOrganizationId) ?? memberships[0];
    if (!landing) throw new ForbiddenError('You are not a member of any organization');
    return landing.organization.id;
  }

  private async link(manager: EntityManager, provider: string, profile: ExternalProfile, userId: string) {
    await manager.insert(OAuthIdentityEntity, {
      provider,
      subject: profile.subject,
      userId,
      email: profile.email,
    });
  }
}
