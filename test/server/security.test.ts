// Security properties a customer would notice: one organisation's token can never see,
// charge, capture, release or sync another's holds, leases or usage (nor another
// device's, within an organisation); idempotency keys are per organisation; the
// database holds no plaintext token or license key; a failure inside the server
// answers `internal` with no detail. Both dialects.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  describeDialects,
  key,
  startServer,
  type TestOrg,
  type TestServer,
} from './helpers/harness';

describeDialects('security', (dialect) => {
  let s: TestServer;
  let a: TestOrg;
  let b: TestOrg;
  beforeAll(async () => {
    s = await startServer(dialect);
    a = await s.org({ allowance: 100, name: 'A' });
    b = await s.org({ allowance: 100, name: 'B' });
  });
  afterAll(async () => s?.close());

  it("org A's token cannot see, charge, capture, release or sync org B's holds, leases or usage", async () => {
    const bHold = (
      await b.device.post('/v1/holds', { idempotencyKey: key(), action: 'email.verify', quantity: 10 })
    ).body;
    const bLease = (await b.device.post('/v1/leases', { credits: 10 })).body.lease;
    await b.device.post('/v1/consume', { idempotencyKey: key(), action: 'email.verify', quantity: 3 });
    await b.device.post('/v1/capacity-requests', { message: 'B needs more' });
    const bBefore = (await b.device.get('/v1/balance')).body;

    const at = new Date(s.clock.now()).toISOString();
    const attempts = [
      await a.device.get(`/v1/holds/${bHold.holdId}`),
      await a.device.post(`/v1/holds/${bHold.holdId}/capture`, { idempotencyKey: key(), quantity: 1 }),
      await a.device.post(`/v1/holds/${bHold.holdId}/release`),
      await a.device.get(`/v1/leases/${bLease.leaseId}`),
      await a.device.post('/v1/sync', {
        leaseId: bLease.leaseId,
        events: [{ seq: 1, idempotencyKey: key(), action: 'email.verify', quantity: 1, at }],
      }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('not_found');
    }
    expect((await a.device.get('/v1/usage')).body.items).toEqual([]);
    expect((await a.device.get('/v1/usage/summary')).body.total).toBe(0);
    expect((await a.device.get('/v1/capacity-requests')).body.items).toEqual([]);
    expect((await b.device.get('/v1/balance')).body).toEqual(bBefore);
    expect((await b.device.get(`/v1/holds/${bHold.holdId}`)).body).toMatchObject({
      status: 'active',
      captured: 0,
    });
  });

  it("another device of the same organisation cannot use a device's hold or lease", async () => {
    const other = await a.addDevice();
    const hold = (
      await a.device.post('/v1/holds', { idempotencyKey: key(), action: 'email.verify', quantity: 5 })
    ).body;
    const lease = (await a.device.post('/v1/leases', { credits: 5 })).body.lease;
    expect(
      (await other.post(`/v1/holds/${hold.holdId}/capture`, { idempotencyKey: key(), quantity: 1 })).status,
    ).toBe(404);
    expect((await other.post(`/v1/holds/${hold.holdId}/release`)).status).toBe(404);
    const sync = await other.post('/v1/sync', {
      leaseId: lease.leaseId,
      events: [
        {
          seq: 1,
          idempotencyKey: key(),
          action: 'email.verify',
          quantity: 1,
          at: new Date(s.clock.now()).toISOString(),
        },
      ],
    });
    expect(sync.status).toBe(404);
    // …but the team's usage is shared: it sees what its colleague spent.
    await a.device.post('/v1/consume', { idempotencyKey: key(), action: 'email.verify', quantity: 1 });
    expect((await other.get('/v1/usage')).body.items.length).toBeGreaterThan(0);
  });

  it('idempotency keys are per organisation: the same key in two organisations charges both', async () => {
    const k = key('shared');
    const ra = await a.device.post('/v1/consume', { idempotencyKey: k, action: 'email.verify', quantity: 1 });
    const rb = await b.device.post('/v1/consume', { idempotencyKey: k, action: 'phone.verify', quantity: 2 });
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(rb.body.charged).toBe(2);
  });

  it('the admin cannot reach a device through the wrong organisation', async () => {
    const bDevice = (await b.device.get('/v1/me')).body.deviceId;
    const res = await s.admin.post(`/v1/admin/orgs/${a.id}/devices/${bDevice}/revoke`);
    expect(res.status).toBe(404);
    expect((await b.device.get('/v1/me')).status).toBe(200);
  });

  it('the database holds no plaintext token or license key', async () => {
    const org = await s.org({ allowance: 10 });
    const secrets = [
      org.licenseKey,
      org.device.token as string,
      a.licenseKey,
      a.device.token as string,
      ADMIN_TOKEN,
    ];
    const { db } = s.app.licensing.ctx.ldb;
    const tables = [
      'orgs',
      'org_prices',
      'users',
      'devices',
      'period_counters',
      'grants',
      'holds',
      'leases',
      'ledger',
      'sync_events',
      'capacity_requests',
      'server_settings',
    ] as const;
    let cells = 0;
    for (const table of tables) {
      const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(db);
      for (const row of rows.rows) {
        for (const value of Object.values(row)) {
          cells++;
          for (const secret of secrets) expect(String(value)).not.toContain(secret);
        }
      }
    }
    expect(cells).toBeGreaterThan(50);
    // The digests are there instead.
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(org.licenseKey).digest('hex');
    expect(
      (await db.selectFrom('orgs').select('id').where('license_key_hash', '=', digest).executeTakeFirst())
        ?.id,
    ).toBe(org.id);
    if (s.sqlitePath) {
      // Nor do the raw files (database, WAL): no secret was ever written anywhere.
      const dir = dirname(s.sqlitePath);
      for (const file of readdirSync(dir)) {
        const bytes = readFileSync(join(dir, file));
        for (const secret of secrets) expect(bytes.includes(Buffer.from(secret))).toBe(false);
      }
    }
  });
});

it('a failure inside the server is 500 `internal` with no detail, logged not leaked', async () => {
  const s = await startServer('sqlite');
  try {
    const org = await s.org();
    await sql`DROP TABLE org_prices`.execute(s.app.licensing.ctx.ldb.db);
    const res = await org.device.get('/v1/balance');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'internal', message: 'internal error' });
  } finally {
    await s.close();
  }
});
