// The desktop's credit client against the real licensing server (in-process, SQLite,
// real HTTP over loopback): runs charge the server exactly once per success through
// holds and batched captures; offline, a run spends this workbook's signed lease, and
// the debits reach the server once it is back — never counted twice, never past what
// the organisation has.
import { join } from 'node:path';
import type { TableInfo } from '@shared/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type LicensingServer } from '../../../src/server/server';
import { type HttpFake, startHttpFake } from '../../fakes/http-fake';
import { startTestApp, type TestApp } from '../../helpers/app';
import { tempDir } from '../../helpers/temp';
import { ADMIN_TOKEN, Client } from '../../server/helpers/harness';

let dir: { path: string; cleanup(): void };
let server: LicensingServer;
let url: string;
let port: number;
let fake: HttpFake;
const apps: TestApp[] = [];

async function startLicensing(): Promise<void> {
  server = await createServer({
    database: { kind: 'sqlite', path: join(dir.path, 'licensing.sqlite') },
    adminToken: ADMIN_TOKEN,
    logLevel: 'silent',
    rateLimit: false,
  });
  url = await server.listen({ host: '127.0.0.1', port });
  port = Number(new URL(url).port);
}

beforeEach(async () => {
  dir = tempDir('rowsmith-credits-');
  port = 0;
  await startLicensing();
  fake = await startHttpFake({
    handler: (req) => {
      const id = Number(new URL(req.url, 'http://x').searchParams.get('id'));
      return id % 5 === 0
        ? { status: 404, body: '{"error":"unknown"}' }
        : { status: 200, body: JSON.stringify({ size: id }) };
    },
  });
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await server.close();
  await fake.close();
  dir.cleanup();
});

async function createOrg(allowance: number): Promise<string> {
  const res = await new Client(url, ADMIN_TOKEN).post('/v1/admin/orgs', {
    name: 'Acme',
    monthlyAllowance: allowance,
  });
  expect(res.status).toBe(201);
  return res.body.licenseKey as string;
}

/** A workbook with `rows` rows and an HTTP request column, connected to the server. */
async function workbookOn(licenseKey: string, rows: number) {
  const t = await startTestApp({ engine: { concurrency: 8, timeoutMs: 5_000 } });
  apps.push(t);
  const status = await t.call('licensing/connect', {
    serverUrl: url,
    licenseKey,
    userEmail: 'ana@acme.example',
  });
  expect(status).toMatchObject({ source: 'server', online: true, orgName: 'Acme' });
  const table: TableInfo = await t.call('tables/create', { name: 'Rows' });
  const name = table.columns[0]?.id as number;
  const insert = t.app.workbook.conn.prepare(`INSERT INTO rows_${table.id} (id, c${name}) VALUES (?, ?)`);
  t.app.workbook.conn.transaction(() => {
    for (let id = 1; id <= rows; id++) insert.run(id, String(id));
  })();
  t.app.rows.changed(table.id);
  const enrichment = await t.call('enrichments/add', {
    tableId: table.id,
    name: 'Size',
    config: {
      actionId: 'http.request',
      options: {
        method: 'GET',
        url: `${fake.url}/s?id={{Name}}`,
        outputs: [{ key: 's', path: 'size' }],
        ratePerSecond: 10_000,
      },
      outputs: [{ key: 's', name: 'Size', type: 'number' }],
    },
  });
  const run = async (force = false) => {
    const started = await t.call('runs/start', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' }, force },
    });
    return t.app.engine.wait(started.id);
  };
  const flush = () => t.app.licensing.current?.sync.flush();
  const outbox = () =>
    t.app.workbook.conn.prepare('SELECT kind, COUNT(*) AS n FROM credit_outbox GROUP BY kind').all();
  return { t, run, flush, outbox };
}

const balanceOf = async (licenseKey: string) => {
  const device = await new Client(url).post('/v1/activate', {
    licenseKey,
    deviceName: 'auditor',
    userEmail: 'audit@acme.example',
  });
  return (await new Client(url, device.body.deviceToken).get('/v1/balance')).body;
};

