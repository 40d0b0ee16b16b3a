// The one normalisation of the person and company data every action reads from cells:
// text with its whitespace folded, a website, URL or email reduced to its bare domain,
// and a full name split into first and last name. One rule each, so that a row asks the
// same question (and hits the same cache entry) whichever action reads it.

/** The text of a cell with runs of whitespace as one space; null when empty. */
export function cleanText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).replace(/\s+/g, ' ').trim();
  return text === '' ? null : text;
}

/** "https://www.Acme.com/about", "ana@acme.com" or "acme.com" → "acme.com"; null when it is not a domain. */
export function normaliseDomain(value: unknown): string | null {
  let text = cleanText(value)?.toLowerCase() ?? null;
  if (!text) return null;
  if (text.includes('@')) text = text.slice(text.lastIndexOf('@') + 1);
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  text = text.split(/[/?#]/)[0] ?? '';
  text = text
    .replace(/:\d+$/, '')
    .replace(/^www\d*\./, '')
    .replace(/\.$/, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(text) ? text : null;
}

/**
 * "Jean-Luc Van der Berg" → ["Jean-Luc", "Van der Berg"]: the first word is the first
 * name, the rest the last name (family-name particles stay with it); one word is a first
 * name alone.
 */
export function splitFullName(full: unknown): [string | null, string | null] {
  const text = cleanText(full);
  if (!text) return [null, null];
  const [first, ...rest] = text.split(' ');
  return [first ?? null, rest.length > 0 ? rest.join(' ') : null];
}
