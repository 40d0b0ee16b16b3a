// What every finder adapter shares: reading a provider's JSON defensively (an answer in
// the wrong shape is a clear error, never junk written into a cell), the input checks
// adapters state their needs with, and a bounded poll for providers that answer later.
import { CallError } from '../../../engine/scheduler';
import { str } from '../../provider-http';
import type { ProviderInfo } from '../../providers';
import type { FinderHit, PersonQuery, Wanted } from '../types';

export type Json = Record<string, unknown>;

export function shapeError(provider: ProviderInfo, what: string, text?: string): CallError {
  return new CallError(
    'invalid_response',
    `${provider.name} sent an answer in an unexpected shape (${what}).`,
    {
      body: text?.slice(0, 300),
      retryable: false,
    },
  );
}

/**
 * A 200 answer that carries a refusal instead of a result — `{"error": "Not enough
 * credits"}` — is the provider's error, never a "not found" (which would be free and
 * wrong): the waterfall records it and asks the next provider.
 */
export function refusedInBody(provider: ProviderInfo, json: Json, text = ''): void {
  const error = json.error;
  const message = typeof error === 'string' ? error : null;
  if (!message) return;
  throw new CallError('http', `${provider.name} answered with an error: ${message.slice(0, 200)}.`, {
    body: text.slice(0, 300),
    retryable: false,
  });
}

/** The body as an object, or a shape error. */
export function object(provider: ProviderInfo, json: unknown, text = ''): Json {
  if (json && typeof json === 'object' && !Array.isArray(json)) return json as Json;
  throw shapeError(provider, 'not a JSON object', text);
}

/** A nested object that may be absent (null) but, when present, must be an object. */
export function child(provider: ProviderInfo, parent: Json, key: string): Json | null {
  const value = parent[key];
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && !Array.isArray(value)) return value as Json;
  throw shapeError(provider, `“${key}” is not an object`);
}

/** A nested object that must be there. */
export function required(provider: ProviderInfo, parent: Json, key: string): Json {
  const value = child(provider, parent, key);
  if (value) return value;
  throw shapeError(provider, `no “${key}”`);
}

/** An array field that may be absent; anything else is a shape error. */
export function list(provider: ProviderInfo, parent: Json, key: string): unknown[] {
  const value = parent[key];
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  throw shapeError(provider, `“${key}” is not a list`);
}

const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An email field: absent → null, an address → it (lower-cased), anything else → shape error. */
export function email(provider: ProviderInfo, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = typeof value === 'string' ? value.trim() : null;
  if (text && ADDRESS.test(text)) return text.toLowerCase();
  throw shapeError(provider, 'an email field holds no address');
}

/**
 * An address a provider graded: taken unless its grade is one the provider says not to
 * send to, with the confidence that grade is worth (none for a grade not in the table).
 */
export function gradedEmail(
  provider: ProviderInfo,
  value: unknown,
  grade: string | undefined,
  confidences: Readonly<Record<string, number>>,
  rejected: ReadonlySet<string>,
): Pick<FinderHit, 'email' | 'confidence' | 'providerStatus'> {
  if (grade && rejected.has(grade)) return {};
  return {
    email: email(provider, value) ?? undefined,
    confidence: grade ? confidences[grade] : undefined,
    providerStatus: grade,
  };
}

/** A phone field: absent → null; it must hold at least 6 digits. */
export function phone(provider: ProviderInfo, value: unknown): string | null {
  const text = str(value);
  if (!text) return null;
  if ((text.match(/\d/g) ?? []).length >= 6) return text;
  throw shapeError(provider, 'a phone field holds no number');
}

/** A hit when something was found, else null (not found). */
export function hit(parts: Omit<FinderHit, 'raw'>, raw: unknown): FinderHit | null {
  if (!parts.email && !parts.phone) return null;
  const out: FinderHit = { raw };
  if (parts.email) out.email = parts.email;
  if (parts.phone) out.phone = parts.phone;
  if (parts.confidence !== undefined)
    out.confidence = Math.max(0, Math.min(100, Math.round(parts.confidence)));
  if (parts.providerStatus) out.providerStatus = parts.providerStatus;
  return out;
}

export function needNameAndDomain(p: PersonQuery): string | null {
  return p.firstName && p.lastName && p.domain ? null : 'needs first and last name and a company domain';
}

export function needNameAndCompany(p: PersonQuery): string | null {
  return p.firstName && p.lastName && (p.domain || p.company)
    ? null
    : 'needs first and last name and a company domain or name';
}

export function needLinkedinOr(p: PersonQuery, other: (p: PersonQuery) => string | null): string | null {
  if (p.linkedinUrl) return null;
  const reason = other(p);
  return reason ? `${reason}, or a LinkedIn URL` : null;
}

export function needLinkedin(p: PersonQuery): string | null {
  return p.linkedinUrl ? null : 'needs a LinkedIn URL';
}

/** A step that still wants both fields (and what an adapter asked without saying assumes). */
export const WANT_BOTH: Wanted = { email: true, phone: true };

/**
 * Waits between reads of an asynchronous search: short at first, then every 10 s, about
 * 90 s in all. Long enough for the usual search (BetterContact's own example waits up to
 * minutes), short enough that the six asynchronous providers of a waterfall that finds
 * nothing stay inside its 10-minute limit.
 */
const POLL_DELAYS_MS = [0, 400, 800, 1500, 2500, 4000, 6000, 8000, ...Array<number>(7).fill(10_000)];
const POLL_WINDOW_S = Math.round(POLL_DELAYS_MS.reduce((a, b) => a + b, 0) / 1000);

/**
 * Reads a pending result until `read` returns something other than undefined, within
 * the delays above. Past that the search is still running at the provider: a retryable
 * timeout, so the row is tried again later and not charged (the provider may then be
 * asked the same again: the longer window makes that rare).
 */
export async function poll<T>(
  provider: ProviderInfo,
  signal: AbortSignal,
  read: () => Promise<T | undefined>,
): Promise<T> {
  for (const delay of POLL_DELAYS_MS) {
    if (delay > 0) await sleep(delay, signal);
    const answer = await read();
    if (answer !== undefined) return answer;
  }
  throw new CallError(
    'timeout',
    `${provider.name} was still searching after ${POLL_WINDOW_S} s; the row will be tried again.`,
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new CallError('cancelled', 'Stopped.'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CallError('cancelled', 'Stopped.'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
