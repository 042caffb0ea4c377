import type { InvoiceDto } from '@platform/contracts';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Every interpolated value is escaped: invoice fields come from a provider, never trusted as markup. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

function money(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');

/** A standalone, printable HTML rendering of one invoice (no scripts, no external resources). */
export function renderInvoiceHtml(invoice: InvoiceDto, organizationId: string): string {
  const title = `Invoice ${invoice.number ?? invoice.id}`;
  const rows: [string, string][] = [
    ['Invoice number', invoice.number ?? '—'],
    ['Organization', organizationId],
    ['Status', invoice.status],
    ['Plan', invoice.plan ?? '—'],
    ['Period', `${day(invoice.periodStart)} – ${day(invoice.periodEnd)}`],
    ['Subtotal', money(invoice.subtotalCents, invoice.currency)],
    ['Tax', money(invoice.taxCents, invoice.currency)],
    ['Total', money(invoice.totalCents, invoice.currency)],
    ['Amount paid', money(invoice.amountPaidCents, invoice.currency)],
    ['Paid on', day(invoice.paidAt)],
    // A reversed payment is shown beside what was paid, never by rewriting it.
    ...(invoice.amountRefundedCents > 0
      ? ([
          ['Refunded', money(invoice.amountRefundedCents, invoice.currency)],
          ['Refunded on', day(invoice.refundedAt)],
        ] as [string, string][])
      : []),
    ['Payment provider', invoice.provider],
  ];
  const body = rows
    .map(
      ([label, value]) =>
        `      <tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${escapeHtml(title)}</title>
    <style>body{font-family:system-ui,sans-serif;margin:2rem}th{text-align:left;padding-right:2rem}</style>
  </head>
  <body>
    <h1>${escapeHtml(title)}</h1>
    <table>
${body}
    </table>
  </body>
</html>
`;
}
