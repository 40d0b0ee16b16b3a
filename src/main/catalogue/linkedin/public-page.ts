// The key-less source: LinkedIn's public company and profile pages, read like a browser
// would, their schema.org data (JSON-LD Organization / Person, https://schema.org) taken
// and the Open Graph tags (https://ogp.me) as a fallback. LinkedIn often refuses such
// reads — HTTP 999, a redirect to its login wall, a 429, or a page stripped of its
// data — and each of those ends in a clear error that says to set a provider key,
// never in values read off a login page. Redirects are followed by hand so a login
// wall is seen for what it is.
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { CallError, parseRetryAfter } from '../../engine/scheduler';
import { num, str } from '../provider-http';
import type { ProviderAdapter, ProviderCall } from '../providers';
import { countryCode } from './countries';
import type { CompanyProfile, LinkedInSource, PersonProfile } from './types';
import { canonicalLinkedInUrl, type LinkedInRef } from './urls';

type Json = Record<string, unknown>;

export const publicPageProvider: ProviderAdapter = {
  id: 'linkedin-public',
  name: 'LinkedIn public page',
  docsUrl: 'https://schema.org/Organization',
  baseUrl: 'https://www.linkedin.com',
  capabilities: ['company.linkedin', 'person.linkedin'],
  needsKey: false,
};

const USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const MAX_BYTES = 4 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const TIMEOUT_MS = 20_000;
const ADVICE = 'set a LinkedIn data provider key in Settings → Providers';
/** Where LinkedIn sends readers it wants signed in. */
const LOGIN_PATHS = /^\/(authwall|login|uas\/login|signup|checkpoint|uas\/authenticate)(\/|$|\?)/i;

interface Page {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export function refused(
  why: string,
  opts: { status?: number; retryable?: boolean; retryAfterMs?: number } = {},
) {
  return new CallError('http', `LinkedIn refused the public page (${why}); ${ADVICE}.`, {
    status: opts.status,
    retryable: opts.retryable ?? false,
    retryAfterMs: opts.retryAfterMs,
  });
}

function fetchOnce(url: URL, signal: AbortSignal): Promise<Page> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(
        signal.reason instanceof CallError
          ? signal.reason
          : new CallError('cancelled', 'The request was cancelled.'),
      );
      return;
    }
    const req = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'GET',
        headers: {
          'user-agent': USER_AGENT,
          accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
          'accept-language': 'en-US,en;q=0.9',
        },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BYTES) {
            req.destroy(
              new CallError('invalid_response', 'The LinkedIn page is larger than 4 MB.', {
                retryable: false,
              }),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          signal.removeEventListener('abort', onAbort);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', fail);
      },
    );
    const fail = (error: Error) => {
      signal.removeEventListener('abort', onAbort);
      reject(
        error instanceof CallError
          ? error
          : new CallError('network', `LinkedIn could not be reached: ${error.message}`),
      );
    };
    const onAbort = () =>
      req.destroy(
        signal.reason instanceof CallError
          ? signal.reason
          : new CallError('cancelled', 'The request was cancelled.'),
      );
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('timeout', () =>
      req.destroy(new CallError('timeout', `LinkedIn did not answer within ${TIMEOUT_MS / 1000} s.`)),
    );
    req.on('error', fail);
    req.end();
  });
}

