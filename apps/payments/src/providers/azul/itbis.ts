/**
 * ITBIS (Impuesto sobre la Transferencia de Bienes Industrializados y Servicios): the Dominican VAT,
 * 18% on services such as subscriptions. All amounts are integer cents of DOP; the tax is rounded
 * half-up to the cent, computed once on the taxable total of an invoice (not per line, so lines
 * never drift a cent from the invoice's tax).
 */
export const ITBIS_RATE_BASIS_POINTS = 1800; // 18.00%
const BASIS = 10_000;

export interface ItbisBreakdown {
  /** Before tax. */
  subtotalCents: number;
  itbisCents: number;
  /** What the card is charged: AZUL's Amount (ITBIS included); itbisCents is AZUL's Itbis. */
  totalCents: number;
}

export interface ItbisOptions {
  /** Exempt organization or service: ITBIS 0 (AZUL's Itbis is then sent as "0"). */
  exempt?: boolean;
  rateBasisPoints?: number;
}

function assertCents(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer of cents`);
}

/** Half-up integer division for non-negative numerator and positive denominator. */
function divideHalfUp(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** A pre-tax price plus ITBIS on top: 1,000.00 → ITBIS 180.00, total 1,180.00. */
export function itbisOnTop(subtotalCents: number, options: ItbisOptions = {}): ItbisBreakdown {
  assertCents(subtotalCents, 'subtotalCents');
  const rate = options.exempt ? 0 : (options.rateBasisPoints ?? ITBIS_RATE_BASIS_POINTS);
  const itbisCents = divideHalfUp(subtotalCents * rate, BASIS);
  return { subtotalCents, itbisCents, totalCents: subtotalCents + itbisCents };
}

/** The ITBIS inside a price that already includes it: 2,950.00 → subtotal 2,500.00, ITBIS 450.00. */
export function itbisIncluded(totalCents: number, options: ItbisOptions = {}): ItbisBreakdown {
  assertCents(totalCents, 'totalCents');
  const rate = options.exempt ? 0 : (options.rateBasisPoints ?? ITBIS_RATE_BASIS_POINTS);
  const subtotalCents = divideHalfUp(totalCents * BASIS, BASIS + rate);
  return { subtotalCents, itbisCents: totalCents - subtotalCents, totalCents };
}

export interface InvoiceLine {
  description: string;
  quantity: number;
  unitPriceCents: number;
  /** A line outside ITBIS (e.g. a pass-through fee). */
  exempt?: boolean;
}

export interface InvoiceTotals extends ItbisBreakdown {
  lines: Array<InvoiceLine & { amountCents: number }>;
  taxableCents: number;
}

/** An invoice's totals: lines at pre-tax prices, ITBIS once on the sum of the taxable lines. */
export function invoiceTotals(lines: InvoiceLine[], options: ItbisOptions = {}): InvoiceTotals {
  const priced = lines.map((line) => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0)
      throw new RangeError('quantity must be a positive integer');
    assertCents(line.unitPriceCents, 'unitPriceCents');
    return { ...line, amountCents: line.quantity * line.unitPriceCents };
  });
  const subtotalCents = priced.reduce((sum, line) => sum + line.amountCents, 0);
  const taxableCents = priced.filter((line) => !line.exempt).reduce((sum, line) => sum + line.amountCents, 0);
  const { itbisCents } = itbisOnTop(taxableCents, options);
  return { lines: priced, subtotalCents, taxableCents, itbisCents, totalCents: subtotalCents + itbisCents };
}
