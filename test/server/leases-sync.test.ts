// Offline leases and sync, on both dialects: a device spends a 100-credit lease offline
// and syncs its outbox shuffled and duplicated — consumed is exactly 100; spending past
// the lease is refused for good; ten devices together never lease more than the
// allowance; an expired lease gives back what it did not use; the signature verifies
// with the public key and fails when anything is tampered with.
import { generateKeyPairSync } from 'node:crypto';
import { type LeasePayload, leaseResponseSchema, type SyncEvent } from '@shared/licensing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLease } from '../../src/server/lease-signature';
import { DEFAULT_PRICES } from '../../src/server/prices';
import { describeDialects, key, startServer, type TestServer } from './helpers/harness';

/** Events worth exactly `credits` at the default prices, with seqs from `firstSeq`. */
function eventsWorth(credits: number, firstSeq: number, at: string): SyncEvent[] {
  const actions = ['email.verify', 'person.email.find', 'company.jobs', 'person.phoneEmail.find'] as const;
  const events: SyncEvent[] = [];
  let left = credits;
  let i = 0;
  while (left > 0) {
    const action = actions[i % actions.length] as string;
    const price = DEFAULT_PRICES[action] as number;
    const chosen = price <= left ? action : 'email.verify';
    const quantity = 1;
    left -= DEFAULT_PRICES[chosen] as number;
    events.push({ seq: firstSeq + events.length, idempotencyKey: key('ev'), action: chosen, quantity, at });
    i++;
  }
  return events;
}

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let x = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describeDialects('leases and sync', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(dialect);
  });
  afterAll(async () => s?.close());
  const now = () => new Date(s.clock.now()).toISOString();

  it('a 100-credit lease spent offline, synced shuffled and duplicated: consumed is exactly 100', async () => {
    const org = await s.org({ allowance: 1_000 });
    const lease = (await org.device.post('/v1/leases', { idempotencyKey: key(), credits: 100 })).body.lease;
    const events = eventsWorth(100, 1, now());
    const n = events.length;
    // The tail first: nothing is acknowledged while seq 1 is missing.
    const tail = events.filter((e) => e.seq > n / 2);
    const first = await org.device.post('/v1/sync', { leaseId: lease.leaseId, events: shuffle(tail, 7) });
    expect(first.body).toMatchObject({ ackedThrough: 0, applied: tail.length, duplicates: 0, rejected: [] });
    // Then everything, shuffled, in overlapping batches, each sent twice.
    const all = shuffle([...events, ...events.slice(0, 10)], 42);
    const batches = [all.slice(0, 20), all.slice(10, 60), all.slice(40)];
    for (const batch of [...batches, ...shuffle(batches, 3)]) {
      const res = await org.device.post('/v1/sync', { leaseId: lease.leaseId, events: batch });
      expect(res.status).toBe(200);
      expect(res.body.rejected).toEqual([]);
    }
    const last = await org.device.post('/v1/sync', { leaseId: lease.leaseId, events: shuffle(events, 9) });
    expect(last.body).toMatchObject({
      ackedThrough: n,
      applied: 0,
      duplicates: n,
      lease: { credits: 100, used: 100, remaining: 0, status: 'active' },
      balance: { consumed: 100, reserved: 0, remaining: 900 },
    });
    const usage = await org.device.get('/v1/usage?limit=1000');
    expect(usage.body.items).toHaveLength(n);
    expect(usage.body.items.reduce((sum: number, i: { credits: number }) => sum + i.credits, 0)).toBe(100);
    expect((await org.device.get('/v1/me')).body.ackedThrough).toBe(n);
  });

  it('spending past the lease is refused, for good', async () => {
    const org = await s.org({ allowance: 1_000 });
    const lease = (await org.device.post('/v1/leases', { credits: 10 })).body.lease;
    const events = [
      ...eventsWorth(10, 1, now()),
      { seq: 0, idempotencyKey: key(), action: 'email.verify', quantity: 3, at: now() },
    ].map((e, i) => ({ ...e, seq: i + 1 }));
    const res = await org.device.post('/v1/sync', { leaseId: lease.leaseId, events });
    expect(res.body.applied).toBe(events.length - 1);
    expect(res.body.rejected).toEqual([
      { seq: events.length, idempotencyKey: events.at(-1)?.idempotencyKey, reason: 'lease_exhausted' },
    ]);
    expect(res.body.ackedThrough).toBe(events.length);
    // Credits freed elsewhere do not make a refused event go through later.
    await s.admin.post(`/v1/admin/orgs/${org.id}/grants`, { credits: 1_000, reason: 'more' });
    const again = await org.device.post('/v1/sync', { leaseId: lease.leaseId, events: [events.at(-1)] });
    expect(again.body.rejected).toMatchObject([{ reason: 'lease_exhausted' }]);
    expect(again.body.balance).toMatchObject({ consumed: 10, reserved: 0 });
  });

  it('ten devices can never lease more than the allowance', async () => {
    const org = await s.org({ allowance: 1_000 });
    const devices = [org.device];
    for (let i = 1; i < 10; i++) devices.push(await org.addDevice());
    const rounds = await Promise.all(
      [0, 1, 2].flatMap(() =>
        devices.map((d, i) => d.post('/v1/leases', { idempotencyKey: key(), credits: 90 + i * 7 })),
      ),
    );
    const leased = rounds.filter((r) => r.status === 201).reduce((sum, r) => sum + r.body.lease.credits, 0);
    expect(leased).toBe(1_000);
    expect(rounds.every((r) => r.status === 201 || r.status === 402)).toBe(true);
    expect((await org.device.get('/v1/balance')).body).toMatchObject({ reserved: 1_000, remaining: 0 });
    expect(
      (await org.device.post('/v1/consume', { idempotencyKey: key(), action: 'email.verify' })).status,
    ).toBe(402);
    // A grant makes room again, and only as much as it gives.
    await s.admin.post(`/v1/admin/orgs/${org.id}/grants`, { credits: 30, reason: 'extra' });
    const more = await Promise.all(devices.map((d) => d.post('/v1/leases', { credits: 10 })));
    expect(more.filter((r) => r.status === 201).reduce((sum, r) => sum + r.body.lease.credits, 0)).toBe(30);
  });

  it('an expired lease gives back its remainder; late events still fit only if the period has room', async () => {
    const org = await s.org({ allowance: 200 });
    const other = await org.addDevice();
    const lease = (await org.device.post('/v1/leases', { credits: 100 })).body.lease;
    expect(Date.parse(lease.expiresAt) - s.clock.now()).toBe(3 * 86_400_000);
    const spent = eventsWorth(30, 1, now());
    await org.device.post('/v1/sync', { leaseId: lease.leaseId, events: spent });
    expect((await org.device.get('/v1/balance')).body).toMatchObject({
      consumed: 30,
      reserved: 70,
      remaining: 100,
    });
    s.clock.set(Date.parse(lease.expiresAt));
    expect((await org.device.get('/v1/balance')).body).toMatchObject({
      consumed: 30,
      reserved: 0,
      remaining: 170,
    });
    const state = (await org.device.get(`/v1/leases/${lease.leaseId}`)).body.state;
    expect(state).toMatchObject({ status: 'settled', used: 30, remaining: 0 });
    // Events spent before expiry that arrive late are charged while the period has room…
    const late = eventsWorth(20, spent.length + 1, lease.issuedAt);
    const res1 = await org.device.post('/v1/sync', { leaseId: lease.leaseId, events: late });
    expect(res1.body).toMatchObject({
      applied: late.length,
      rejected: [],
      balance: { consumed: 50, remaining: 150 },
    });
    // …but not once other devices spent what the lease gave back.
    await other.post('/v1/consume', { idempotencyKey: key(), action: 'email.verify', quantity: 150 });
    const tooLate = eventsWorth(5, spent.length + late.length + 1, lease.issuedAt);
    const res2 = await org.device.post('/v1/sync', { leaseId: lease.leaseId, events: tooLate });
    expect(res2.body.applied).toBe(0);
    expect(res2.body.rejected.every((r: { reason: string }) => r.reason === 'lease_expired')).toBe(true);
    expect(res2.body.balance).toMatchObject({ consumed: 200, reserved: 0, remaining: 0 });
  });

  it('a lease never outlives its period', async () => {
    const org = await s.org({ allowance: 100 });
    s.clock.set('2026-05-30T22:00:00.000Z');
    const lease = (await org.device.post('/v1/leases', { credits: 10 })).body.lease;
    expect(lease).toMatchObject({
      expiresAt: '2026-06-01T00:00:00.000Z',
      periodEnd: '2026-06-01T00:00:00.000Z',
    });
    s.clock.set('2026-06-01T00:00:00.000Z');
    expect((await org.device.get('/v1/balance')).body).toMatchObject({ reserved: 0, remaining: 100 });
  });

  describe('signatures', () => {
    it('verify with the public key (raw or PEM) and fail when tampered with', async () => {
      const org = await s.org({ allowance: 100 });
      const res = leaseResponseSchema.parse((await org.device.post('/v1/leases', { credits: 40 })).body);
      const keys = (await s.anon.get('/v1/public-key')).body;
      expect(verifyLease(res.lease, res.signature, keys.publicKey)).toBe(true);
      expect(verifyLease(res.lease, res.signature, keys.publicKeyPem)).toBe(true);
      // Keys in another order, as after a JSON round trip through a database: still valid.
      const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(res.lease).reverse())));
      expect(verifyLease(reordered, res.signature, keys.publicKey)).toBe(true);
      const tampered: LeasePayload[] = [
        { ...res.lease, credits: 4_000 },
        { ...res.lease, expiresAt: '2099-01-01T00:00:00.000Z' },
        { ...res.lease, deviceId: 'dev_someoneelse' },
        { ...res.lease, prices: { ...res.lease.prices, 'person.phoneEmail.find': 0 } },
      ];
      for (const t of tampered) expect(verifyLease(t, res.signature, keys.publicKey)).toBe(false);
      const sig = Buffer.from(res.signature, 'base64');
      sig[10] = (sig[10] ?? 0) ^ 1;
      expect(verifyLease(res.lease, sig.toString('base64'), keys.publicKey)).toBe(false);
      expect(verifyLease(res.lease, 'not-base64!!', keys.publicKey)).toBe(false);
      const stranger = generateKeyPairSync('ed25519')
        .publicKey.export({ format: 'pem', type: 'spki' })
        .toString();
      expect(verifyLease(res.lease, res.signature, stranger)).toBe(false);
      expect(verifyLease(res.lease, res.signature, 'garbage')).toBe(false);
    });

    it('property: any change to any field breaks the signature', async () => {
      const org = await s.org({ allowance: 100 });
      const res = (await org.device.post('/v1/leases', { credits: 5 })).body;
      const fields = Object.keys(res.lease).filter((k) => k !== 'prices' && k !== 'v');
      fc.assert(
        fc.property(fc.constantFrom(...fields), fc.oneof(fc.string(), fc.integer()), (field, value) => {
          fc.pre(res.lease[field] !== value);
          expect(verifyLease({ ...res.lease, [field]: value }, res.signature, res.publicKey)).toBe(false);
        }),
        { numRuns: 200 },
      );
    });
  });
});

describe('the signing key', () => {
  it('is kept across restarts (SQLite), so leases issued before still verify', async () => {
    const first = await startServer('sqlite');
    const org = await first.org({ allowance: 50 });
    const res = (await org.device.post('/v1/leases', { credits: 5 })).body;
    const path = first.sqlitePath as string;
    await first.app.close();
    const { createServer } = await import('../../src/server/server');
    const again = await createServer({
      database: { kind: 'sqlite', path },
      adminToken: 'x',
      logLevel: 'silent',
    });
    try {
      const keys = (await again.inject({ method: 'GET', url: '/v1/public-key' })).json();
      expect(keys.publicKey).toBe(res.publicKey);
      expect(verifyLease(res.lease, res.signature, keys.publicKey)).toBe(true);
    } finally {
      await again.close();
      await first.close().catch(() => {});
    }
  });

  it('can be given (ROWSMITH_SIGNING_KEY)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const s = await startServer('sqlite', {
      signingKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    });
    try {
      const org = await s.org();
      const res = (await org.device.post('/v1/leases', { credits: 5 })).body;
      expect(verifyLease(res.lease, res.signature, publicKey)).toBe(true);
    } finally {
      await s.close();
    }
  });
});
