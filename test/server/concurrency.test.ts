// No overspend under any concurrency: the conditional counter UPDATE is the only gate.
// 1,000 concurrent consumes against 1 credit left; 50 clients x 100 consumes against
// 1,000 credits — in-process on both dialects, and on PostgreSQL through four real
// server processes sharing the one database (nothing in a server's memory matters).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, Client, describeDialects, key, startServer, type TestServer } from './helpers/harness';
import { createPgDatabase, IN_CI, PG_ADMIN_URL, type PgDatabase } from './helpers/postgres';
import { buildServerBundle, type ServerProcess, spawnServer } from './helpers/processes';

async function fiftyClientsTimesHundred(
  clients: Client[],
): Promise<{ ok: number; refused: number; other: number[] }> {
  let ok = 0;
  let refused = 0;
  const other: number[] = [];
  await Promise.all(
    clients.map(async (client) => {
      for (let i = 0; i < 100; i++) {
        const res = await client.post('/v1/consume', {
          idempotencyKey: key('c'),
          action: 'email.verify',
          quantity: 1,
        });
        if (res.status === 200) ok++;
        else if (res.status === 402) refused++;
        else other.push(res.status);
      }
    }),
  );
  return { ok, refused, other };
}

describeDialects('concurrency', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(dialect);
  });
  afterAll(async () => s?.close());

  const ledgerSum = async (orgId: string) => {
    const row = await s.app.licensing.ctx.ldb.db
      .selectFrom('ledger')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('credits'), eb.lit(0)).as('total'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    return Number(row.total);
  };

  it('1,000 concurrent consumes against 1 remaining credit: exactly 1 succeeds', async () => {
    const org = await s.org({ allowance: 100 });
    await org.device.post('/v1/consume', { idempotencyKey: key(), action: 'email.verify', quantity: 99 });
    const results = await Promise.all(
      Array.from({ length: 1_000 }, () =>
        org.device.post('/v1/consume', { idempotencyKey: key(), action: 'email.verify', quantity: 1 }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    expect(statuses.filter((x) => x === 402)).toHaveLength(999);
    expect((await org.device.get('/v1/balance')).body).toMatchObject({ consumed: 100, remaining: 0 });
    expect(await ledgerSum(org.id)).toBe(100);
  }, 60_000);

  it('50 clients x 100 consumes against 1,000 credits: exactly 1,000 succeed, ledger sum 1,000', async () => {
    const org = await s.org({ allowance: 1_000 });
    const clients = [org.device];
    for (let i = 1; i < 50; i++) clients.push(await org.addDevice());
    const { ok, refused, other } = await fiftyClientsTimesHundred(clients);
    expect(other).toEqual([]);
    expect(ok).toBe(1_000);
    expect(refused).toBe(4_000);
    expect(await ledgerSum(org.id)).toBe(1_000);
    expect((await org.device.get('/v1/balance')).body).toMatchObject({ consumed: 1_000, remaining: 0 });
  }, 90_000);

  it('concurrent holds and leases from many devices never reserve more than is left', async () => {
    const org = await s.org({ allowance: 1_000 });
    const clients = [org.device];
    for (let i = 1; i < 20; i++) clients.push(await org.addDevice());
    const results = await Promise.all(
      clients.flatMap((c, i) => [
        c.post('/v1/holds', { idempotencyKey: key(), action: 'person.email.find', quantity: 20 }),
        c.post('/v1/leases', { credits: 37 + i }),
        c.post('/v1/consume', { idempotencyKey: key(), action: 'email.verify', quantity: 7 }),
      ]),
    );
    let reserved = 0;
    let consumed = 0;
    for (const r of results) {
      expect([200, 201, 402]).toContain(r.status);
      if (r.status === 201) reserved += r.body.reserved ?? r.body.lease.credits;
      if (r.status === 200) consumed += r.body.charged;
    }
    expect(reserved + consumed).toBe(1_000); // everything asked for more than was there
    expect((await org.device.get('/v1/balance')).body).toMatchObject({ consumed, reserved, remaining: 0 });
  });
});

describe('four server processes sharing one PostgreSQL', () => {
  if (!PG_ADMIN_URL) {
    if (IN_CI)
      it('needs PostgreSQL', () => {
        throw new Error('ROWSMITH_TEST_PG is not set: the PostgreSQL suites must run in CI');
      });
    else it.skip('PostgreSQL (set ROWSMITH_TEST_PG to run)', () => {});
    return;
  }
  let database: PgDatabase;
  let bundle: { file: string; remove(): void };
  let servers: ServerProcess[] = [];
  beforeAll(async () => {
    [database, bundle] = await Promise.all([createPgDatabase(), buildServerBundle()]);
    const env = {
      DATABASE_URL: database.url,
      ROWSMITH_ADMIN_TOKEN: ADMIN_TOKEN,
      ROWSMITH_RATE_LIMIT: '0',
      ROWSMITH_PG_POOL: '8',
    };
    // All four start at once: migrations and the signing key must survive the race.
    servers = await Promise.all(Array.from({ length: 4 }, () => spawnServer(bundle.file, env)));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((p) => p.kill()));
    bundle?.remove();
    await database?.drop();
  });

  it('50 clients x 100 consumes against 1,000 credits over 4 processes: exactly 1,000 succeed', async () => {
    const admin = new Client(servers[0]?.url ?? '', ADMIN_TOKEN);
    const created = await admin.post('/v1/admin/orgs', { name: 'Scale-out', monthlyAllowance: 1_000 });
    expect(created.status).toBe(201);
    const clients: Client[] = [];
    for (let i = 0; i < 50; i++) {
      const server = servers[i % servers.length] as ServerProcess;
      const res = await new Client(server.url).post('/v1/activate', {
        licenseKey: created.body.licenseKey,
        deviceName: `Device ${i}`,
        userEmail: `u${i}@example.com`,
      });
      expect(res.status).toBe(201);
      clients.push(new Client(server.url, res.body.deviceToken));
    }
    const { ok, refused, other } = await fiftyClientsTimesHundred(clients);
    expect(other).toEqual([]);
    expect(ok).toBe(1_000);
    expect(refused).toBe(4_000);
    // Every server signs leases with the same key (generated once, by whichever won).
    const keys = await Promise.all(
      servers.map(async (p) => (await new Client(p.url).get('/v1/public-key')).body.publicKey),
    );
    expect(new Set(keys).size).toBe(1);
    const pool = new pg.Client({ connectionString: database.url });
    await pool.connect();
    try {
      const sum = await pool.query(
        'SELECT COALESCE(SUM(credits), 0)::int AS total, COUNT(*)::int AS n FROM ledger WHERE org_id = $1',
        [created.body.id],
      );
      expect(sum.rows[0]).toEqual({ total: 1_000, n: 1_000 });
      const counter = await pool.query('SELECT consumed::int FROM period_counters WHERE org_id = $1', [
        created.body.id,
      ]);
      expect(counter.rows).toEqual([{ consumed: 1_000 }]);
    } finally {
      await pool.end();
    }
  }, 120_000);
});
