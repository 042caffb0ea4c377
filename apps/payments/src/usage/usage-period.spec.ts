import { addUtcMonths, calendarMonthOf, usagePeriodOf } from './usage-period';

const at = (iso: string) => new Date(iso);

describe('usage periods', () => {
  it('FREE and organizations without a subscription count per UTC calendar month', () => {
    expect(usagePeriodOf(null, at('2026-03-15T10:00:00Z'))).toEqual({
      start: at('2026-03-01T00:00:00Z'),
      end: at('2026-04-01T00:00:00Z'),
    });
    expect(
      usagePeriodOf(
        {
          plan: 'FREE',
          currentPeriodStart: at('2026-03-10T00:00:00Z'),
          currentPeriodEnd: at('2026-04-10T00:00:00Z'),
        },
        at('2026-12-31T23:59:59.999Z'),
      ),
    ).toEqual({ start: at('2026-12-01T00:00:00Z'), end: at('2027-01-01T00:00:00Z') });
    expect(calendarMonthOf(at('2028-02-29T12:00:00Z'))).toEqual({
      start: at('2028-02-01T00:00:00Z'),
      end: at('2028-03-01T00:00:00Z'),
    });
  });

  const paid = {
    plan: 'STARTER' as const,
    currentPeriodStart: at('2026-01-31T09:30:00Z'),
    currentPeriodEnd: at('2026-02-28T09:30:00Z'),
  };

  it("a paid plan uses the subscription's own period (start inclusive, end exclusive)", () => {
    expect(usagePeriodOf(paid, at('2026-01-31T09:30:00Z'))).toEqual({
      start: at('2026-01-31T09:30:00Z'),
      end: at('2026-02-28T09:30:00Z'),
    });
    expect(usagePeriodOf(paid, at('2026-02-28T09:29:59Z')).start).toEqual(at('2026-01-31T09:30:00Z'));
  });

  it('outside the stored period, steps whole months from the same anchor', () => {
    expect(usagePeriodOf(paid, at('2026-02-28T09:30:00Z'))).toEqual({
      start: at('2026-02-28T09:30:00Z'),
      end: at('2026-03-31T09:30:00Z'),
    });
    expect(usagePeriodOf(paid, at('2026-01-15T00:00:00Z'))).toEqual({
      start: at('2025-12-31T09:30:00Z'),
      end: at('2026-01-31T09:30:00Z'),
    });
  });

  it('keeps the anchor day, or the last day of a shorter month', () => {
    expect(addUtcMonths(at('2026-01-31T09:30:00Z'), 1)).toEqual(at('2026-02-28T09:30:00Z'));
    expect(addUtcMonths(at('2026-01-31T09:30:00Z'), 2)).toEqual(at('2026-03-31T09:30:00Z'));
    expect(addUtcMonths(at('2026-01-15T00:00:00Z'), -1)).toEqual(at('2025-12-15T00:00:00Z'));
  });
});
