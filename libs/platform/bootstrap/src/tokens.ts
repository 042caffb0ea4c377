/** The validated config of the running service (`z.infer` of its env schema). */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
/** The service's pino logger. */
export const LOGGER = Symbol('LOGGER');
