import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { followAuthorizationRedirects, type AuthorizationRedirect } from '../http/follow-authorization';
import { closeServer, listenOnLoopback } from '../http/listen';
import { sendJson } from '../http/http-io';
import { githubApiHandler } from './github-api.handler';
import { githubOAuthHandler } from './github-oauth.handler';
import { GitHubState, type FakeGitHubAccount } from './github-state';

export interface FakeGitHubOptions {
  clientId?: string;
  clientSecret?: string;
  /** Exact callback URLs to allow; by default any http(s) URL on 127.0.0.1, localhost or [::1]. */
  redirectUris?: string[];
}

export interface FakeGitHub {
  /** Stands for `https://github.com`: `<baseUrl>/login/oauth/authorize` and `/login/oauth/access_token`. */
  baseUrl: string;
  /** Stands for `https://api.github.com`: `<apiBaseUrl>/user` and `/user/emails`. */
  apiBaseUrl: string;
  clientId: string;
  clientSecret: string;
  /** The account every following authorization signs in as; `null` makes the user deny access. */
  setNextLogin(account: FakeGitHubAccount | null): Promise<void>;
  /** Plays the browser at the authorize endpoint; resolves with the redirect_uri's code and state. */
  followAuthorization(authorizationUrl: string): Promise<AuthorizationRedirect>;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

function serve(handler: Handler) {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    Promise.resolve(handler(req, res, url)).catch((error: Error) => {
      if (!res.headersSent) sendJson(res, 400, { message: `fake GitHub: ${error.message}` });
      else res.destroy(error);
    });
  });
}

/**
 * A fake of GitHub's OAuth web flow and the two REST calls a login needs. OAuth and API live on
 * two servers, as github.com and api.github.com do, so mixing up the base URLs fails a test.
 */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const state = new GitHubState(
    options.clientId ?? 'fake-github-client',
    options.clientSecret ?? randomBytes(20).toString('hex'),
  );
  const oauthServer = serve(githubOAuthHandler(state, options.redirectUris));
  const apiServer = serve(githubApiHandler(state));
  const [oauthPort, apiPort] = await Promise.all([
    listenOnLoopback(oauthServer),
    listenOnLoopback(apiServer),
  ]);
  const baseUrl = `http://127.0.0.1:${oauthPort}`;

  return {
    baseUrl,
    apiBaseUrl: `http://127.0.0.1:${apiPort}`,
    clientId: state.clientId,
    clientSecret: state.clientSecret,
    // Async like the OIDC fake's, so a test can treat every provider alike.
    async setNextLogin(account) {
      state.nextLogin = account;
    },
    followAuthorization: (authorizationUrl) => followAuthorizationRedirects(authorizationUrl, baseUrl),
    async close() {
      await Promise.all([closeServer(oauthServer), closeServer(apiServer)]);
    },
  };
}
