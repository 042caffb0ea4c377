import type { Pool, QueryResult, QueryResultRow } from 'pg';
import { escapeLiteral } from 'pg';
import type { DataSource } from 'typeorm';
import { ForbiddenError } from '@platform/errors';
import { isUuid, TENANT_SETTING } from './tenant-setting';

const PLACEHOLDER = /\$(\d+)/g;

/**
 * One read-only SELECT under the tenant's row-level security in ONE round trip, where
 * `runInTenant` takes four (BEGIN, set_config, the query, COMMIT). The set_config and the query go
 * as one simple-protocol message: PostgreSQL runs the statements of one such message as a single
 * implicit transaction, so the transaction-local tenant setting applies to the query and is gone
 * when the message completes (commit or error): the pooled connection goes back tenant-less, exactly
 * as after `runInTenant`. The simple protocol has no bind parameters, so `$n` placeholders are
 * replaced by escaped string literals (pg's escapeLiteral); `sql` must be a constant with no `$n`
 * inside its own literals. For hot single-statement reads only (a profile look-up); anything that
 * writes, or runs several queries, uses runInTenant.
 */
export async function readInTenant<R extends QueryResultRow>(
  dataSource: DataSource,
  organizationId: string,
  sql: string,
  params: readonly string[],
): Promise<R[]> {
  if (!isUuid(organizationId)) throw new ForbiddenError('The organization id is not valid');
  const query = sql.replace(PLACEHOLDER, (_, index: string) => {
    const value = params[Number(index) - 1];
    if (typeof value !== 'string') throw new Error(`readInTenant: no string value for $${index}`);
    return escapeLiteral(value);
  });
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const results = (await pool.query(
    `SELECT set_config(${escapeLiteral(TENANT_SETTING)}, ${escapeLiteral(organizationId)}, true);\n${query}`,
  )) as unknown as QueryResult<R>[];
  return results[1].rows;
}
