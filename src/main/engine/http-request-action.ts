// The generic "HTTP request" action: one call per row to any JSON API, with the row's
// values placed into the URL, headers and body by `{{Column}}` templates and fields read
// from the response by path. It turns every way a call can end into either an outcome
// (done / not_found) or a CallError the scheduler knows how to retry. It must never
// call anything but http(s), never read more than MAX_RESPONSE_BYTES, never let a cell
// value reshape the request (see template.ts), and never log a row's values or keys.
//
// It speaks node:http with keep-alive agents rather than fetch: against a loopback API,
// fetch (undici, no public Agent import on Node 20) managed about 4,500 calls/s here and
// node:http about 10,000–13,000, and the engine must push 10,000 rows/s.
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { AppError } from '@shared/errors';
import { z } from 'zod';
import { extractPath, parsePath } from './json-path';
import { CallError, parseRetryAfter } from './scheduler';
import { renderTemplate, type TemplateEncoding, templateColumns } from './template';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;
const EXCERPT = 200;

export interface HttpRequestConfig {
  method: (typeof HTTP_METHODS)[number];
  url: string;
  headers: Record<string, string>;
  body: string | null;
  outputs: { key: string; path: string }[];
  /** Per-column rate limit. */
  ratePerSecond: number;
  timeoutMs?: number;
  /** Default [404]. */
  notFoundStatuses?: number[];
}

export type ActionOutcome =
  | { status: 'done'; values: Record<string, unknown>; raw: string }
  | { status: 'not_found'; raw: string };

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers the action sets itself; a user's value would corrupt the exchange. */
const RESERVED_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
]);

export const httpRequestConfigSchema: z.ZodType<HttpRequestConfig> = z
  .object({
    method: z.enum(HTTP_METHODS),
    url: z.string().trim().min(1, 'Enter a URL').max(8_000),
    headers: z
      .record(
        z.string().regex(HEADER_NAME, "A header name may only use letters, digits and !#$%&'*+-.^_`|~"),
        z
          .string()
          .max(8_000)
          .regex(/^[^\r\n\0]*$/, 'A header value cannot contain a line break'),
      )
      .default({}),
    body: z.string().max(1_000_000).nullable().default(null),
    outputs: z
      .array(z.object({ key: z.string().trim().min(1).max(200), path: z.string().trim().max(500) }))
      .max(50)
      .default([]),
    ratePerSecond: z.number().positive('The rate limit must be above 0 calls a second').max(100_000),
    timeoutMs: z.number().int().min(100).max(300_000).optional(),
    notFoundStatuses: z.array(z.number().int().min(400).max(599)).max(20).default([404]),
  })
  .superRefine((config, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const urlProblem = checkUrl(config.url, true);
    if (urlProblem) issue(['url'], urlProblem);
    if (config.method === 'GET' && config.body !== null) issue(['body'], 'A GET request cannot have a body');
    const names = new Set<string>();
    for (const name of Object.keys(config.headers)) {
      const lower = name.toLowerCase();
      if (RESERVED_HEADERS.has(lower)) issue(['headers', name], `${name} is set by Rowsmith`);
      if (names.has(lower)) issue(['headers', name], `${name} is set twice`);
      names.add(lower);
    }
    if (names.size > 50) issue(['headers'], 'At most 50 headers');
    const keys = new Set<string>();
    config.outputs.forEach((output, i) => {
      if (keys.has(output.key)) issue(['outputs', i, 'key'], `The output “${output.key}” is listed twice`);
      keys.add(output.key);
      tryOr(
        () => parsePath(output.path),
        (m) => issue(['outputs', i, 'path'], m),
      );
    });
    for (const [path, template] of [
      [['url'], config.url],
      [['body'], config.body ?? ''],
      ...Object.entries(config.headers).map(([k, v]) => [['headers', k], v] as const),
    ] as const) {
      tryOr(
        () => templateColumns(template),
        (m) => issue([...path], m),
      );
    }
  });

function tryOr(fn: () => unknown, onError: (message: string) => void): void {
  try {
    fn();
  } catch (error) {
    onError((error as Error).message);
  }
}

/**
 * A URL's problem, or null. As configured (`template`), placeholders stand for unknown
 * text and a URL that starts with one is checked per row instead.
 */
function checkUrl(url: string, template: boolean): string | null {
  if (template && url.startsWith('{{')) return null;
  let parsed: URL;
  try {
    parsed = new URL(template ? url.replace(/\{\{[^{}]*\}\}/g, 'x') : url);
  } catch {
    return template ? 'The URL must start with http:// or https://' : 'is not a valid URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return template ? 'The URL must start with http:// or https://' : 'is not an http(s) URL';
  }
  return null;
}

/** The URL, or what is wrong with it (parsed once: the request uses the same object). */
function parseHttpUrl(url: string): URL | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : 'is not an http(s) URL';
}

