import { invoiceTotals, itbisIncluded, itbisOnTop } from './itbis';

// Expected values worked out by hand at 18%, rounding the tax half-up to the cent.
describe('ITBIS (18% Dominican VAT)', () => {
  it.each([
    [100_000, 18_000, 118_000], // RD$1,000.00 → 180.00
    [250_000, 45_000, 295_000], // RD$2,500.00 → 450.00
    [1, 0, 1], // 0.18 cent rounds down
    [2, 0, 2], // 0.36
    [3, 1, 4], // 0.54 rounds up
    [25, 5, 30], // 4.50 exactly half: up
    [0, 0, 0],
  ])('on top of %i cents is %i cents (total %i)', (subtotal, itbis, total) => {
    expect(itbisOnTop(subtotal)).toEqual({ subtotalCents: subtotal, itbisCents: itbis, totalCents: total });
  });

  it.each([
    [118_000, 100_000, 18_000],
    [295_000, 250_000, 45_000], // plan price RD$2,950.00 ITBIS included
    [100, 85, 15], // 100 / 1.18 = 84.745… → 85
    [59, 50, 9], // exactly 50.00
    [1, 1, 0], // 0.847… → 1: nothing left for tax
  ])('inside a total of %i cents: subtotal %i, ITBIS %i', (total, subtotal, itbis) => {
    expect(itbisIncluded(total)).toEqual({ subtotalCents: subtotal, itbisCents: itbis, totalCents: total });
  });

  it('is zero when exempt, on top or included', () => {
    expect(itbisOnTop(100_000, { exempt: true })).toEqual({
      subtotalCents: 100_000,
      itbisCents: 0,
      totalCents: 100_000,
    });
    expect(itbisIncluded(100_000, { exempt: true })).toEqual({
      subtotalCents: 100_000,
      itbisCents: 0,
      totalCents: 100_000,
    });
  });

  it('computes an invoice once on the taxable total, leaving exempt lines out', () => {
    const totals = invoiceTotals([
      { description: 'PROFESSIONAL plan, 2 seats', quantity: 2, unitPriceCents: 125_000 },
      { description: 'Bank fee (exempt)', quantity: 1, unitPriceCents: 500, exempt: true },
    ]);
    expect(totals).toMatchObject({
      subtotalCents: 250_500,
      taxableCents: 250_000,
      itbisCents: 45_000,
      totalCents: 295_500,
    });
    expect(totals.lines.map((line) => line.amountCents)).toEqual([250_000, 500]);
  });

  it('does not drift a cent per line: three lines of 0.03 are taxed as 0.09 (1.62 → 2), not 3 × 1', () => {
    const lines = [1, 2, 3].map((n) => ({ description: `line ${n}`, quantity: 1, unitPriceCents: 3 }));
    expect(invoiceTotals(lines)).toMatchObject({ subtotalCents: 9, itbisCents: 2, totalCents: 11 });
  });

  it('refuses amounts that are not whole non-negative cents', () => {
    expect(() => itbisOnTop(10.5)).toThrow(RangeError);
    expect(() => itbisOnTop(-1)).toThrow(RangeError);
    expect(() => itbisIncluded(Number.NaN)).toThrow(RangeError);
    expect(() => invoiceTotals([{ description: 'x', quantity: 0, unitPriceCents: 100 }])).toThrow(RangeError);
  });
});
