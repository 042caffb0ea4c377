import { ERROR_CATALOG, PROBLEM_TYPE_BASE, type ErrorCode } from '@platform/contracts';
import type { ValidationIssue } from './validation-issue';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * RFC 9457 problem details as the gateway sends them. `type`, `title` and `status` come from the
 * catalog entry of `code`; the rest are extension members clients may rely on.
 */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  requestId: string;
  /** Field-level issues, present for VALIDATION_FAILED. */
  errors?: ValidationIssue[];
  /** Present for internal errors: the id under which the cause was logged. */
  errorId?: string;
  /** Mirrors the Retry-After header for clients that only read the body. */
  retryAfterSeconds?: number;
  /** PLAN_LIMIT_REACHED / ACCOUNT_LIMIT_REACHED: which cap was hit, its maximum and the usage. */
  limit?: LimitDetails;
}

export interface LimitDetails {
  name: string;
  plan?: string;
  max: number;
  usage: number;
}

/** `RATE_LIMITED` becomes `<base>rate-limited`: stable, documented URIs per code. */
export function problemTypeFor(code: ErrorCode): string {
  return `${PROBLEM_TYPE_BASE}${code.toLowerCase().replace(/_/g, '-')}`;
}

/** The catalog is typed by ErrorCode, so every code has an entry: the lookup is exhaustive by construction. */
export function catalogEntryFor(code: ErrorCode): { status: number; title: string } {
  return ERROR_CATALOG[code];
}
