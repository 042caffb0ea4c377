import { Injectable } from '@nestjs/common';
import { AUTH_RPC } from '@platform/contracts';
import { AuthRpc } from '../shared/auth-rpc.decorator';
import { requireUser } from '../shared/principal.guard';
import type { AuthEnvelope, AuthResult } from '../shared/rpc-types';
import { toApiKeyDto } from './api-key.mapper';
import { ApiKeyService } from './api-key.service';

@Injectable()
export class ApiKeyHandlers {
  constructor(private readonly apiKeys: ApiKeyService) {}

  /** Users only: a key cannot mint keys (a leaked key must not be able to perpetuate itself). */
  @AuthRpc(AUTH_RPC.createApiKey)
  async create(envelope: AuthEnvelope<'auth.api-key.create'>): Promise<AuthResult<'auth.api-key.create'>> {
    const { apiKey, secret } = await this.apiKeys.create(requireUser(envelope), envelope.data);
    return { apiKey: toApiKeyDto(apiKey), secret };
  }

  @AuthRpc(AUTH_RPC.listApiKeys)
  async list(envelope: AuthEnvelope<'auth.api-key.list'>): Promise<AuthResult<'auth.api-key.list'>> {
    const { rows, nextCursor } = await this.apiKeys.list(requireUser(envelope), envelope.data);
    return { items: rows.map(toApiKeyDto), nextCursor };
  }

  @AuthRpc(AUTH_RPC.revokeApiKey)
  async revoke(envelope: AuthEnvelope<'auth.api-key.revoke'>): Promise<AuthResult<'auth.api-key.revoke'>> {
    await this.apiKeys.revoke(requireUser(envelope), envelope.data.apiKeyId);
    return { revoked: true };
  }

  /** Gateway only (no principal): resolves `x-api-key` to the key's principal. */
  @AuthRpc(AUTH_RPC.verifyApiKey)
  async verify(envelope: AuthEnvelope<'auth.api-key.verify'>): Promise<AuthResult<'auth.api-key.verify'>> {
    const { principal, expiresAt } = await this.apiKeys.verify(envelope.data.key);
    return { principal, expiresAt: expiresAt?.toISOString() ?? null };
  }
}
