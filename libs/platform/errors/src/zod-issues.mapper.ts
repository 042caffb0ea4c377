import type { ZodError } from 'zod';
import type { ValidationIssue } from './validation-issue';

/** Flattens zod issues to the wire shape; `['body', 'items', 0, 'sku']` becomes `body.items.0.sku`. */
export function zodIssuesToValidationIssues(error: ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path
      .map((segment) => (typeof segment === 'symbol' ? String(segment.description) : String(segment)))
      .join('.'),
    message: issue.message,
    code: issue.code,
  }));
}
