import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import type { PlanCode, Role } from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { AuthEnv } from '../config/auth-env.schema';
import { Clock } from '../shared/clock';
import { SigningKeyService } from '../signing-keys/signing-key.service';

export interface AccessTokenSubject {
  userId: string;
  organizationId: string;
  role: Role;
  plan: PlanCode;
  sessionId: string;
}

/** Mints the RS256 access tokens the gateway verifies locally (claims: see accessTokenClaimsSchema). */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeyService,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
  ) {}

  get ttlSeconds(): number {
    return this.config.JWT_ACCESS_TTL_SECONDS;
  }

  async issue(subject: AccessTokenSubject): Promise<{ token: string; jti: string }> {
    const { kid, privateKey } = await this.keys.current();
    const jti = randomUUID();
    const iat = this.clock.nowSeconds();
    const token = await new SignJWT({
      org: subject.organizationId,
      roles: [subject.role],
      plan: subject.plan,
      sid: subject.sessionId,
    })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setSubject(subject.userId)
      .setJti(jti)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.config.JWT_ACCESS_TTL_SECONDS)
      .sign(privateKey);
    return { token, jti };
  }
}
