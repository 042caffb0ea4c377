/** JSON Schema of RFC 9457 problem details as @platform/errors sends them. */
export const PROBLEM_DETAILS_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'Stable URI of the error code' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'What went wrong, for humans' },
    instance: { type: 'string', description: 'The request path' },
    code: { type: 'string', description: 'Stable machine-readable code (ERROR_CATALOG)' },
    requestId: { type: 'string', description: 'Echoes x-request-id; quote it when reporting a problem' },
    errors: {
      type: 'array',
      description: 'Field-level issues (VALIDATION_FAILED)',
      items: {
        type: 'object',
        required: ['path', 'message', 'code'],
        properties: {
          path: { type: 'string', examples: ['body.email', 'params.userId'] },
          message: { type: 'string' },
          code: { type: 'string', examples: ['invalid_format', 'too_small'] },
        },
      },
    },
    errorId: { type: 'string', description: 'Internal errors only: the id under which the cause was logged' },
    retryAfterSeconds: { type: 'integer', description: 'Mirrors Retry-After' },
    limit: {
      type: 'object',
      description: 'PLAN_LIMIT_REACHED / ACCOUNT_LIMIT_REACHED: which cap, its maximum and the current usage',
      required: ['name', 'max', 'usage'],
      properties: {
        name: { type: 'string', examples: ['apiKeys', 'ownedOrganizations'] },
        plan: { type: 'string', description: 'The organization’s plan, for plan limits' },
        max: { type: 'integer' },
        usage: { type: 'integer' },
      },
    },
  },
} as const;
