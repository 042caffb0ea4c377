const URL_IN_TEXT = /https?:\/\/[^\s<>"'`]+/g;
const HREF = /href\s*=\s*("([^"]*)"|'([^']*)')/gi;
// A sentence often ends right after a link ("Open https://x/reset?t=1."); that dot is not the URL's.
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

function decodeEntities(value: string): string {
  return value
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** Every http(s) URL in a mail's text and html parts, html hrefs first, without duplicates. */
export function extractLinks(text: string | undefined, html: string | undefined): string[] {
  const links: string[] = [];
  for (const match of (html ?? '').matchAll(HREF)) {
    const href = decodeEntities(match[2] ?? match[3] ?? '').trim();
    if (/^https?:\/\//i.test(href)) links.push(href);
  }
  for (const match of (text ?? '').matchAll(URL_IN_TEXT)) {
    links.push(match[0].replace(TRAILING_PUNCTUATION, ''));
  }
  return [...new Set(links)];
}
