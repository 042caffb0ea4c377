import { QueryFailedError } from 'typeorm';

/** PostgreSQL `unique_violation`, optionally on one named constraint/index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && (!constraint || driverError.constraint === constraint);
}

/**
 * Rows of an `UPDATE/DELETE ... RETURNING` run through `manager.query`: TypeORM's PostgreSQL driver
 * answers `[rows, rowCount]` for those statements and plain `rows` for the others.
 */
export function returnedRows<T>(result: unknown): T[] {
  const value = result as unknown[];
  return (Array.isArray(value[0]) ? value[0] : value) as T[];
}
