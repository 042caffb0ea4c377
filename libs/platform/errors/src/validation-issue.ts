/** One field-level problem, shared by zod failures, RPC payloads and the `errors` member of problem+json. */
export interface ValidationIssue {
  /** Dot-joined location, e.g. `body.email` or `items.0.quantity`; empty for the root value. */
  path: string;
  message: string;
  /** Machine-readable reason (zod issue codes such as `invalid_type`, `too_small`). */
  code: string;
}

/** Reads `{ issues }` out of untrusted details (they may have come over RPC), keeping only well-formed issues. */
export function readValidationIssues(details: unknown): ValidationIssue[] | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const issues = (details as { issues?: unknown }).issues;
  if (!Array.isArray(issues)) return undefined;
  return issues.filter(isValidationIssue).map(({ path, message, code }) => ({ path, message, code }));
}

function isValidationIssue(value: unknown): value is ValidationIssue {
  if (typeof value !== 'object' || value === null) return false;
  const { path, message, code } = value as Record<string, unknown>;
  return typeof path === 'string' && typeof message === 'string' && typeof code === 'string';
}