/** The page's HTML, or null for a 404; every refusal is thrown as a CallError that says so. */
export async function readPublicPage(
  call: ProviderCall,
  ref: LinkedInRef,
  signal: AbortSignal,
): Promise<string | null> {
  const base = new URL(call.baseUrl);
  let url = new URL(new URL(ref.url).pathname, base);
  for (let hop = 0; ; hop++) {
    const page = await fetchOnce(url, signal);
    const { status } = page;
    if (status >= 300 && status < 400 && page.headers.location) {
      const next = new URL(page.headers.location, url);
      if (LOGIN_PATHS.test(next.pathname)) refusedToLogin(next.pathname, status);
      const sameSite =
        next.host === url.host || next.hostname === 'linkedin.com' || next.hostname.endsWith('.linkedin.com');
      if (!sameSite || hop >= MAX_REDIRECTS) {
        throw refused(`HTTP ${status}: it redirected the page to ${next.host}${next.pathname}`, { status });
      }
      url = next;
      continue;
    }
    if (status === 200) return page.text;
    if (status === 404 || status === 410) return null;
    if (status === 999) throw refused('HTTP 999: it blocks automated reads', { status });
    if (status === 429) {
      const header = page.headers['retry-after'];
      throw refused('HTTP 429: too many reads from this computer', {
        status,
        retryable: true,
        retryAfterMs: parseRetryAfter(Array.isArray(header) ? header[0] : header),
      });
    }
    if (status === 401 || status === 403)
      throw refused(`HTTP ${status}: it wants a signed-in reader`, { status });
    throw new CallError('http', `LinkedIn answered ${status} for the public page.`, { status });
  }
}

function refusedToLogin(path: string, status: number): never {
  throw refused(`HTTP ${status}: it redirected to ${path.split('?')[0]}, its login wall`, { status });
}

