// The licensing server's performance targets, measured over loopback HTTP: single
// consumes per second on SQLite (target >= 1,000/s) and on PostgreSQL when one is
// configured, events per second through batched sync (target >= 5,000/s) and the p99
// latency of a consume. The server runs in this process (as the desktop embeds it);
// the load comes from a worker thread with keep-alive sockets, so client and server
// do not share an event loop. Bounded loops, 127.0.0.1 only. `benchServer()` is called
// by the main bench; `npm run bench:server` runs it alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { createServer, type LicensingServer } from '../src/server/server';

export interface Result {
  name: string;
  value: number;
  unit: string;
  target?: string;
  pass?: boolean;
  note?: string;
}

const ADMIN = 'bench-admin-token';
const CONSUMES = Number(process.env.BENCH_SERVER_CONSUMES ?? 6_000);
const CONCURRENCY = Number(process.env.BENCH_SERVER_CONCURRENCY ?? 16);
const SYNC_DEVICES = 4;
const SYNC_BATCHES = 10;
const SYNC_BATCH = 1_000;

interface Req {
  method: 'GET' | 'POST';
  path: string;
  token: string;
  body?: string;
}
interface LoadResult {
  ms: number;
  latencies: number[];
  statuses: Record<string, number>;
}

// The load generator, as source for a worker thread: node:http with keep-alive,
// `concurrency` requests in flight, each request's latency recorded.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, requests, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const latencies = new Array(requests.length);
const statuses = {};
let next = 0;
function send(r) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request({ host: '127.0.0.1', port, method: r.method, path: r.path, agent,
      headers: Object.assign({ authorization: 'Bearer ' + r.token }, r.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) } : {}) },
      (res) => { res.resume(); res.on('end', () => { statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1; resolve(performance.now() - started); }); });
    req.on('error', reject);
    req.end(r.body);
  });
}
async function lane() { while (next < requests.length) { const i = next++; latencies[i] = await send(requests[i]); } }
(async () => {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  parentPort.postMessage({ ms: performance.now() - t0, latencies, statuses });
  agent.destroy();
})().catch((e) => { throw e; });
`;

function load(port: number, requests: Req[], concurrency: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { port, requests, concurrency } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * p) - 1)] ?? 0;
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

async function json(
  app: LicensingServer,
  method: 'GET' | 'POST',
  url: string,
  token: string,
  payload?: unknown,
) {
  const res = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    payload: payload as object,
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function measure(
  label: string,
  app: LicensingServer,
  port: number,
  opts: { consumesOnly?: boolean } = {},
): Promise<Result[]> {
  const org = await json(app, 'POST', '/v1/admin/orgs', ADMIN, {
    name: 'Bench',
    monthlyAllowance: 100_000_000,
  });
  const tokens: string[] = [];
  for (let i = 0; i < Math.max(CONCURRENCY, SYNC_DEVICES); i++) {
    const dev = await json(app, 'POST', '/v1/activate', '', {
      licenseKey: org.licenseKey,
      deviceName: `bench ${i}`,
      userEmail: `bench${i}@example.com`,
    });
    tokens.push(dev.deviceToken);
  }
  const consumes = (n: number, prefix: string): Req[] =>
    Array.from({ length: n }, (_, i) => ({
      method: 'POST',
      path: '/v1/consume',
      token: tokens[i % CONCURRENCY] as string,
      body: JSON.stringify({ idempotencyKey: `${prefix}-${i}`, action: 'email.verify', quantity: 1 }),
    }));
  const warm = await load(port, consumes(1_000, 'warm'), CONCURRENCY);
  if (warm.statuses['200'] !== 1_000)
    throw new Error(`bench ${label}: warm-up answered ${JSON.stringify(warm.statuses)}`);
  const run = await load(port, consumes(CONSUMES, 'run'), CONCURRENCY);
  if (run.statuses['200'] !== CONSUMES)
    throw new Error(`bench ${label}: consumes answered ${JSON.stringify(run.statuses)}`);
  const ok = run.statuses['200'] ?? 0;
  const perSecond = round(ok / (run.ms / 1000));
  const results: Result[] = [
    {
      name: `licensing ${label}: single consumes/s (${CONCURRENCY} in flight)`,
      value: perSecond,
      unit: '/s',
      ...(label === 'SQLite' ? { target: '>= 1000/s', pass: perSecond >= 1_000 } : {}),
      ...(ok !== CONSUMES
        ? { note: `only ${ok} of ${CONSUMES} answered 200: ${JSON.stringify(run.statuses)}` }
        : {}),
    },
    {
      name: `licensing ${label}: consume latency p50`,
      value: round(percentile(run.latencies, 0.5), 2),
      unit: 'ms',
    },
    {
      name: `licensing ${label}: consume latency p99`,
      value: round(percentile(run.latencies, 0.99), 2),
      unit: 'ms',
    },
  ];
  if (opts.consumesOnly) return results;

  // Batched sync: each device spends a lease offline and syncs 1,000 events a request.
  const leases: string[] = [];
  for (let d = 0; d < SYNC_DEVICES; d++) {
    const lease = await json(app, 'POST', '/v1/leases', tokens[d] as string, { credits: 1_000_000 });
    leases.push(lease.lease.leaseId);
  }
  const at = new Date().toISOString();
  const syncs: Req[] = [];
  for (let b = 0; b < SYNC_BATCHES; b++) {
    for (let d = 0; d < SYNC_DEVICES; d++) {
      const events = Array.from({ length: SYNC_BATCH }, (_, i) => {
        const seq = b * SYNC_BATCH + i + 1;
        return { seq, idempotencyKey: `sync-${d}-${seq}`, action: 'email.verify', quantity: 1, at };
      });
      syncs.push({
        method: 'POST',
        path: '/v1/sync',
        token: tokens[d] as string,
        body: JSON.stringify({ leaseId: leases[d], events }),
      });
    }
  }
  // One request in flight per device: a device syncs its outbox in order.
  const synced = await load(port, syncs, SYNC_DEVICES);
  const events = (synced.statuses['200'] ?? 0) * SYNC_BATCH;
  const eventsPerSecond = round(events / (synced.ms / 1000));
  results.push({
    name: `licensing ${label}: events/s through batched sync (${SYNC_BATCH}/request)`,
    value: eventsPerSecond,
    unit: '/s',
    target: '>= 5000/s',
    pass: eventsPerSecond >= 5_000,
    ...(events !== SYNC_DEVICES * SYNC_BATCHES * SYNC_BATCH ? { note: 'some sync requests failed' } : {}),
  });
  const balance = await json(app, 'GET', '/v1/balance', tokens[0] as string);
  const expected = 1_000 + CONSUMES + SYNC_DEVICES * SYNC_BATCHES * SYNC_BATCH;
  if (balance.consumed !== expected)
    throw new Error(`bench ${label}: consumed ${balance.consumed}, expected ${expected}`);
  return results;
}

async function withServer(
  database: Parameters<typeof createServer>[0]['database'],
  fn: (app: LicensingServer, port: number) => Promise<Result[]>,
): Promise<Result[]> {
  const app = await createServer({ database, adminToken: ADMIN, logLevel: 'warn', rateLimit: false });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return await fn(app, port);
  } finally {
    await app.close();
  }
}

/** PostgreSQL for the bench: a fresh database next to the one ROWSMITH_BENCH_PG or ROWSMITH_TEST_PG names. */
async function pgDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const base = process.env.ROWSMITH_BENCH_PG ?? process.env.ROWSMITH_TEST_PG;
  if (!base) return null;
  const name = `rowsmith_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const match = /^([a-z]+:\/\/[^/?]*)(\/[^?]*)?(\?.*)?$/i.exec(base);
  if (!match) throw new Error('ROWSMITH_BENCH_PG is not a connection string');
  return {
    url: `${match[1]}/${name}${match[3] ?? ''}`,
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function benchServer(): Promise<Result[]> {
  const results: Result[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'rowsmith-bench-server-'));
  try {
    results.push(
      ...(await withServer({ kind: 'sqlite', path: join(dir, 'licensing.sqlite') }, (app, port) =>
        measure('SQLite', app, port),
      )),
    );
    // The same with every commit synced to disk (ROWSMITH_SQLITE_SYNC=FULL), for comparison.
    const full = await withServer(
      { kind: 'sqlite', path: join(dir, 'licensing-full.sqlite'), synchronous: 'FULL' },
      (app, port) => measure('SQLite synchronous=FULL', app, port, { consumesOnly: true }),
    );
    results.push(...full.map((r) => ({ ...r, target: undefined, pass: undefined })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const database = await pgDatabase();
  if (!database) {
    results.push({
      name: 'licensing PostgreSQL: single consumes/s',
      value: 0,
      unit: '/s',
      note: 'not measured: set ROWSMITH_BENCH_PG (or ROWSMITH_TEST_PG) to a PostgreSQL connection string',
    });
    return results;
  }
  try {
    results.push(
      ...(await withServer({ kind: 'postgres', connectionString: database.url, poolSize: 16 }, (app, port) =>
        measure('PostgreSQL', app, port),
      )),
    );
  } finally {
    await database.drop();
  }
  return results;
}