interface Prepared {
  /** Lower-cased names; values without placeholders. */
  fixedHeaders: Record<string, string>;
  templatedHeaders: [string, string][];
  bodyEncoding: TemplateEncoding;
  notFound: Set<number>;
}

const preparedConfigs = new WeakMap<HttpRequestConfig, Prepared>();

function prepare(config: HttpRequestConfig): Prepared {
  const hit = preparedConfigs.get(config);
  if (hit) return hit;
  const fixedHeaders: Record<string, string> = {
    'user-agent': 'Rowsmith',
    accept: 'application/json, */*;q=0.5',
    'accept-encoding': 'gzip, deflate, br',
  };
  const templatedHeaders: [string, string][] = [];
  for (const [name, value] of Object.entries(config.headers)) {
    const lower = name.toLowerCase();
    if (templateColumns(value).length > 0) {
      delete fixedHeaders[lower];
      templatedHeaders.push([lower, value]);
    } else {
      fixedHeaders[lower] = value;
    }
  }
  const contentType = (
    config.headers[Object.keys(config.headers).find((k) => k.toLowerCase() === 'content-type') ?? ''] ?? ''
  ).toLowerCase();
  if (config.body !== null && contentType === '') fixedHeaders['content-type'] = 'application/json';
  const bodyEncoding: TemplateEncoding =
    contentType === '' || contentType.includes('json')
      ? 'json'
      : contentType.includes('x-www-form-urlencoded')
        ? 'url'
        : 'text';
  const prepared = {
    fixedHeaders,
    templatedHeaders,
    bodyEncoding,
    notFound: new Set(config.notFoundStatuses ?? [404]),
  };
  preparedConfigs.set(config, prepared);
  return prepared;
}

/**
 * Calls the API for one row. Resolves to done (fields extracted; a missing path gives
 * undefined) or not_found; throws CallError for everything the scheduler may retry or
 * report, and AppError('invalid_input' | 'invalid_value') when the row cannot make a
 * request (unknown column, a URL that is not http(s), a line break bound for a header).
 */
export async function runHttpRequest(
  config: HttpRequestConfig,
  row: Record<string, unknown>,
  signal: AbortSignal,
  /** the row's URL, when the caller has rendered it already */
  renderedUrl?: string,
): Promise<ActionOutcome> {
  if (signal.aborted) throw abortError(signal);
  const prepared = prepare(config);
  const url = renderedUrl ?? renderTemplate(config.url, row, { encode: 'url' });
  const parsed = parseHttpUrl(url);
  if (typeof parsed === 'string')
    throw new AppError('invalid_value', `The URL for this row ${parsed}: ${excerpt(url, 100)}`);
  const headers: Record<string, string> = { ...prepared.fixedHeaders };
  for (const [name, template] of prepared.templatedHeaders) {
    headers[name] = renderTemplate(template, row, { encode: 'none' });
  }
  const body =
    config.body === null
      ? null
      : Buffer.from(renderTemplate(config.body, row, { encode: prepared.bodyEncoding }));
  const response = await send(
    { method: config.method, url: parsed, headers, body, signal, timeoutMs: config.timeoutMs },
    0,
  );
  return outcome(config, prepared, response);
}

export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer | null;
  signal: AbortSignal;
  timeoutMs: number | undefined;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

const agentOptions = { keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo' as const };
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);

/**
 * One exchange over the keep-alive agents, redirects followed (up to five, never to a
 * non-http(s) URL), the body capped at MAX_RESPONSE_BYTES; throws CallError for
 * timeouts, network failures and cancellation. The catalogue's adapters use it too.
 */
export function sendHttp(request: HttpRequest): Promise<HttpResponse> {
  return send(request, 0);
}

function send(request: HttpRequest, redirects: number): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const { url, signal } = request;
    const secure = url.protocol === 'https:';
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    let retriedStaleSocket = false;
    let req: http.ClientRequest;

    const finish = (error: unknown, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      if (response) resolve(response);
      else reject(error);
    };
    const fail = (error: unknown) => {
      finish(error);
      req.destroy();
    };
    const onAbort = () => fail(abortError(signal));

    const onResponse = (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (location && status >= 301 && status <= 308 && status !== 304 && status !== 305 && status !== 306) {
        res.resume();
        const next = redirect(request, status, location, redirects);
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
        if (next instanceof CallError) reject(next);
        else resolve(send(next, redirects + 1));
        return;
      }
      readBody(res, fail, (text) => finish(null, { status, headers: res.headers, text }));
    };

    const start = () => {
      req = (secure ? https : http).request(
        {
          protocol: url.protocol,
          hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          auth: url.username
            ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
            : undefined,
          method: request.method,
          headers: request.headers,
          agent: secure ? httpsAgent : httpAgent,
        },
        onResponse,
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed while idle: the request never reached
        // it, so send it once more on a fresh connection instead of reporting a failure.
        if (
          !retriedStaleSocket &&
          req.reusedSocket &&
          !settled &&
          (error.code === 'ECONNRESET' || error.code === 'EPIPE')
        ) {
          retriedStaleSocket = true;
          start();
          return;
        }
        finish(networkError(error));
      });
      req.end(request.body ?? undefined);
    };

    signal.addEventListener('abort', onAbort);
    if (request.timeoutMs !== undefined) {
      const ms = request.timeoutMs;
      timer = setTimeout(() => fail(new CallError('timeout', `No answer within ${ms / 1000} s.`)), ms);
    }
    start();
  });
}