/** Every JSON-LD node of the page, @graph members included. */
export function jsonLdNodes(html: string): Json[] {
  const out: Json[] = [];
  const scripts = html.matchAll(
    /<script\b[^>]*type\s*=\s*["']application\/ld\+json["'][^>]*>([\s\S]*?)<\/script>/gi,
  );
  for (const match of scripts) {
    let parsed: unknown;
    try {
      parsed = JSON.parse((match[1] ?? '').trim());
    } catch {
      continue;
    }
    const stack = Array.isArray(parsed) ? [...parsed] : [parsed];
    while (stack.length) {
      const node = stack.shift();
      if (!node || typeof node !== 'object') continue;
      const obj = node as Json;
      if (Array.isArray(obj['@graph'])) stack.push(...(obj['@graph'] as unknown[]));
      out.push(obj);
    }
  }
  return out;
}

function hasType(node: Json, types: string[]): boolean {
  const t = node['@type'];
  const list = Array.isArray(t) ? t : [t];
  return list.some((x) => typeof x === 'string' && types.includes(x));
}

/** og:* (and description) meta tags, entities decoded. */
export function metaTags(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of html.matchAll(/<meta\b([^>]*)>/gi)) {
    const attrs: Record<string, string> = {};
    for (const a of (tag[1] ?? '').matchAll(/([a-zA-Z:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attrs[(a[1] ?? '').toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? '');
    }
    const name = attrs.property ?? attrs.name;
    if (name && attrs.content !== undefined && !(name in out)) out[name.toLowerCase()] = attrs.content.trim();
  }
  return out;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

/** "Acme | 12,345 followers on LinkedIn. …" -> 12345 */
function followersIn(text: string | undefined): number | null {
  const m = text?.match(/([\d][\d,.\s]*)\s+followers/i);
  return m?.[1] ? num(m[1].replace(/[,.\s]/g, '')) : null;
}

/** The og:url must name the page asked for, not a login or search page served in its place. */
function ogIsProfile(meta: Record<string, string>, ref: LinkedInRef): boolean {
  return canonicalLinkedInUrl(meta['og:url']) === ref.url;
}

function place(address: unknown): { text: string | null; country: string | null } {
  if (!address || typeof address !== 'object') return { text: str(address), country: null };
  const a = address as Json;
  const country = str(a.addressCountry);
  const parts = [a.addressLocality, a.addressRegion, country].map(str).filter((p): p is string => p !== null);
  return { text: parts.length ? parts.join(', ') : null, country: countryCode(country) };
}

export function companyFromPage(html: string, ref: LinkedInRef): CompanyProfile | null {
  const meta = metaTags(html);
  const org = jsonLdNodes(html).find((n) =>
    hasType(n, ['Organization', 'Corporation', 'EducationalOrganization']),
  );
  const followers = followersIn(meta['og:description'] ?? meta.description);
  if (org && str(org.name)) {
    const employees = org.numberOfEmployees as Json | number | undefined;
    const sameAs = Array.isArray(org.sameAs) ? org.sameAs[0] : org.sameAs;
    return {
      name: str(org.name),
      website: str(sameAs) ?? null,
      industry: str(org.industry),
      size: null,
      employeeCount: typeof employees === 'object' && employees ? num(employees.value) : num(employees),
      headquarters: place(org.address).text,
      founded: num(str(org.foundingDate)?.slice(0, 4)),
      description: str(org.description),
      followers,
      linkedinUrl: canonicalLinkedInUrl(org.url) ?? ref.url,
      linkedinId: null,
    };
  }
  const title = meta['og:title'];
  if (!title || !ogIsProfile(meta, ref)) return null;
  return {
    name: title.replace(/\s*\|\s*LinkedIn\s*$/i, '').trim() || null,
    website: null,
    industry: null,
    size: null,
    employeeCount: null,
    headquarters: null,
    founded: null,
    description: meta['og:description'] ?? null,
    followers,
    linkedinUrl: canonicalLinkedInUrl(meta['og:url']) ?? ref.url,
    linkedinId: null,
  };
}

export function personFromPage(html: string, ref: LinkedInRef): PersonProfile | null {
  const meta = metaTags(html);
  const person = jsonLdNodes(html).find((n) => hasType(n, ['Person']));
  if (person && str(person.name)) {
    const jobTitle = Array.isArray(person.jobTitle) ? person.jobTitle[0] : person.jobTitle;
    const works = Array.isArray(person.worksFor)
      ? (person.worksFor[0] as Json | undefined)
      : (person.worksFor as Json | undefined);
    const where = place(person.address);
    const name = str(person.name);
    return {
      fullName: name,
      firstName: str(person.givenName),
      lastName: str(person.familyName),
      headline: meta['og:title']?.replace(/\s*\|\s*LinkedIn\s*$/i, '').trim() || null,
      title: str(jobTitle),
      company: works ? str(works.name) : null,
      companyLinkedinUrl: works ? canonicalLinkedInUrl(works.url) : null,
      location: where.text,
      country: where.country,
      linkedinUrl: canonicalLinkedInUrl(person.url) ?? ref.url,
      linkedinId: ref.slug,
      experience: null,
      summary: str(person.description),
    };
  }
  const title = meta['og:title'];
  if (!title || !ogIsProfile(meta, ref)) return null;
  const clean = title.replace(/\s*\|\s*LinkedIn\s*$/i, '').trim();
  return {
    fullName: clean.split(/\s+[-–]\s+/)[0]?.trim() || null,
    firstName: null,
    lastName: null,
    headline: clean || null,
    title: null,
    company: null,
    companyLinkedinUrl: null,
    location: null,
    country: null,
    linkedinUrl: canonicalLinkedInUrl(meta['og:url']) ?? ref.url,
    linkedinId: ref.slug,
    experience: null,
    summary: meta['og:description'] ?? null,
  };
}

function noData(kind: string): CallError {
  return refused(
    `the page came without the ${kind}'s data, which is what it serves to readers it does not trust`,
  );
}

export const linkedInPublic: LinkedInSource = {
  provider: publicPageProvider,
  // Gentle: one read every two seconds keeps a computer from being blocked at once.
  ratePerSecond: 0.5,
  burst: 1,

  async companyByUrl(call, company, signal) {
    const html = await readPublicPage(call, company, signal);
    if (html === null) return { value: null, raw: '{"status":404}' };
    const value = companyFromPage(html, company);
    if (!value) throw noData('company');
    return { value, raw: JSON.stringify({ source: 'public page', ...value }) };
  },

  async personByUrl(call, person, signal) {
    const html = await readPublicPage(call, person, signal);
    if (html === null) return { value: null, raw: '{"status":404}' };
    const value = personFromPage(html, person);
    if (!value) throw noData('profile');
    return { value, raw: JSON.stringify({ source: 'public page', ...value }) };
  },
};
