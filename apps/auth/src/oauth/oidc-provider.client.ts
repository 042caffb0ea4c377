import { Issuer, custom, type BaseClient } from 'openid-client';
import { DomainError } from '@platform/errors';
import type {
  AuthorizationRequest,
  CodeExchange,
  ExternalProfile,
  OAuthProviderClient,
  OAuthProviderName,
} from './oauth-provider.port';

export interface OidcClientConfig {
  provider: OAuthProviderName;
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

/**
 * Google and Microsoft through OpenID Connect discovery (openid-client 5): authorization code with
 * PKCE S256, state and nonce; the ID token's signature, issuer, audience, expiry and nonce are
 * checked by openid-client against the provider's published keys.
 */
export class OidcProviderClient implements OAuthProviderClient {
  private client: Promise<BaseClient> | undefined;

  constructor(private readonly config: OidcClientConfig) {}

  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const client = await this.discovered();
    return client.authorizationUrl({
      scope: 'openid email profile',
      redirect_uri: request.redirectUri,
      response_type: 'code',
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  async exchange(exchange: CodeExchange): Promise<ExternalProfile> {
    const client = await this.discovered();
    // RFC 9207 (mix-up defense): openid-client checks `iss` when the provider advertises it. A client
    // that did not forward it still gets the check that matters, because the server-side state is
    // bound to this provider, so the expected issuer is used in its place.
    const iss =
      exchange.iss ??
      (client.issuer.metadata.authorization_response_iss_parameter_supported
        ? client.issuer.metadata.issuer
        : undefined);
    const tokenSet = await client
      .callback(
        exchange.redirectUri,
        { code: exchange.code, state: exchange.state, ...(iss ? { iss } : {}) },
        {
          code_verifier: exchange.codeVerifier,
          state: exchange.state,
          nonce: exchange.nonce,
          response_type: 'code',
        },
      )
      .catch((error: Error) => {
        throw new DomainError('UNAUTHENTICATED', `${this.config.provider} sign-in failed: ${error.message}`);
      });
    let claims: Record<string, unknown> = tokenSet.claims();
    if (!claims.email && tokenSet.access_token && client.issuer.metadata.userinfo_endpoint) {
      claims = { ...(await client.userinfo(tokenSet.access_token)), ...claims };
    }
    return {
      subject: String(claims.sub),
      email: typeof claims.email === 'string' ? claims.email.toLowerCase() : null,
      emailVerified: this.emailVerified(claims),
      name: typeof claims.name === 'string' ? claims.name : null,
    };
  }

  /**
   * Google sets `email_verified`. Microsoft's `email` is whatever the tenant admin typed unless
   * `xms_edov` (email domain owner verified) says otherwise — trusting it is the "nOAuth" account
   * takeover — so for Microsoft only an explicit verification claim counts.
   */
  private emailVerified(claims: Record<string, unknown>): boolean {
    if (claims.email_verified === true || claims.email_verified === 'true') return true;
    return this.config.provider === 'microsoft' && (claims.xms_edov === true || claims.xms_edov === 'true');
  }

  /** Discovery runs once and is retried on the next login if it failed (provider briefly down). */
  private discovered(): Promise<BaseClient> {
    this.client ??= this.discover().catch((error: Error) => {
      this.client = undefined;
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        `${this.config.provider} sign-in is unavailable (discovery failed: ${error.message})`,
      );
    });
    return this.client;
  }

  private async discover(): Promise<BaseClient> {
    const issuer = await Issuer.discover(this.config.issuerUrl);
    const client = new issuer.Client({
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
      response_types: ['code'],
    });
    client[custom.http_options] = (_url, options) => ({ ...options, timeout: this.config.timeoutMs });
    return client;
  }
}
