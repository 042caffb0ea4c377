/** What an authorization endpoint sent back to the client's redirect_uri. */
export interface AuthorizationRedirect {
  code: string;
  /** The `state` echoed by the provider; empty when the request carried none. */
  state: string;
  /** The full redirect_uri URL with its query, for a test to GET against the app under test. */
  redirectedTo: string;
}

/** The provider redirected back with `error=...` (for example the user refused: access_denied). */
export class AuthorizationDeniedError extends Error {
  constructor(
    readonly error: string,
    readonly errorDescription: string | undefined,
    readonly state: string | undefined,
    readonly redirectedTo: string,
  ) {
    super(`authorization failed with ${error}${errorDescription ? `: ${errorDescription}` : ''}`);
    this.name = 'AuthorizationDeniedError';
  }
}

const MAX_HOPS = 15;

/** A per-flow cookie jar keyed by origin; path and expiry are ignored, which the fakes never need. */
class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  store(origin: string, setCookies: string[]): void {
    const cookies = this.byOrigin.get(origin) ?? new Map<string, string>();
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';');
      const separator = pair.indexOf('=');
      if (separator <= 0) continue;
      const name = pair.slice(0, separator).trim();
      const expired = attributes.some((attribute) => /^\s*max-age\s*=\s*0\s*$/i.test(attribute));
      if (expired) cookies.delete(name);
      else cookies.set(name, pair.slice(separator + 1).trim());
    }
    this.byOrigin.set(origin, cookies);
  }

  header(origin: string): string | undefined {
    const cookies = this.byOrigin.get(origin);
    if (!cookies?.size) return undefined;
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * Plays the browser of a non-interactive login: GETs `authorizationUrl`, follows the provider's own
 * redirects (interaction and resume hops) with a fresh cookie jar, and stops at the first redirect
 * that leaves `providerOrigin`, which is the client's redirect_uri. That URL is not fetched: the
 * test decides how to call the app under test with it.
 */
export async function followAuthorizationRedirects(
  authorizationUrl: string,
  providerOrigin: string,
): Promise<AuthorizationRedirect> {
  const jar = new CookieJar();
  let current = new URL(authorizationUrl);
  for (let hop = 0; hop < MAX_HOPS; hop += 1) {
    const cookie = jar.header(current.origin);
    const response = await fetch(current, {
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
    });
    jar.store(current.origin, response.headers.getSetCookie());
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      const body = (await response.text()).slice(0, 800);
      throw new Error(`expected a redirect from ${current.href}, got ${response.status}: ${body}`);
    }
    await response.body?.cancel();
    const next = new URL(location, current);
    if (next.origin !== providerOrigin) return toAuthorizationRedirect(next);
    current = next;
  }
  throw new Error(`authorization did not reach the redirect_uri within ${MAX_HOPS} redirects`);
}

function toAuthorizationRedirect(url: URL): AuthorizationRedirect {
  const params = url.searchParams;
  const error = params.get('error');
  if (error) {
    throw new AuthorizationDeniedError(
      error,
      params.get('error_description') ?? undefined,
      params.get('state') ?? undefined,
      url.href,
    );
  }
  const code = params.get('code');
  if (!code) throw new Error(`redirect to ${url.href} carries neither code nor error`);
  return { code, state: params.get('state') ?? '', redirectedTo: url.href };
}
