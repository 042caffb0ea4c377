import { DomainError } from '@platform/errors';
import type {
  AuthorizationRequest,
  CodeExchange,
  ExternalProfile,
  OAuthProviderClient,
} from './oauth-provider.port';

export interface GitHubClientConfig {
  clientId: string;
  clientSecret: string;
  /** `https://github.com` (authorize, token). */
  oauthBaseUrl: string;
  /** `https://api.github.com` (user, emails). */
  apiBaseUrl: string;
  timeoutMs: number;
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * GitHub is OAuth2 without OIDC: the web flow (with PKCE S256, which GitHub supports) gives an
 * access token, then `/user` gives the stable numeric id and `/user/emails` says which addresses
 * GitHub verified. Only a verified primary address counts as verified.
 */
export class GitHubProviderClient implements OAuthProviderClient {
  constructor(private readonly config: GitHubClientConfig) {}

  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const url = new URL('/login/oauth/authorize', this.config.oauthBaseUrl);
    url.search = new URLSearchParams({
      client_id: this.config.clientId,
      redirect_uri: request.redirectUri,
      scope: 'read:user user:email',
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
      allow_signup: 'true',
    }).toString();
    return url.toString();
  }

  async exchange(exchange: CodeExchange): Promise<ExternalProfile> {
    const token = await this.request<{ access_token?: string; error?: string; error_description?: string }>(
      new URL('/login/oauth/access_token', this.config.oauthBaseUrl),
      {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: this.config.clientId,
          client_secret: this.config.clientSecret,
          code: exchange.code,
          redirect_uri: exchange.redirectUri,
          code_verifier: exchange.codeVerifier,
        }).toString(),
      },
    );
    // GitHub reports a bad code with 200 and an `error` field.
    if (!token.access_token) {
      throw new DomainError(
        'UNAUTHENTICATED',
        `github sign-in failed: ${token.error_description ?? token.error ?? 'no access token'}`,
      );
    }
    const auth = { authorization: `Bearer ${token.access_token}`, accept: 'application/vnd.github+json' };
    const user = await this.request<{ id: number; login: string; name: string | null; email: string | null }>(
      new URL('/user', this.config.apiBaseUrl),
      { headers: auth },
    );
    const emails = await this.request<GitHubEmail[]>(new URL('/user/emails', this.config.apiBaseUrl), {
      headers: auth,
    });
    const primary = emails.find((entry) => entry.primary) ?? null;
    const email = primary?.email ?? user.email;
    return {
      subject: String(user.id),
      email: email ? email.toLowerCase() : null,
      emailVerified: !!primary?.verified,
      name: user.name ?? user.login,
    };
  }

  private async request<T>(url: URL, init: RequestInit): Promise<T> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.config.timeoutMs) });
    } catch (error) {
      throw new DomainError('SERVICE_UNAVAILABLE', `github is unreachable: ${(error as Error).message}`);
    }
    if (!response.ok) {
      throw new DomainError(
        'UNAUTHENTICATED',
        `github sign-in failed: ${url.pathname} answered ${response.status}`,
      );
    }
    return (await response.json()) as T;
  }
}
