/**
 * Monthly billing periods of the charges WE schedule (AZUL, Mercado Pago; Stripe keeps its own).
 * Calendar months in UTC, the day clamped to the month's length: Jan 31 → Feb 28 (or 29) → Mar 28.
 */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/** `YYYY-MM-DD` (UTC) of a period's start: names the period in idempotency keys and notices. */
export function periodKey(periodStart: Date): string {
  return periodStart.toISOString().slice(0, 10);
}
