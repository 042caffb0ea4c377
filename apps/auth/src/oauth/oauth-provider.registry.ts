import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError } from '@platform/errors';
import type { AuthEnv } from '../config/auth-env.schema';
import { GitHubProviderClient } from './github-provider.client';
import { OidcProviderClient } from './oidc-provider.client';
import type { OAuthProviderClient, OAuthProviderName } from './oauth-provider.port';

/** The providers enabled by configuration: one with a client id and secret is on, else it is off. */
@Injectable()
export class OAuthProviderRegistry {
  private readonly clients = new Map<OAuthProviderName, OAuthProviderClient>();

  constructor(@Inject(SERVICE_CONFIG) config: AuthEnv) {
    const timeoutMs = config.OAUTH_HTTP_TIMEOUT_MS;
    if (config.OAUTH_GOOGLE_CLIENT_ID && config.OAUTH_GOOGLE_CLIENT_SECRET) {
      this.clients.set(
        'google',
        new OidcProviderClient({
          provider: 'google',
          issuerUrl: config.OAUTH_GOOGLE_ISSUER,
          clientId: config.OAUTH_GOOGLE_CLIENT_ID,
          clientSecret: config.OAUTH_GOOGLE_CLIENT_SECRET,
          timeoutMs,
        }),
      );
    }
    if (config.OAUTH_MICROSOFT_CLIENT_ID && config.OAUTH_MICROSOFT_CLIENT_SECRET) {
      this.clients.set(
        'microsoft',
        new OidcProviderClient({
          provider: 'microsoft',
          issuerUrl: config.OAUTH_MICROSOFT_ISSUER,
          clientId: config.OAUTH_MICROSOFT_CLIENT_ID,
          clientSecret: config.OAUTH_MICROSOFT_CLIENT_SECRET,
          timeoutMs,
        }),
      );
    }
    if (config.OAUTH_GITHUB_CLIENT_ID && config.OAUTH_GITHUB_CLIENT_SECRET) {
      this.clients.set(
        'github',
        new GitHubProviderClient({
          clientId: config.OAUTH_GITHUB_CLIENT_ID,
          clientSecret: config.OAUTH_GITHUB_CLIENT_SECRET,
          oauthBaseUrl: config.GITHUB_OAUTH_BASE_URL,
          apiBaseUrl: config.GITHUB_API_BASE_URL,
          timeoutMs,
        }),
      );
    }
  }

  get(provider: OAuthProviderName): OAuthProviderClient {
    const client = this.clients.get(provider);
    if (!client) {
      const variable = `OAUTH_${provider.toUpperCase()}_CLIENT_ID`;
      throw new DomainError(
        'BAD_REQUEST',
        `Sign-in with ${provider} is not enabled on this deployment (${variable} and its secret are unset)`,
        { provider },
      );
    }
    return client;
  }
}
