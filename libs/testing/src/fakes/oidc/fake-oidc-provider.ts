import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { followAuthorizationRedirects, type AuthorizationRedirect } from '../http/follow-authorization';

/** A user at the fake provider; becomes the ID token's sub, email, email_verified and name claims. */
export interface FakeOidcAccount {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

export interface FakeOidcProviderOptions {
  clientId?: string;
  clientSecret?: string;
  /** Exact redirect URIs to allow; by default any http(s) URI on 127.0.0.1, localhost or [::1]. */
  redirectUris?: string[];
  /** How the client authenticates at the token endpoint (openid-client's default is the first). */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

export interface FakeOidcProvider {
  /** `http://127.0.0.1:<port>`; discovery at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /**
   * The account every following login signs in as, until changed; `null` makes the "user" refuse,
   * so the client is redirected back with `error=access_denied`.
   */
  setNextLogin(account: FakeOidcAccount | null): Promise<void>;
  /** Plays a fresh browser through login and consent; see followAuthorizationRedirects. */
  followAuthorization(authorizationUrl: string): Promise<AuthorizationRedirect>;
  close(): Promise<void>;
}

const CHILD_SCRIPT = join(__dirname, 'oidc-provider-process.mjs');
const STARTUP_TIMEOUT_MS = 10_000;

interface ChildReply {
  id?: number;
  type?: string;
  issuer?: string;
  ok?: boolean;
  error?: string;
}

/**
 * A real OpenID Provider (the oidc-provider package) standing in for Google and Microsoft: one
 * confidential client, authorization code flow with PKCE S256 required, scopes `openid email
 * profile`, RS256 ID tokens. It runs in a child `node` process because oidc-provider is ESM-only.
 */
export async function startFakeOidcProvider(
  options: FakeOidcProviderOptions = {},
): Promise<FakeOidcProvider> {
  const clientId = options.clientId ?? 'fake-oidc-client';
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  const childConfig = {
    clientId,
    clientSecret,
    redirectUris: options.redirectUris,
    tokenEndpointAuthMethod: options.tokenEndpointAuthMethod ?? 'client_secret_basic',
  };
  // execArgv [] keeps Jest's or tsx's loader flags away from a plain ESM script.
  const child = fork(CHILD_SCRIPT, [JSON.stringify(childConfig)], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const issuer = await waitForReady(child, () => stderr);
  const call = ipcCaller(child);

  return {
    issuer,
    clientId,
    clientSecret,
    async setNextLogin(account) {
      await call({ type: 'setNextLogin', account });
    },
    followAuthorization: (authorizationUrl) => followAuthorizationRedirects(authorizationUrl, issuer),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'close' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

function waitForReady(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`fake OIDC provider did not start: ${reason}\n${stderr()}`));
    };
    const onMessage = (message: ChildReply) => {
      if (message.type !== 'ready' || !message.issuer) return;
      cleanup();
      resolve(message.issuer);
    };
    const onExit = (code: number | null) => fail(`exited with code ${code}`);
    const onError = (error: Error) => fail(error.message);
    const timer = setTimeout(() => fail(`no answer within ${STARTUP_TIMEOUT_MS} ms`), STARTUP_TIMEOUT_MS);
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Request/reply over the IPC channel, matched by id. */
function ipcCaller(child: ChildProcess): (message: Record<string, unknown>) => Promise<void> {
  let nextId = 0;
  const pending = new Map<number, { resolve(): void; reject(error: Error): void }>();
  child.on('message', (reply: ChildReply) => {
    const waiter = reply.id === undefined ? undefined : pending.get(reply.id);
    if (!waiter || reply.id === undefined) return;
    pending.delete(reply.id);
    if (reply.error) waiter.reject(new Error(reply.error));
    else waiter.resolve();
  });
  child.once('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('fake OIDC provider exited'));
    pending.clear();
  });
  return (message) =>
    new Promise((resolve, reject) => {
      nextId += 1;
      pending.set(nextId, { resolve, reject });
      child.send({ ...message, id: nextId });
    });
}
