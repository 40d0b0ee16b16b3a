// Turns a row's mapped inputs into the PersonQuery every adapter reads: a website or a
// URL becomes a bare domain, a full name fills first/last and the other way round, a
// LinkedIn profile URL is reduced to its canonical form. Also the name folding the
// pattern finder builds addresses from (accents, hyphens, apostrophes).
import type { PersonQuery } from './types';

function clean(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).replace(/\s+/g, ' ').trim();
  return text === '' ? null : text;
}

/** "https://www.Acme.com/about" or "acme.com" → "acme.com"; null when it is not a domain. */
export function normaliseDomain(value: unknown): string | null {
  let text = clean(value)?.toLowerCase() ?? null;
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

/** Any linkedin.com/in/<slug> URL → https://www.linkedin.com/in/<slug>; null otherwise. */
export function normaliseLinkedin(value: unknown): string | null {
  const text = clean(value);
  if (!text) return null;
  const match = /linkedin\.com\/in\/([^/?#\s]+)/i.exec(text);
  return match?.[1] ? `https://www.linkedin.com/in/${decodeURIComponent(match[1]).toLowerCase()}` : null;
}

/** The profile slug of a normalised LinkedIn URL. */
export function linkedinSlug(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

export function personQuery(input: {
  firstName?: unknown;
  lastName?: unknown;
  fullName?: unknown;
  domain?: unknown;
  company?: unknown;
  linkedinUrl?: unknown;
}): PersonQuery {
  let firstName = clean(input.firstName);
  let lastName = clean(input.lastName);
  let fullName = clean(input.fullName);
  if (fullName && !firstName && !lastName) {
    const parts = fullName.split(' ');
    if (parts.length > 1) {
      firstName = parts[0] ?? null;
      lastName = parts.slice(1).join(' ');
    }
  }
  if (!fullName && (firstName || lastName)) fullName = [firstName, lastName].filter(Boolean).join(' ');
  return {
    firstName,
    lastName,
    fullName,
    domain: normaliseDomain(input.domain),
    company: clean(input.company),
    linkedinUrl: normaliseLinkedin(input.linkedinUrl),
  };
}

/** A name part as it appears in an address: "Zoë-Anne O'Brien" → "zoeanne", "obrien". */
export function foldName(part: string): string {
  return part
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[æ]/gi, 'ae')
    .replace(/[ø]/gi, 'o')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}
