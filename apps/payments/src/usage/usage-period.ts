import type { PlanCode } from '@platform/contracts';

export interface UsagePeriod {
  start: Date;
  end: Date;
}

/** What metering needs of a subscription row (null: the organization never subscribed). */
export interface PeriodSource {
  plan: PlanCode;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
}

/** Adds whole calendar months in UTC, keeping the anchor day where the month has it (else its last day). */
export function addUtcMonths(date: Date, months: number): Date {
  const target = new Date(
    Date.UTC(
      date.getUTCFullYear(),
      date.getUTCMonth() + months,
      1,
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      date.getUTCMilliseconds(),
    ),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target;
}

/** The UTC calendar month holding `at`: the period of FREE and of organizations without a subscription. */
export function calendarMonthOf(at: Date): UsagePeriod {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  return { start, end: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)) };
}

/**
 * The billing period holding `at`. A paid plan with known period dates uses them; when `at` lies
 * outside them (the renewal's webhook is not applied yet, or a late event of an earlier period) the
 * period is stepped by whole months from the same anchor, so every instant maps to exactly one period
 * and periods never overlap. Without a paid plan or dates: the calendar month.
 */
export function usagePeriodOf(subscription: PeriodSource | null, at: Date): UsagePeriod {
  const start = subscription?.currentPeriodStart;
  const end = subscription?.currentPeriodEnd;
  if (!subscription || subscription.plan === 'FREE' || !start || !end) return calendarMonthOf(at);
  if (at >= start && at < end) return { start, end };
  let months = 0;
  let periodStart = start;
  // Bounded walk: a period is a month, and events are never years away from the stored period.
  while (at < periodStart && months > -1200) periodStart = addUtcMonths(start, --months);
  while (at >= addUtcMonths(start, months + 1) && months < 1200) periodStart = addUtcMonths(start, ++months);
  return { start: periodStart, end: addUtcMonths(start, months + 1) };
}
