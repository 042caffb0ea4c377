import type { RouteHook } from '../routes/route-hooks';
import { DEVICE_TOKEN_HEADER, type LoginAttempt, type LoginGuard } from './login-guard';

/** The password-login route's id, which gets the guard. */
export const LOGIN_ROUTE_ID = 'auth.login';

/**
 * The LoginGuard around a password login: admits the attempt for the account named by `emailField`
 * of the body (or answers 429 with its delay), hands out the device token on success, and refunds
 * an attempt the service never judged (a guess that got no verdict is not held against the caller).
 */
export function loginGuardHook(guard: LoginGuard, emailField = 'email'): RouteHook<LoginAttempt> {
  return {
    before: (input, request, reply) =>
      guard.admit(
        String(input.body[emailField]),
        request.clientIp,
        request.headers[DEVICE_TOKEN_HEADER],
        reply,
      ),
    succeeded: async (attempt, reply) => {
      const deviceToken = await guard.succeeded(attempt);
      if (deviceToken) void reply.header(DEVICE_TOKEN_HEADER, deviceToken);
    },
    failed: async (attempt, serviceFailed) => {
      if (serviceFailed) await guard.refund(attempt);
    },
  };
}
