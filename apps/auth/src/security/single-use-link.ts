import { IsNull, type DataSource, type EntityTarget } from 'typeorm';
import { randomToken, sha256Hex } from './opaque-token';

/** The columns every emailed single-use token table has (password reset, email verification). */
interface SingleUseTokenRow {
  userId: string;
  tokenHash: string;
  expiresAt: Date;
  usedAt: Date | null;
}

/**
 * A fresh emailed link token for `userId`, stored hashed; only the newest works: the user's unused
 * ones are spent in the same transaction, so asking again invalidates every earlier link.
 */
export async function issueSingleUseToken(
  dataSource: DataSource,
  entity: EntityTarget<SingleUseTokenRow>,
  userId: string,
  now: Date,
  expiresAt: Date,
): Promise<string> {
  const token = randomToken(32);
  await dataSource.transaction(async (manager) => {
    await manager.update(entity, { userId, usedAt: IsNull() }, { usedAt: now });
    await manager.insert(entity, { userId, tokenHash: sha256Hex(token), expiresAt });
  });
  return token;
}
