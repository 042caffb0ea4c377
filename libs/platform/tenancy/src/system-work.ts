// The pure rule of the system path (a named reason, logged), apart from system-transaction.ts so the
// mutation gate mutates this file whole instead of a line range that drifts.

/** The slice of a pino logger the tenancy lib needs. */
export interface TenancyLogger {
  info(obj: object, msg?: string): void;
}

/** Short, greppable names: `idempotency.purge-expired`, `payments.webhook.resolve-tenant`. */
const REASON = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;

/** Checks the reason's shape and logs it: every entry into the system path, joined or not. */
export function announceSystemWork(logger: TenancyLogger, reason: string): void {
  if (!REASON.test(reason)) {
    throw new Error(`runAsSystem needs a dotted reason like "billing.invoices.close-month", got "${reason}"`);
  }
  logger.info({ tenancy: 'system', reason }, 'cross-tenant database work');
}
