export const OAUTH_PROVIDERS = ['google', 'github', 'microsoft'] as const;
export type OAuthProviderName = (typeof OAUTH_PROVIDERS)[number];

/** What a provider tells us about the person who signed in. */
export interface ExternalProfile {
  /** The provider's stable id of the account (never the email: emails change and get recycled). */
  subject: string;
  email: string | null;
  /** Only true when the provider itself says it verified the address. */
  emailVerified: boolean;
  name: string | null;
}

export interface AuthorizationRequest {
  redirectUri: string;
  state: string;
  codeChallenge: string;
  nonce: string;
}

export interface CodeExchange {
  code: string;
  state: string;
  /** RFC 9207 issuer identifier from the redirect, if the client forwarded it. */
  iss?: string;
  redirectUri: string;
  codeVerifier: string;
  nonce: string;
}

/** One OAuth2/OIDC provider: builds the authorization URL and turns a returned code into a profile. */
export interface OAuthProviderClient {
  authorizationUrl(request: AuthorizationRequest): Promise<string>;
  exchange(exchange: CodeExchange): Promise<ExternalProfile>;
}