function readBody(res: IncomingMessage, fail: (error: unknown) => void, done: (text: string) => void): void {
  const declared = Number(res.headers['content-length']);
  if (declared > MAX_RESPONSE_BYTES) {
    fail(tooLarge());
    return;
  }
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  let stream: NodeJS.ReadableStream = res;
  if (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate' || encoding === 'br') {
    const inflate =
      encoding === 'br'
        ? zlib.createBrotliDecompress()
        : encoding === 'deflate'
          ? zlib.createInflate()
          : zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    inflate.on('error', (error) =>
      fail(
        new CallError('invalid_response', `The response could not be decompressed: ${error.message}`, {
          retryable: false,
        }),
      ),
    );
    stream = res.pipe(inflate);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      fail(tooLarge());
      return;
    }
    chunks.push(chunk);
  });
  stream.on('end', () => {
    if (size > MAX_RESPONSE_BYTES) return;
    done(
      chunks.length === 1
        ? (chunks[0] as Buffer).toString('utf8')
        : Buffer.concat(chunks, size).toString('utf8'),
    );
  });
  res.on('error', (error) => fail(networkError(error)));
}

function redirect(
  request: HttpRequest,
  status: number,
  location: string,
  redirects: number,
): HttpRequest | CallError {
  if (redirects >= MAX_REDIRECTS) {
    return new CallError('http', `Too many redirects (more than ${MAX_REDIRECTS}).`, {
      status,
      retryable: false,
    });
  }
  let url: URL;
  try {
    url = new URL(location, request.url);
  } catch {
    return new CallError('http', `HTTP ${status} redirected to an invalid URL.`, {
      status,
      retryable: false,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return new CallError(
      'http',
      `HTTP ${status} redirected to a ${url.protocol} URL, which is not followed.`,
      {
        status,
        retryable: false,
      },
    );
  }
  const headers = { ...request.headers };
  let { method, body } = request;
  // As browsers and fetch do: 303 always, and 301/302 after a POST, continue with a GET.
  if (status === 303 ? method !== 'GET' : (status === 301 || status === 302) && method === 'POST') {
    method = 'GET';
    body = null;
    delete headers['content-type'];
    delete headers['content-length'];
  }
  if (url.origin !== request.url.origin) {
    // Credentials were meant for the host the user named, not wherever it points us.
    delete headers.authorization;
    delete headers.cookie;
    delete headers['proxy-authorization'];
  }
  return { ...request, method, url, headers, body };
}

function outcome(config: HttpRequestConfig, prepared: Prepared, response: HttpResponse): ActionOutcome {
  const { status, text } = response;
  if (status >= 200 && status < 300) {
    let parsed: unknown;
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      } catch {
        throw new CallError('invalid_response', `The response is not JSON: ${excerpt(text, EXCERPT)}`, {
          status,
          retryable: false,
          body: excerpt(text, EXCERPT),
        });
      }
    }
    const values: Record<string, unknown> = {};
    for (const output of config.outputs) values[output.key] = extractPath(parsed, output.path);
    return { status: 'done', values, raw: text };
  }
  if (prepared.notFound.has(status)) return { status: 'not_found', raw: text };
  const body = excerpt(text, EXCERPT);
  const reason = http.STATUS_CODES[status] ?? 'Error';
  const message = `HTTP ${status} ${reason}${body ? `: ${body}` : ''}`;
  if (status === 429 || status === 503) {
    const header = response.headers['retry-after'];
    const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header);
    throw new CallError('http', message, { status, retryAfterMs, retryable: true, body });
  }
  throw new CallError('http', message, { status, retryable: status === 408 || status >= 500, body });
}

function abortError(signal: AbortSignal): CallError {
  return signal.reason instanceof CallError
    ? signal.reason
    : new CallError('cancelled', 'The request was cancelled.');
}

/** Errors a retry cannot fix (no such host, a bad certificate) are not retried. */
function networkError(error: NodeJS.ErrnoException): CallError {
  if (error instanceof CallError) return error;
  const code = error.code ?? '';
  const permanent = code === 'ENOTFOUND' || /CERT|SELF_SIGNED|ERR_TLS|ERR_SSL|UNABLE_TO_VERIFY/.test(code);
  return new CallError(
    'network',
    `${error.message}${code && !error.message.includes(code) ? ` (${code})` : ''}`,
    {
      retryable: !permanent,
    },
  );
}

function tooLarge(): CallError {
  return new CallError(
    'invalid_response',
    `The response is too large (over ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB).`,
    {
      retryable: false,
    },
  );
}

function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
