/** The AttemptsLimiter guarding password login per client IP + email. */
export const LOGIN_ATTEMPTS = Symbol('LOGIN_ATTEMPTS');
