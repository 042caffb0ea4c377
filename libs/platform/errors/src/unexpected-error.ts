import { randomUUID } from 'node:crypto';
import { RemoteError } from './remote.error';

/** Called with the id the client will see, so the stack can be logged under the same id. */
export type OnUnexpectedError = (errorId: string, err: unknown) => void;

/** What clients read for any internal failure: nothing about the cause, only the id to quote. */
export const INTERNAL_ERROR_MESSAGE = 'Internal error';

/**
 * The id under which an internal failure is logged. A RemoteError that already has one keeps it (the
 * stack was logged by the service where it happened); otherwise a fresh id is reported here.
 */
export function errorIdFor(err: unknown, onUnexpected?: OnUnexpectedError): string {
  if (err instanceof RemoteError && err.errorId !== undefined) return err.errorId;
  const errorId = randomUUID();
  onUnexpected?.(errorId, err);
  return errorId;
}
