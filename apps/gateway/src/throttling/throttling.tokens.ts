/** The LoginGuard slowing password guessing per account, address and known device. */
export const LOGIN_ATTEMPTS = Symbol('LOGIN_ATTEMPTS');
