import type { FakeGitHub } from './github/fake-github';
import type { FakeOidcProvider } from './oidc/fake-oidc-provider';

/** The auth service's OAuth settings pointing at the local fakes, for Google, Microsoft and GitHub. */
export function oauthEnvFor(fakes: {
  google: FakeOidcProvider;
  microsoft: FakeOidcProvider;
  github: FakeGitHub;
}): Record<string, string> {
  const { google, microsoft, github } = fakes;
  return {
    OAUTH_GOOGLE_ISSUER: google.issuer,
    OAUTH_GOOGLE_CLIENT_ID: google.clientId,
    OAUTH_GOOGLE_CLIENT_SECRET: google.clientSecret,
    OAUTH_MICROSOFT_ISSUER: microsoft.issuer,
    OAUTH_MICROSOFT_CLIENT_ID: microsoft.clientId,
    OAUTH_MICROSOFT_CLIENT_SECRET: microsoft.clientSecret,
    OAUTH_GITHUB_CLIENT_ID: github.clientId,
    OAUTH_GITHUB_CLIENT_SECRET: github.clientSecret,
    GITHUB_OAUTH_BASE_URL: github.baseUrl,
    GITHUB_API_BASE_URL: github.apiBaseUrl,
  };
}
