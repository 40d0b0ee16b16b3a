// Turns a row's mapped inputs into the PersonQuery every adapter reads: a website or a
// URL becomes a bare domain, a full name fills first/last and the other way round, a
// LinkedIn profile URL is reduced to its canonical form. Also the name folding the
// pattern finder builds addresses from (accents, hyphens, apostrophes).
import { cleanText as clean, normaliseDomain, splitFullName } from '../normalise';
import type { PersonQuery } from './types';

export { normaliseDomain };

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
    const [first, last] = splitFullName(fullName);
    // One word is not a first name the finder can build an address from without a last name.
    if (last) [firstName, lastName] = [first, last];
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
