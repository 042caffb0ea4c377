import { addMonths, periodKey } from './billing-period';

describe('billing periods', () => {
  it.each([
    ['2026-01-15T10:00:00.000Z', '2026-02-15T10:00:00.000Z'],
    ['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z'],
    ['2028-01-31T00:00:00.000Z', '2028-02-29T00:00:00.000Z'],
    ['2026-12-05T23:59:59.000Z', '2027-01-05T23:59:59.000Z'],
  ])('one month after %s is %s', (from, to) => {
    expect(addMonths(new Date(from), 1).toISOString()).toBe(to);
  });

  it('names a period by its UTC start day', () => {
    expect(periodKey(new Date('2026-11-30T23:30:00.000Z'))).toBe('2026-11-30');
  });
});
