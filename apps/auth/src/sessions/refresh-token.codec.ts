import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { randomToken, sha256Hex } from '../security/opaque-token';
import { SecretBox } from '../security/secret-box';

/**
 * Refresh tokens are opaque random strings; the database keeps only their SHA-256.
 *
 * A successor is derived, not drawn: `successor = HMAC(k, presented token)`. A client that retries a
 * refresh within the reuse grace window presents the same spent token and so gets the same
 * successor back, without the server ever storing a usable token (a stolen database holds only
 * hashes, and even with the key one needs the presented token to derive anything).
 */
@Injectable()
export class RefreshTokenCodec {
  private readonly successorKey: Buffer;

  constructor(secretBox: SecretBox) {
    this.successorKey = secretBox.deriveKey('refresh-token-successor');
  }

  fresh(): string {
    return randomToken(32);
  }

  successorOf(presented: string): string {
    return createHmac('sha256', this.successorKey).update(presented, 'utf8').digest('base64url');
  }

  hash(token: string): string {
    return sha256Hex(token);
  }
}
