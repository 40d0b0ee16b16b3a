// Runs the licensing server for a test: in-process on a loopback port, over a fresh
// SQLite file in a temp folder or a fresh PostgreSQL database, with an injectable
// clock and a known admin token; plus a tiny JSON client and helpers to make an
// organisation and activate devices. `describeDialects` runs a suite on both dialects.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { createServer, type LicensingServer, type LicensingServerOptions } from '../../../src/server/server';
import { tempDir } from '../../helpers/temp';
import { createPgDatabase, IN_CI, PG_ADMIN_URL } from './postgres';

export type Dialect = 'sqlite' | 'postgres';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

const agent = new http.Agent({ keepAlive: true });

let warned = false;
/** describe.each over SQLite and PostgreSQL; PostgreSQL fails under CI without ROWSMITH_TEST_PG. */
export function describeDialects(name: string, fn: (dialect: Dialect) => void): void {
  describe.each(['sqlite', 'postgres'] as const)(`${name} [%s]`, (dialect) => {
    if (dialect === 'postgres' && !PG_ADMIN_URL) {
      if (IN_CI) {
        it('needs PostgreSQL', () => {
          throw new Error('ROWSMITH_TEST_PG is not set: the PostgreSQL suites must run in CI');
        });
      } else {
        if (!warned) {
          warned = true;
          console.warn('\n*** ROWSMITH_TEST_PG is not set: skipping the PostgreSQL server suites ***\n');
        }
        it.skip('PostgreSQL (set ROWSMITH_TEST_PG to run)', () => {});
      }
      return;
    }
    fn(dialect);
  });
}

export class TestClock {
  constructor(public t: number = Date.parse('2026-03-10T12:00:00.000Z')) {}
  now = (): number => this.t;
  set(iso: string | number): void {
    this.t = typeof iso === 'number' ? iso : Date.parse(iso);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Response bodies in tests: assertions and the shared zod schemas check them, not the compiler. */
// biome-ignore lint/suspicious/noExplicitAny: test bodies are checked by assertions
export type Body = any;

export interface Reply<T = Body> {
  status: number;
  body: T;
  headers: Headers;
}

export class Client {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}
  async request<T = Body>(
    method: string,
    path: string,
    body?: unknown,
    init: { signal?: AbortSignal } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    // node:http with keep-alive rather than fetch: thousands of requests per test stay cheap.
    const url = new URL(path, this.baseUrl);
    return new Promise<Reply<T>>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method,
          headers,
          agent,
          signal: init.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
            try {
              resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, headers: h });
            } catch (error) {
              reject(error);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
  /**
   * A client that gives up: writes the whole request, then drops the connection before
   * any answer (a client-side timeout). Resolves once the request has left.
   */
  abandon(method: string, path: string, body: unknown): Promise<void> {
    const payload = JSON.stringify(body);
    const url = new URL(path, this.baseUrl);
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(payload)),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
      });
      req.on('error', () => {}); // the abort itself
      req.on('response', (res) => res.destroy());
      req.end(payload, () => {
        req.destroy();
        resolve();
      });
      req.on('close', () => resolve());
      req.on('timeout', () => reject(new Error('timeout')));
    });
  }
  get<T = Body>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = Body>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }
  patch<T = Body>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  put<T = Body>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body);
  }
  as(token: string | undefined): Client {
    return new Client(this.baseUrl, token);
  }
}

export interface TestServer {
  app: LicensingServer;
  url: string;
  clock: TestClock;
  admin: Client;
  anon: Client;
  dialect: Dialect;
  databaseUrl: string | null;
  sqlitePath: string | null;
  /** an organisation with one activated device */
  org(opts?: { allowance?: number; timeZone?: string; name?: string }): Promise<TestOrg>;
  close(): Promise<void>;
}

export interface TestOrg {
  id: string;
  licenseKey: string;
  device: Client;
  /** activates another device of this organisation */
  addDevice(name?: string, email?: string): Promise<Client>;
}

export async function startServer(
  dialect: Dialect,
  opts: Partial<LicensingServerOptions> & { clock?: () => number } = {},
): Promise<TestServer> {
  const clock = new TestClock();
  let cleanup: () => Promise<void> | void;
  let database: LicensingServerOptions['database'];
  let databaseUrl: string | null = null;
  let sqlitePath: string | null = null;
  if (dialect === 'sqlite') {
    const dir = tempDir('rowsmith-server-');
    sqlitePath = `${dir.path}/licensing.sqlite`;
    database = { kind: 'sqlite', path: sqlitePath, synchronous: 'NORMAL' };
    cleanup = () => dir.cleanup();
  } else {
    const pgdb = await createPgDatabase();
    databaseUrl = pgdb.url;
    database = { kind: 'postgres', connectionString: pgdb.url, poolSize: 10 };
    cleanup = () => pgdb.drop();
  }
  const app = await createServer({
    database,
    clock: opts.clock ?? clock.now,
    adminToken: ADMIN_TOKEN,
    logLevel: 'silent',
    rateLimit: { max: 1_000_000_000, activateMax: 1_000_000 },
    ...opts,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const admin = new Client(url, ADMIN_TOKEN);
  let n = 0;
  return {
    app,
    url,
    clock,
    admin,
    anon: new Client(url),
    dialect,
    databaseUrl,
    sqlitePath,
    async org(o = {}) {
      const created = await admin.post('/v1/admin/orgs', {
        name: o.name ?? `Org ${++n}`,
        monthlyAllowance: o.allowance ?? 1_000,
        ...(o.timeZone ? { timeZone: o.timeZone } : {}),
      });
      if (created.status !== 201)
        throw new Error(`create org: ${created.status} ${JSON.stringify(created.body)}`);
      const { id, licenseKey } = created.body as { id: string; licenseKey: string };
      let d = 0;
      const addDevice = async (name?: string, email?: string) => {
        const res = await new Client(url).post('/v1/activate', {
          licenseKey,
          deviceName: name ?? `Device ${++d}`,
          userEmail: email ?? `user${d}@example.com`,
        });
        if (res.status !== 201) throw new Error(`activate: ${res.status} ${JSON.stringify(res.body)}`);
        return new Client(url, res.body.deviceToken);
      };
      return { id, licenseKey, device: await addDevice(), addDevice };
    },
    async close() {
      await app.close();
      await cleanup();
    },
  };
}

/** Waits for a condition, checking it again every few milliseconds (never a fixed sleep). */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Asserts an error answer: its status, its code, a message, and no stack trace. */
export function expectError(res: { status: number; body: Body }, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ error: code, message: expect.any(String) });
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
}

let keyCounter = 0;
/** A fresh idempotency key. */
export const key = (prefix = 'k'): string =>
  `${prefix}-${process.pid}-${++keyCounter}-${Math.random().toString(36).slice(2)}`;
