import type { EntityManager } from 'typeorm';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Prepaid months (Mercado Pago) are renewed by paying the next one: from RECURRING_NOTICE_DAYS
 * before the current month ends the reminder goes out and a checkout of the same plan is accepted,
 * buying the month that starts when this one ends (a renewal paid ahead).
 */
export function renewalWindowOpensAt(periodEnd: Date, noticeDays: number): Date {
  return new Date(periodEnd.getTime() - noticeDays * DAY_MS);
}

/** The latest month end whose renewal window is open at `now` (the inverse of renewalWindowOpensAt). */
export function lastPeriodEndInWindow(now: Date, noticeDays: number): Date {
  return new Date(now.getTime() + noticeDays * DAY_MS);
}

export interface PaidAheadMonth {
  periodEnd: Date;
  /** The charge's provider version (its last update), so a redelivery of it changes nothing. */
  providerVersion: number;
}

/**
 * The month starting at `periodStart` when it is paid already (a paid invoice of that period whose
 * money was not given back), in the caller's tenant transaction.
 */
export async function paidAheadMonth(
  manager: EntityManager,
  provider: string,
  periodStart: Date,
): Promise<PaidAheadMonth | null> {
  const rows: { period_end: Date; provider_version: string }[] = await manager.query(
    `SELECT period_end, provider_version FROM invoices
      WHERE provider = $1 AND period_start = $2 AND status = 'paid' AND amount_refunded_cents = 0
        AND period_end IS NOT NULL
      ORDER BY provider_version DESC LIMIT 1`,
    [provider, periodStart],
  );
  const row = rows[0];
  return row ? { periodEnd: new Date(row.period_end), providerVersion: Number(row.provider_version) } : null;
}
