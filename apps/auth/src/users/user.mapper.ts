import type { AuthResult } from '@platform/contracts';
import type { UserEntity } from './user.entity';

export type UserDto = AuthResult<'auth.profile.get'>['user'];

export function toUserDto(user: UserEntity): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    emailVerified: user.emailVerified,
    totpEnabled: user.totpEnabled,
    createdAt: user.createdAt.toISOString(),
  };
}
