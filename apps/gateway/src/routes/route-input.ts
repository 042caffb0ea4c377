import type { z } from 'zod';
import { ValidationError, zodIssuesToValidationIssues, type ValidationIssue } from '@platform/errors';
import type { RpcRouteDefinition, RouteInput } from './route-definition';

export interface RawHttpInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

/**
 * Validates each part of the request against the route's schemas and reports every problem at once,
 * each path prefixed with where it was (`body.email`, `params.userId`, `query.redirectUri`).
 * A route without a schema for a part ignores that part.
 */
export function parseRouteInput(route: RpcRouteDefinition, raw: RawHttpInput): RouteInput {
  const issues: ValidationIssue[] = [];
  const parse = (part: keyof RawHttpInput, schema: z.ZodObject | undefined): Record<string, unknown> => {
    if (!schema) return {};
    // An absent body (no Content-Type) is an empty object: routes without fields need no `{}`.
    const result = schema.safeParse(raw[part] ?? {});
    if (result.success) {
      const nulPaths = pathsHoldingNul(result.data, part);
      for (const path of nulPaths) issues.push({ path, message: NUL_MESSAGE, code: 'invalid_string' });
      return result.data as Record<string, unknown>;
    }
    for (const issue of zodIssuesToValidationIssues(result.error)) {
      issues.push({ ...issue, path: issue.path ? `${part}.${issue.path}` : part });
    }
    return {};
  };
  const input: RouteInput = {
    params: parse('params', route.request.params),
    query: parse('query', route.request.query),
    body: parse('body', route.request.body),
  };
  if (issues.length > 0) throw new ValidationError(issues);
  return input;
}

/** The RPC `data`: the route's own mapping, else params over body over query. */
export function rpcDataFor(route: RpcRouteDefinition, input: RouteInput): unknown {
  return route.toData ? route.toData(input) : { ...input.query, ...input.body, ...input.params };
}

const NUL_MESSAGE = 'must not contain the NUL character';

/**
 * The last line for fields whose schema allows any text (passwords, tokens): no service can store
 * or compare a NUL character reliably (PostgreSQL refuses it in text), so none is forwarded.
 * Free-text fields get the stricter `plainText()` in their contract.
 */
function pathsHoldingNul(value: unknown, path: string, found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => pathsHoldingNul(item, `${path}.${i}`, found));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) pathsHoldingNul(item, `${path}.${key}`, found);
  }
  return found;
}
