// One JSON call to a provider's API, with every way it can end said in the user's terms:
// a refused key, a provider out of its own credits, a rate limit (retried by the
// scheduler after Retry-After), a server error (retried), garbage instead of JSON. A
// 404 is returned, not thrown: for most lookups it means "not found", which is free.
// Keys go in headers or the query string as each provider documents; error messages
// never include them.

import { sendHttp } from '../engine/http-request-action';
import { CallError, parseRetryAfter } from '../engine/scheduler';
import type { ProviderCall, ProviderInfo } from './providers';

export interface JsonRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** path and query after the base URL, e.g. `/v2/email-finder?domain=x` */
  path: string;
  query?: Record<string, string | number | boolean | null | undefined>;
  headers?: Record<string, string>;
  /** sent as JSON */
  body?: unknown;
  /** sent as application/x-www-form-urlencoded */
  form?: Record<string, string>;
  timeoutMs?: number;
  /** statuses the adapter reads itself instead of failing on (404 always is) */
  accept?: number[];
}

export interface JsonResponse<T = unknown> {
  status: number;
  /** the parsed body, or null when it was empty */
  json: T | null;
  /** the body as received, for the audit */
  text: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const EXCERPT = 300;

export function missingKey(provider: ProviderInfo): CallError {
  return new CallError(
    'http',
    `${provider.name}: no API key. Add one in Settings → Providers, or turn the provider off.`,
    { retryable: false },
  );
}

/** The key, or the error a call without one should end with. */
export function requireKey(provider: ProviderInfo, call: ProviderCall): string {
  if (!call.key) throw missingKey(provider);
  return call.key;
}

export async function requestJson<T = unknown>(
  provider: ProviderInfo,
  call: ProviderCall,
  request: JsonRequest,
  signal: AbortSignal,
): Promise<JsonResponse<T>> {
  const url = new URL(joinUrl(call.baseUrl, request.path));
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== null && value !== undefined) url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  let body: Buffer | null = null;
  if (request.body !== undefined) {
    body = Buffer.from(JSON.stringify(request.body));
    headers['content-type'] = 'application/json';
  } else if (request.form) {
    body = Buffer.from(new URLSearchParams(request.form).toString());
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  if (body) headers['content-length'] = String(body.length);
  const response = await sendHttp({
    method: request.method ?? (body ? 'POST' : 'GET'),
    url,
    headers,
    body,
    signal,
    timeoutMs: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  const { status, text } = response;
  const excerpt = text.slice(0, EXCERPT);
  const accepted = status < 400 || status === 404 || request.accept?.includes(status);
  if (!accepted) {
    const detail = errorDetail(text);
    const suffix = detail ? `: ${detail}` : '';
    if (status === 401 || status === 403) {
      throw new CallError(
        'http',
        `${provider.name} refused the API key (${status})${suffix}. Check it in Settings → Providers.`,
        {
          status,
          retryable: false,
          body: excerpt,
        },
      );
    }
    if (status === 402) {
      throw new CallError(
        'http',
        `${provider.name} says the account is out of credits or unpaid (402)${suffix}.`,
        {
          status,
          retryable: false,
          body: excerpt,
        },
      );
    }
    if (status === 429) {
      throw new CallError('http', `${provider.name} is rate limiting (429)${suffix}.`, {
        status,
        retryAfterMs: parseRetryAfter(header(response.headers['retry-after'])),
        body: excerpt,
      });
    }
    throw new CallError('http', `${provider.name} answered ${status}${suffix}.`, { status, body: excerpt });
  }
  if (text.trim() === '') return { status, json: null, text };
  try {
    return { status, json: JSON.parse(text) as T, text };
  } catch {
    throw new CallError(
      'invalid_response',
      `${provider.name} sent something that is not JSON (HTTP ${status}).`,
      {
        status,
        body: excerpt,
        retryable: status >= 500,
      },
    );
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** A provider's own error message from a JSON error body, if it has one. */
function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    // Some providers put a code in `message` and the sentence in `details` (InfoPlug).
    const coded = typeof body.message === 'string' && /^[a-z_]+$/.test(body.message);
    const candidates = [
      coded ? body.details : undefined,
      body.message,
      body.error,
      body.detail,
      body.msg,
      (body.error as Record<string, unknown> | undefined)?.message,
      (body.errors as { details?: string; message?: string }[] | undefined)?.[0]?.details,
      (body.errors as { details?: string; message?: string }[] | undefined)?.[0]?.message,
    ];
    const found = candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
    return found ? found.slice(0, 200) : '';
  } catch {
    return '';
  }
}

/** Reads a string field that may be absent, null or of another type in a provider's JSON. */
export function str(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}
