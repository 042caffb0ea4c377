import type { ErrorCode } from '@platform/contracts';
import { ZodError } from 'zod';
import { DomainError } from './domain.error';
import { mapFrameworkError } from './framework-error.mapper';
import { catalogEntryFor, problemTypeFor, type LimitDetails, type ProblemDetails } from './problem-details';
import { errorIdFor, INTERNAL_ERROR_MESSAGE, type OnUnexpectedError } from './unexpected-error';
import { readValidationIssues, type ValidationIssue } from './validation-issue';
import { zodIssuesToValidationIssues } from './zod-issues.mapper';

export interface ProblemContext {
  /** The request path (without the query string, which may carry tokens). */
  instance: string;
  requestId: string;
  onUnexpected?: OnUnexpectedError;
}

/** What an error says, before the catalog turns its code into type, title and status. */
interface Classified {
  code: ErrorCode;
  detail: string;
  errors?: ValidationIssue[];
  errorId?: string;
  retryAfterSeconds?: number;
  limit?: LimitDetails;
}

/**
 * The one mapper from anything thrown to problem+json. Domain codes, zod failures and framework
 * errors are named; everything else becomes INTERNAL with an errorId, reported through
 * `onUnexpected` so the stack is logged under the id the client sees.
 */
export function toProblemDetails(err: unknown, ctx: ProblemContext): ProblemDetails {
  const classified = classify(err, ctx.onUnexpected);
  const entry = catalogEntryFor(classified.code);
  const problem: ProblemDetails = {
    type: problemTypeFor(classified.code),
    title: entry.title,
    status: entry.status,
    detail: classified.detail,
    instance: ctx.instance,
    code: classified.code,
    requestId: ctx.requestId,
  };
  if (classified.errors !== undefined) problem.errors = classified.errors;
  if (classified.errorId !== undefined) problem.errorId = classified.errorId;
  if (classified.retryAfterSeconds !== undefined) problem.retryAfterSeconds = classified.retryAfterSeconds;
  if (classified.limit !== undefined) problem.limit = classified.limit;
  return problem;
}

function classify(err: unknown, onUnexpected: OnUnexpectedError | undefined): Classified {
  if (err instanceof ZodError) {
    return {
      code: 'VALIDATION_FAILED',
      detail: 'The request is invalid',
      errors: zodIssuesToValidationIssues(err),
    };
  }
  if (err instanceof DomainError) {
    if (err.code === 'INTERNAL') return internal(err, onUnexpected);
    const classified: Classified = { code: err.code, detail: err.message };
    if (err.code === 'VALIDATION_FAILED') classified.errors = readValidationIssues(err.details) ?? [];
    const retryAfterSeconds = readRetryAfterSeconds(err.details);
    if (retryAfterSeconds !== undefined) classified.retryAfterSeconds = retryAfterSeconds;
    if (err.code === 'PLAN_LIMIT_REACHED' || err.code === 'ACCOUNT_LIMIT_REACHED') {
      const limit = readLimitDetails(err.details);
      if (limit) classified.limit = limit;
    }
    return classified;
  }
  return mapFrameworkError(err) ?? internal(err, onUnexpected);
}

function internal(err: unknown, onUnexpected: OnUnexpectedError | undefined): Classified {
  return { code: 'INTERNAL', detail: INTERNAL_ERROR_MESSAGE, errorId: errorIdFor(err, onUnexpected) };
}

/** Rate limits and plan limits put `retryAfterSeconds` in details; only a positive finite number is used. */
function readRetryAfterSeconds(details: unknown): number | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const value = (details as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value) : undefined;
}

/** Only the known fields of a limit, so nothing else a service put in details reaches the client. */
function readLimitDetails(details: unknown): LimitDetails | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const limit = (details as { limit?: unknown }).limit;
  if (typeof limit !== 'object' || limit === null) return undefined;
  const { name, plan, max, usage } = limit as Record<string, unknown>;
  if (typeof name !== 'string' || typeof max !== 'number' || typeof usage !== 'number') return undefined;
  return { name, ...(typeof plan === 'string' ? { plan } : {}), max, usage };
}
