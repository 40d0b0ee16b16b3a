// A loopback HTTP server standing in for a provider's API in tests and benchmarks
// (STYLE.md: third-party APIs are faked by loopback servers, never by patching fetch).
// It counts what a user would notice — requests made, how many were in flight at once,
// when each arrived — and answers with whatever the test's handler says, after an
// optional latency. It listens on 127.0.0.1 only, on a free port, with keep-alive.
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request's headers arrived. */
  at: number;
  /** 1-based arrival order. */
  n: number;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface HttpFake {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  readonly requests: number;
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** The latest requests (at most LOG_LIMIT), oldest first; `at` is performance.now(). */
  log: { method: string; path: string; at: number }[];
  setHandler(fn: FakeHandler): void;
  setLatency(ms: number): void;
  /** Resolves once `predicate` holds, checked on every request start and end. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Zeroes the counters and the log (e.g. after a warm-up). */
  reset(): void;
  close(): Promise<void>;
}

export const LOG_LIMIT = 10_000;

const okHandler: FakeHandler = () => ({ status: 200, body: '{"ok":true}' });

export async function startHttpFake(
  opts: { latencyMs?: number; handler?: FakeHandler } = {},
): Promise<HttpFake> {
  let handler = opts.handler ?? okHandler;
  let latencyMs = opts.latencyMs ?? 0;
  let requests = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let log: HttpFake['log'] = [];
  const watchers = new Set<() => void>();
  const changed = () => {
    for (const check of watchers) check();
  };

  const respond = (res: http.ServerResponse, answer: FakeResponse) => {
    if (res.destroyed) return;
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      ...answer.headers,
    };
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-length')) {
      headers['content-length'] = Buffer.byteLength(answer.body);
    }
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  };

  const server = http.createServer((req, res) => {
    const at = performance.now();
    const n = ++requests;
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    if (log.length >= LOG_LIMIT) log = log.slice(LOG_LIMIT / 2);
    log.push({ method: req.method ?? 'GET', path: req.url ?? '/', at });
    res.on('close', () => {
      inFlight--;
      changed();
    });
    changed();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8'),
        at,
        n,
      };
      const answer = async () => {
        try {
          respond(res, await handler(request));
        } catch (error) {
          respond(res, { status: 500, body: JSON.stringify({ error: String(error) }) });
        }
      };
      if (latencyMs > 0) setTimeout(answer, latencyMs);
      else void answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return requests;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get log() {
      return log;
    },
    setHandler(fn) {
      handler = fn;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        if (predicate()) {
          resolve();
          return;
        }
        const check = () => {
          if (!predicate()) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `http-fake: condition not met in ${timeoutMs} ms (requests ${requests}, in flight ${inFlight})`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          watchers.delete(check);
        };
        watchers.add(check);
      });
    },
    reset() {
      requests = 0;
      maxInFlight = inFlight;
      log = [];
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
