import { Injectable } from '@nestjs/common';
import type { ResponseCodec } from '@platform/idempotency';
import { SecretBox } from './secret-box';

/**
 * Seals a command's answer in the idempotency ledgers (AES-256-GCM under a key derived from
 * KEY_ENCRYPTION_KEY), for answers that hold a secret shown once — a new API key: a replay must give
 * the same secret back, yet auth otherwise keeps only the key's SHA-256, and a database dump must not
 * hand out 24 hours of fresh keys.
 */
@Injectable()
export class SealedResponseCodec implements ResponseCodec {
  private readonly box: SecretBox;

  constructor(secrets: SecretBox) {
    this.box = new SecretBox(secrets.deriveKey('idempotency-response'));
  }

  seal(response: unknown, context: string): string {
    return this.box.seal(JSON.stringify(response), context);
  }

  open(stored: unknown, context: string): unknown {
    return JSON.parse(this.box.open(String(stored), context)) as unknown;
  }
}
