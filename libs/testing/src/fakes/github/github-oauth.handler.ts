import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readParams, redirect, sendJson } from '../http/http-io';
import type { GitHubState } from './github-state';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const ERROR_DOCS =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';

/** `github.com/login/oauth/*`: the authorize redirect and the code-for-token exchange. */
export function githubOAuthHandler(state: GitHubState, allowedRedirectUris?: string[]) {
  const redirectAllowed = (value: string) => {
    if (allowedRedirectUris) return allowedRedirectUris.includes(value);
    const url = URL.parse(value);
    return !!url && ['http:', 'https:'].includes(url.protocol) && LOOPBACK_HOSTS.has(url.hostname);
  };

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') return authorize(res, url);
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      return exchange(req, res, await readParams(req, url));
    }
    sendJson(res, 404, { message: 'Not Found' });
  };

  function authorize(res: ServerResponse, url: URL): void {
    const params = url.searchParams;
    const clientId = params.get('client_id');
    // Like GitHub, fall back to the registered callback URL when the request names none.
    const redirectUri =
      params.get('redirect_uri') ?? (allowedRedirectUris?.length === 1 ? allowedRedirectUris[0] : null);
    // GitHub shows an error page (no redirect) for an unknown app or a foreign callback URL.
    if (clientId !== state.clientId) return sendJson(res, 404, { message: 'unknown client_id' });
    if (!redirectUri || !redirectAllowed(redirectUri)) {
      return sendJson(res, 400, { message: 'The redirect_uri is not associated with this application.' });
    }
    const back = new URL(redirectUri);
    const givenState = params.get('state');
    if (givenState !== null) back.searchParams.set('state', givenState);
    const challenge = params.get('code_challenge') ?? undefined;
    const method = params.get('code_challenge_method') ?? (challenge ? 'plain' : undefined);
    if (!state.nextLogin) {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user has denied your application access.');
      return redirect(res, back.href);
    }
    if (method && method !== 'S256' && method !== 'plain') {
      back.searchParams.set('error', 'invalid_request');
      back.searchParams.set('error_description', 'Unsupported code_challenge_method.');
      return redirect(res, back.href);
    }
    const code = state.issueCode({
      clientId,
      redirectUri,
      scope: params.get('scope') ?? '',
      account: state.nextLogin,
      codeChallenge: challenge,
      codeChallengeMethod: method,
    });
    back.searchParams.set('code', code);
    redirect(res, back.href);
  }

  function exchange(req: IncomingMessage, res: ServerResponse, params: Record<string, string>): void {
    const [basicId, basicSecret] = basicCredentials(req);
    const clientId = params.client_id ?? basicId;
    const clientSecret = params.client_secret ?? basicSecret;
    const wantsJson = (req.headers.accept ?? '').includes('application/json');
    // GitHub answers token errors with 200 and an `error` field, not with a 4xx.
    const fail = (error: string, description: string) =>
      respond(res, wantsJson, { error, error_description: description, error_uri: ERROR_DOCS });

    if (clientId !== state.clientId || !safeEqual(clientSecret ?? '', state.clientSecret)) {
      return fail('incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.');
    }
    const pending = state.takeCode(params.code ?? '');
    if (!pending || pending.clientId !== clientId) {
      return fail('bad_verification_code', 'The code passed is incorrect or expired.');
    }
    if (params.redirect_uri !== undefined && params.redirect_uri !== pending.redirectUri) {
      return fail(
        'redirect_uri_mismatch',
        'The redirect_uri MUST match the registered callback URL for this application.',
      );
    }
    if (
      pending.codeChallenge &&
      !pkceMatches(params.code_verifier, pending.codeChallenge, pending.codeChallengeMethod)
    ) {
      return fail('bad_verification_code', 'The code_verifier does not match the code_challenge.');
    }
    // GitHub reports granted scopes comma-separated.
    const scope = pending.scope
      .split(/[\s,]+/)
      .filter(Boolean)
      .join(',');
    const accessToken = state.issueToken(pending.account, scope);
    respond(res, wantsJson, { access_token: accessToken, token_type: 'bearer', scope });
  }
}

/** JSON when asked for; otherwise GitHub's historical default, a form-encoded body. */
function respond(res: ServerResponse, json: boolean, body: Record<string, string>): void {
  if (json) return sendJson(res, 200, body);
  const payload = new URLSearchParams(body).toString();
  res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
  res.end(payload);
}

function basicCredentials(req: IncomingMessage): [string?, string?] {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return [];
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  return separator < 0 ? [] : [decoded.slice(0, separator), decoded.slice(separator + 1)];
}

function pkceMatches(verifier: string | undefined, challenge: string, method: string | undefined): boolean {
  if (!verifier) return false;
  const expected = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return safeEqual(expected, challenge);
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
