import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { REDIS } from '@platform/redis';
import type { AuthEnv } from '../config/auth-env.schema';
import { sha256Hex } from '../security/opaque-token';
import type { OAuthProviderName } from './oauth-provider.port';

/** What the callback must match: kept server-side, keyed by the state the browser carries. */
export interface PendingAuthorization {
  provider: OAuthProviderName;
  redirectUri: string;
  codeVerifier: string;
  nonce: string;
}

/** OAuth `state` → pending authorization, in Redis with a TTL; a state is consumed exactly once. */
@Injectable()
export class OAuthStateStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
  ) {}

  private key(state: string): string {
    return `auth:oauth:state:${sha256Hex(state)}`;
  }

  async save(state: string, pending: PendingAuthorization): Promise<void> {
    await this.redis.set(this.key(state), JSON.stringify(pending), 'EX', this.config.OAUTH_STATE_TTL_SECONDS);
  }

  /** GETDEL: a replayed callback (or a second tab) finds nothing. */
  async take(state: string): Promise<PendingAuthorization | null> {
    const raw = await this.redis.getdel(this.key(state));
    return raw ? (JSON.parse(raw) as PendingAuthorization) : null;
  }
}
