/** Dots mail clients treat as domain separators: ASCII, ideographic, fullwidth and halfwidth. */
const DOT_BETWEEN_WORD_CHARACTERS = /([\p{L}\p{N}])[.\u3002\uff0e\uff61](?=[\p{L}\p{N}])/gu;

/**
 * User-chosen text (an organization name) quoted in a mail: one line, and nothing a mail client
 * would turn into a link — schemes, domains and addresses are defanged the way security teams
 * quote indicators ("https[:]//evil[.]example"). Names are not refused at validation instead: "Acme.io"
 * is a fair company name, names stored before this rule exist, and the harm only happens in mail.
 * HTML escaping stays the template's job.
 */
export function inertText(value: string): string {
  return value
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/:\/\//g, '[:]//')
    .replace(DOT_BETWEEN_WORD_CHARACTERS, '$1[.]')
    .replace(/@/g, '[at]')
    .trim();
}
