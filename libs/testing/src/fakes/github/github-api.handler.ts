import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/http-io';
import type { FakeGitHubAccount, GitHubState, IssuedToken } from './github-state';

const DOCS = 'https://docs.github.com/rest';
const EMAIL_SCOPES = ['user', 'user:email'];

/** `api.github.com`: `GET /user` and `GET /user/emails` for the bearer of an issued token. */
export function githubApiHandler(state: GitHubState) {
  return (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    if (req.method !== 'GET' || (url.pathname !== '/user' && url.pathname !== '/user/emails')) {
      return sendJson(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
    }
    const issued = authenticate(req, state);
    if (!issued) {
      return sendJson(res, 401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
    }
    const scopes = issued.scope.split(',').filter(Boolean);
    const headers = { 'x-oauth-scopes': scopes.join(', ') };
    if (url.pathname === '/user') return sendJson(res, 200, userBody(issued.account), headers);

    // Without an email scope GitHub answers 404, as if the resource did not exist.
    if (!scopes.some((scope) => EMAIL_SCOPES.includes(scope))) {
      return sendJson(
        res,
        404,
        { message: 'Not Found', documentation_url: DOCS, status: '404' },
        { ...headers, 'x-accepted-oauth-scopes': EMAIL_SCOPES.join(', ') },
      );
    }
    const emails = issued.account.emails.map((entry) => ({
      ...entry,
      visibility: entry.primary ? 'private' : null,
    }));
    sendJson(res, 200, emails, headers);
  };
}

/** GitHub takes both `Bearer <token>` and the older `token <token>`. */
function authenticate(req: IncomingMessage, state: GitHubState): IssuedToken | undefined {
  const match = /^(?:bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1] ? state.findToken(match[1]) : undefined;
}

function userBody(account: FakeGitHubAccount) {
  return {
    login: account.login,
    id: account.id,
    node_id: Buffer.from(`04:User${account.id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    html_url: `https://github.com/${account.login}`,
    type: 'User',
    site_admin: false,
    name: account.name,
    email: account.publicEmail ?? null,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2020-01-01T00:00:00Z',
  };
}
