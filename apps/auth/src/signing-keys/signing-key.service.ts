import { createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { calculateJwkThumbprint } from 'jose';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { Jwks } from '@platform/contracts';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import type { AuthEnv } from '../config/auth-env.schema';
import { SecretBox } from '../security/secret-box';
import { Clock } from '../shared/clock';
import { nextKeyActivation, publishedKeys, signingKeyAt, type SchedulePolicy } from './key-schedule';
import { SigningKeyEntity } from './signing-key.entity';

const generateRsaKeyPair = promisify(generateKeyPair);
/** Any fixed number: replicas rotating at once serialize on it. */
const ROTATION_LOCK_KEY = 7_251_004_301;

export interface ActiveSigningKey {
  kid: string;
  privateKey: KeyObject;
}

/**
 * The RS256 signing keys, kept in the database (private halves sealed) so every replica signs with
 * the same key and the JWKS survives restarts. Each replica reloads them every check interval and
 * rotates when due, under an advisory lock so only one creates the successor.
 */
@Injectable()
export class SigningKeyService implements OnModuleInit, OnApplicationShutdown {
  private keys: SigningKeyEntity[] = [];
  private readonly privateKeys = new Map<string, KeyObject>();
  private readonly policy: SchedulePolicy;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly secretBox: SecretBox,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.policy = {
      rotationSeconds: config.JWT_KEY_ROTATION_SECONDS,
      prepublishSeconds: Math.min(config.JWT_KEY_PREPUBLISH_SECONDS, config.JWT_KEY_ROTATION_SECONDS),
      accessTtlSeconds: config.JWT_ACCESS_TTL_SECONDS,
      retireGraceSeconds: config.JWT_KEY_RETIRE_GRACE_SECONDS,
    };
  }

  async onModuleInit(): Promise<void> {
    await this.check();
    // Fail the start, not the first login, when the key-encryption key cannot open the keys.
    try {
      await this.current();
    } catch (error) {
      throw new Error(
        `The signing keys cannot be decrypted: KEY_ENCRYPTION_KEY is not the key they were sealed with (${(error as Error).message})`,
      );
    }
    this.timer = setInterval(() => {
      this.check().catch((error: unknown) => this.logger.error({ err: error }, 'signing key check failed'));
    }, this.config.JWT_KEY_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The key to sign with now; reloads (and rotates) first if the cached set has none. */
  async current(): Promise<ActiveSigningKey> {
    let key = signingKeyAt(this.keys, this.clock.now());
    if (!key) {
      await this.check();
      key = signingKeyAt(this.keys, this.clock.now());
    }
    if (!key) throw new Error('No signing key is active');
    return { kid: key.kid, privateKey: this.privateKeyOf(key) };
  }

  jwks(): Jwks {
    const keys = publishedKeys(this.keys, this.clock.now(), this.policy);
    return {
      keys: keys.map((key) => ({
        kty: 'RSA' as const,
        use: 'sig' as const,
        alg: 'RS256' as const,
        kid: key.kid,
        n: key.publicJwk.n!,
        e: key.publicJwk.e!,
      })),
    };
  }

  /** Reloads the keys and rotates when due. Concurrent calls share one run. */
  check(): Promise<void> {
    this.checking ??= this.rotateIfDue().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async rotateIfDue(): Promise<void> {
    this.keys = await this.dataSource.manager.find(SigningKeyEntity);
    const now = this.clock.now();
    if (!nextKeyActivation(this.keys, now, this.policy) && this.prunable(now).length === 0) return;
    this.keys = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ROTATION_LOCK_KEY]);
      const keys = await manager.find(SigningKeyEntity);
      const lockedNow = this.clock.now();
      const activatesAt = nextKeyActivation(keys, lockedNow, this.policy);
      if (activatesAt) {
        const key = await this.createKey(activatesAt);
        await manager.insert(SigningKeyEntity, key);
        keys.push(key);
        this.logger.info({ kid: key.kid, activatesAt }, 'signing key created');
      }
      const published = new Set(publishedKeys(keys, lockedNow, this.policy).map((key) => key.kid));
      const retired = keys.filter((key) => !published.has(key.kid));
      if (retired.length > 0) {
        await manager.delete(
          SigningKeyEntity,
          retired.map((key) => key.kid),
        );
        this.logger.info({ kids: retired.map((key) => key.kid) }, 'retired signing keys deleted');
      }
      return keys.filter((key) => published.has(key.kid));
    });
  }

  private prunable(now: Date): SigningKeyEntity[] {
    const published = new Set(publishedKeys(this.keys, now, this.policy).map((key) => key.kid));
    return this.keys.filter((key) => !published.has(key.kid));
  }

  private async createKey(activatesAt: Date): Promise<SigningKeyEntity> {
    const { publicKey, privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' }) as { kty: 'RSA'; n: string; e: string };
    // RFC 7638 thumbprint: a stable kid derived from the key itself.
    const kid = await calculateJwkThumbprint({ kty: jwk.kty, n: jwk.n, e: jwk.e });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    return Object.assign(new SigningKeyEntity(), {
      kid,
      publicJwk: { kty: 'RSA', n: jwk.n, e: jwk.e },
      privateKeyEncrypted: this.secretBox.seal(pem, `signing-key:${kid}`),
      activatesAt,
      createdAt: this.clock.now(),
    });
  }

  private privateKeyOf(key: SigningKeyEntity): KeyObject {
    let privateKey = this.privateKeys.get(key.kid);
    if (!privateKey) {
      privateKey = createPrivateKey(this.secretBox.open(key.privateKeyEncrypted, `signing-key:${key.kid}`));
      this.privateKeys.set(key.kid, privateKey);
    }
    return privateKey;
  }
}
