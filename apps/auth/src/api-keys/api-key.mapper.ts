import type { AuthResult } from '@platform/contracts';
import type { ApiKeyEntity } from './api-key.entity';

export type ApiKeyDto = AuthResult<'auth.api-key.create'>['apiKey'];

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toApiKeyDto(key: ApiKeyEntity): ApiKeyDto {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    expiresAt: iso(key.expiresAt),
    lastUsedAt: iso(key.lastUsedAt),
    createdAt: key.createdAt.toISOString(),
    revokedAt: iso(key.revokedAt),
  };
}
