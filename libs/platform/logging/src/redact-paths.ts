/**
 * Secrets that must never reach log storage. `*.x` matches one level down (`body.password`), so the
 * top-level names are listed too: a secret logged as `{ token }` is as bad as `{ body: { token } }`.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'password',
  'secret',
  'token',
  'refreshToken',
  '*.password',
  '*.secret',
  '*.token',
  '*.refreshToken',
];

export const REDACT_CENSOR = '[redacted]';
