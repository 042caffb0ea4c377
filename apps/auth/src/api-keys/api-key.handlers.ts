import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_RPC, authContract, type AuthRequest } from '@platform/contracts';
import { IdempotentCommand } from '@platform/idempotency';
import {
  contractHandlers,
  CurrentUser,
  RequirePermission,
  type CurrentUserContext,
} from '@platform/messaging';
import { SealedResponseCodec } from '../security/sealed-response.codec';
import { toApiKeyDto } from './api-key.mapper';
import { ApiKeyService } from './api-key.service';

const Auth = contractHandlers(authContract);

/**
 * Users only: a key cannot mint or manage keys (a leaked key must not be able to perpetuate itself).
 * The permission is the token's, as the gateway checked it; the service re-checks the caller's
 * current role in the database, which stays the authority.
 */
@Controller()
export class ApiKeyHandlers {
  constructor(private readonly apiKeys: ApiKeyService) {}

  /**
   * Idempotent (Idempotency-Key): a retried creation answers the first key and secret instead of
   * minting a second key. The service's runInTenant joins the command's transaction, so the key and
   * the stored answer commit together.
   */
  @Auth.MessagePattern(AUTH_RPC.createApiKey)
  @RequirePermission('api-keys:write', { kinds: ['user'] })
  @IdempotentCommand({ responseCodec: SealedResponseCodec })
  async create(@Payload() data: AuthRequest<'auth.api-key.create'>, @CurrentUser() user: CurrentUserContext) {
    const { apiKey, secret } = await this.apiKeys.create(user, data);
    return { apiKey: toApiKeyDto(apiKey), secret };
  }

  @Auth.MessagePattern(AUTH_RPC.listApiKeys)
  @RequirePermission('api-keys:read', { kinds: ['user'] })
  async list(@Payload() data: AuthRequest<'auth.api-key.list'>, @CurrentUser() user: CurrentUserContext) {
    const { rows, nextCursor } = await this.apiKeys.list(user, data);
    return { items: rows.map(toApiKeyDto), nextCursor };
  }

  @Auth.MessagePattern(AUTH_RPC.revokeApiKey)
  @RequirePermission('api-keys:write', { kinds: ['user'] })
  async revoke(@Payload() data: AuthRequest<'auth.api-key.revoke'>, @CurrentUser() user: CurrentUserContext) {
    await this.apiKeys.revoke(user, data.apiKeyId);
    return { revoked: true as const };
  }

  /** Gateway only (no principal): resolves `x-api-key` to the key's principal. */
  @Auth.MessagePattern(AUTH_RPC.verifyApiKey)
  async verify(@Payload() data: AuthRequest<'auth.api-key.verify'>) {
    const { principal, expiresAt } = await this.apiKeys.verify(data.key);
    return { principal, expiresAt: expiresAt?.toISOString() ?? null };
  }
}
