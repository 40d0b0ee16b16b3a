// LinkedIn URLs as users paste them — country subdomains (de.linkedin.com), mobile
// hosts, trailing paths (/about/, /jobs/), tracking queries, percent-encoded slugs —
// reduced to one canonical form per company or person, so equal inputs share one cache
// entry and one provider call. Anything that is not a LinkedIn company or profile URL
// is refused with a message saying what was expected: a wrong URL never reaches a
// paid API.
import { AppError } from '@shared/errors';

export type LinkedInKind = 'company' | 'person';

export interface LinkedInRef {
  kind: LinkedInKind;
  /** the vanity name or numeric id, decoded and lower-cased */
  slug: string;
  /** https://www.linkedin.com/company/<slug> or https://www.linkedin.com/in/<slug> */
  url: string;
}

/** Path sections that name an organisation page (schools and showcase pages are organisations too). */
const COMPANY_SECTIONS = new Set(['company', 'school', 'showcase']);
const PERSON_SECTIONS = new Set(['in', 'pub']);

/** Reads any LinkedIn company or profile URL; throws AppError('invalid_value') for anything else. */
export function parseLinkedInUrl(input: string): LinkedInRef {
  const text = input.trim();
  if (!text) throw new AppError('invalid_value', 'The cell has no LinkedIn URL.');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw notLinkedIn(text);
  }
  const host = url.hostname.toLowerCase();
  if (!(url.protocol === 'https:' || url.protocol === 'http:')) throw notLinkedIn(text);
  if (host !== 'linkedin.com' && !host.endsWith('.linkedin.com')) throw notLinkedIn(text);
  const parts = url.pathname.split('/').filter((p) => p !== '');
  const section = parts[0]?.toLowerCase() ?? '';
  const rawSlug = parts[1];
  if (!rawSlug || !(COMPANY_SECTIONS.has(section) || PERSON_SECTIONS.has(section))) {
    throw new AppError(
      'invalid_value',
      `“${excerpt(text)}” is a LinkedIn link but not a company page (/company/…) or a profile (/in/…).`,
    );
  }
  let slug: string;
  try {
    slug = decodeURIComponent(rawSlug).trim().toLowerCase();
  } catch {
    slug = rawSlug.toLowerCase();
  }
  if (!slug || /[\s/?#]/.test(slug)) throw notLinkedIn(text);
  const kind: LinkedInKind = COMPANY_SECTIONS.has(section) ? 'company' : 'person';
  // Legacy /pub/name/a/b/c profiles are served under /in/ with the same name today.
  const path = kind === 'company' ? `${section}/${slug}` : `in/${slug}`;
  return { kind, slug, url: `https://www.linkedin.com/${path}` };
}

/** A URL of the kind the action needs, with the mismatch said in the user's terms. */
export function linkedInUrlOf(input: string, kind: LinkedInKind): LinkedInRef {
  const ref = parseLinkedInUrl(input);
  if (ref.kind !== kind) {
    throw new AppError(
      'invalid_value',
      kind === 'company'
        ? `“${excerpt(input.trim())}” is a person's profile; this column needs a company page (linkedin.com/company/…).`
        : `“${excerpt(input.trim())}” is a company page; this column needs a person's profile (linkedin.com/in/…).`,
    );
  }
  return ref;
}

/** The canonical URL of whatever LinkedIn URL a provider returns, or null when it is none. */
export function canonicalLinkedInUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  try {
    return parseLinkedInUrl(value).url;
  } catch {
    return null;
  }
}

function notLinkedIn(text: string): AppError {
  return new AppError(
    'invalid_value',
    `“${excerpt(text)}” is not a LinkedIn URL (expected linkedin.com/company/… or linkedin.com/in/…).`,
  );
}

function excerpt(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
