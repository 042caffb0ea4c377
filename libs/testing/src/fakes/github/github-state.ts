import { randomBytes } from 'node:crypto';

export interface FakeGitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/** A GitHub user as the fake serves it from `/user` and `/user/emails`. */
export interface FakeGitHubAccount {
  id: number;
  login: string;
  name: string | null;
  emails: FakeGitHubEmail[];
  /** The profile's public email shown in `/user`; GitHub returns null unless the user made one public. */
  publicEmail?: string | null;
}

export interface PendingCode {
  clientId: string;
  redirectUri: string;
  scope: string;
  account: FakeGitHubAccount;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAt: number;
}

export interface IssuedToken {
  account: FakeGitHubAccount;
  scope: string;
}

/** GitHub's codes expire after ten minutes. */
const CODE_TTL_MS = 10 * 60 * 1000;

/** In-memory state of one fake GitHub: who logs in next, codes awaiting exchange, issued tokens. */
export class GitHubState {
  nextLogin: FakeGitHubAccount | null = null;
  private readonly codes = new Map<string, PendingCode>();
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
  ) {}

  issueCode(pending: Omit<PendingCode, 'expiresAt'>): string {
    const code = randomBytes(10).toString('hex');
    this.codes.set(code, { ...pending, expiresAt: Date.now() + CODE_TTL_MS });
    return code;
  }

  /** Codes are single use: taking one removes it whether or not the exchange then succeeds. */
  takeCode(code: string): PendingCode | undefined {
    const pending = this.codes.get(code);
    this.codes.delete(code);
    return pending && pending.expiresAt > Date.now() ? pending : undefined;
  }

  issueToken(account: FakeGitHubAccount, scope: string): string {
    // Same shape as GitHub's OAuth user tokens: `gho_` and 36 base62 characters.
    const token = `gho_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
    this.tokens.set(token, { account, scope });
    return token;
  }

  findToken(token: string): IssuedToken | undefined {
    return this.tokens.get(token);
  }
}