describe('credits through the licensing server', () => {
  it('charges the server once per result, and a re-run from the cache charges nothing', async () => {
    const licenseKey = await createOrg(1_000);
    const w = await workbookOn(licenseKey, 100);
    const first = await w.run();
    expect(first).toMatchObject({ status: 'done', done: 80, notFound: 20, credits: 80 });
    await w.flush();
    expect(w.outbox()).toEqual([]);
    const balance = await balanceOf(licenseKey);
    expect(balance.consumed).toBe(80);
    // The run's hold is released: only the offline lease stays reserved.
    const lease = w.t.app.credits.status().offlineAvailable ?? 0;
    expect(lease).toBeGreaterThan(0);
    expect(balance.reserved).toBe(lease);

    const again = await w.run(true);
    expect(again).toMatchObject({ done: 80, cached: 100, credits: 0 });
    await w.flush();
    expect((await balanceOf(licenseKey)).consumed).toBe(80);
    expect(w.t.app.credits.status()).toMatchObject({ online: true, pending: 0 });
  });

  it('spends the signed lease while the server is down, then syncs it exactly once', async () => {
    const licenseKey = await createOrg(1_000); // lease: 5% = 50 credits
    const w = await workbookOn(licenseKey, 100);
    expect(w.t.app.credits.status().offlineAvailable).toBe(50);
    await server.close();

    const offline = await w.run();
    // 50 credits pay for 50 results; the rows after that cost nothing and say why.
    expect(offline.done).toBe(50);
    expect(offline.credits).toBe(50);
    expect(offline.outOfCredits).toBeGreaterThan(0);
    expect(offline.done + offline.notFound + offline.outOfCredits).toBe(100);
    expect(w.t.app.credits.status()).toMatchObject({ online: false, pending: 50, remaining: 0 });
    expect(w.outbox()).toEqual([{ kind: 'debit', n: expect.any(Number) }]);

    await startLicensing(); // same database, same port
    await w.flush();
    await w.flush();
    expect(w.outbox()).toEqual([]);
    const balance = await balanceOf(licenseKey);
    expect(balance.consumed).toBe(50);
    expect(w.t.app.credits.status()).toMatchObject({ online: true, pending: 0 });

    // The rows that ran out go once credits are there again.
    const rest = await w.t.call('runs/start', {
      enrichmentId: (await w.t.call('enrichments/list', { tableId: offline.tableId }))[0]?.id as number,
      scope: { target: { kind: 'all' }, only: 'failed' },
    });
    const final = await w.t.app.engine.wait(rest.id);
    await w.flush();
    expect((await balanceOf(licenseKey)).consumed).toBe(50 + final.done);
    expect(50 + final.done).toBe(80);
  });

  it('resumes the cells that ran out once the vendor grants more credits', async () => {
    const licenseKey = await createOrg(40);
    const w = await workbookOn(licenseKey, 100);
    const first = await w.run();
    expect(first.outOfCredits).toBeGreaterThan(0);
    await w.flush();
    const orgs = await new Client(url, ADMIN_TOKEN).get('/v1/admin/orgs');
    const orgId = orgs.body.items[0].id as string;
    const grant = await new Client(url, ADMIN_TOKEN).post(`/v1/admin/orgs/${orgId}/grants`, {
      credits: 100,
      reason: 'capacity request',
    });
    expect(grant.status).toBe(201);
    await w.flush(); // the app refreshes its balance every minute; here, at once
    const [resumedId] = await w.t.app.engine.resumeOutOfCredits();
    const resumed = await w.t.app.engine.wait(resumedId as number);
    expect(resumed.trigger).toBe('resume');
    expect(first.done + resumed.done).toBe(80);
    await w.flush();
    expect((await balanceOf(licenseKey)).consumed).toBe(80);
  });

  it('refuses a lease that the server did not sign', async () => {
    const licenseKey = await createOrg(1_000);
    const w = await workbookOn(licenseKey, 1);
    const client = w.t.app.licensing.current?.client;
    const stored = client?.validLease();
    expect(stored).toBeTruthy();
    if (!client || !stored) return;
    expect(() => client.storeLease({ ...stored, lease: { ...stored.lease, credits: 1_000_000 } })).toThrow(
      /not signed/,
    );
  });

  it('lets two workbooks of one organisation spend at most its allowance, together', async () => {
    const licenseKey = await createOrg(120);
    const a = await workbookOn(licenseKey, 100);
    const b = await workbookOn(licenseKey, 100);
    const [ra, rb] = await Promise.all([a.run(), b.run()]);
    await Promise.all([a.flush(), b.flush()]);
    const balance = await balanceOf(licenseKey);
    expect(ra.credits + rb.credits).toBe(balance.consumed);
    expect(balance.consumed).toBeLessThanOrEqual(120);
    expect(balance.consumed + balance.remaining + balance.reserved).toBe(120);
    // The allowance ran out for at least one of them; those rows cost nothing.
    expect(ra.outOfCredits + rb.outOfCredits).toBeGreaterThan(0);
    expect(ra.done + rb.done).toBe(balance.consumed);
  });
});
