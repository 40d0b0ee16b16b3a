// The month boundary through the HTTP API, with the injectable clock: an event at
// 23:59:59.999 local on the last day lands in that month, one at 00:00:00.000 on the
// 1st in the next, and the new month starts at exactly the allowance — no rollover of
// unused credits, grants or holds — in UTC, New York, Kolkata, Chatham and Lord Howe,
// including months that contain a DST change. Both dialects.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialects, key, startServer, type TestServer } from './helpers/harness';

// [zone, the 1st of a month at 00:00 local as a UTC instant, what is special]
const CASES: [string, string, string][] = [
  ['UTC', '2027-01-01T00:00:00.000Z', 'new year'],
  ['America/New_York', '2026-11-01T04:00:00.000Z', 'EDT; DST ends later that day'],
  ['America/New_York', '2026-12-01T05:00:00.000Z', 'EST; November spanned the change'],
  ['America/New_York', '2026-04-01T04:00:00.000Z', 'EDT; March spanned the change'],
  ['Asia/Kolkata', '2026-12-31T18:30:00.000Z', '+05:30'],
  ['Pacific/Chatham', '2026-09-30T10:15:00.000Z', '+13:45; September spanned the change from +12:45'],
  ['Pacific/Chatham', '2026-04-30T11:15:00.000Z', '+12:45; April spanned the change from +13:45'],
  ['Australia/Lord_Howe', '2026-03-31T13:00:00.000Z', '+11'],
  ['Australia/Lord_Howe', '2026-04-30T13:30:00.000Z', '+10:30; April spanned the half-hour change'],
];

describeDialects('month boundary', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(dialect);
  });
  afterAll(async () => s?.close());

  it.each(CASES)('%s at %s (%s)', async (zone, boundaryIso, _why) => {
    const boundary = Date.parse(boundaryIso);
    s.clock.set(boundary - 1); // 23:59:59.999 local on the last day
    const org = await s.org({ allowance: 100, timeZone: zone });
    const before = await org.device.get('/v1/balance');
    expect(before.body.periodEnd).toBe(boundaryIso);
    const lastKey = key('last');
    const last = await org.device.post('/v1/consume', {
      idempotencyKey: lastKey,
      action: 'email.verify',
      quantity: 1,
    });
    expect(last.body).toEqual({ charged: 1, remaining: 99 });
    await s.admin.post(`/v1/admin/orgs/${org.id}/grants`, { credits: 50, reason: 'end of month push' });
    const hold = await org.device.post('/v1/holds', {
      idempotencyKey: key(),
      action: 'email.verify',
      quantity: 20,
    });
    expect(hold.body.expiresAt).toBe(boundaryIso); // a hold never outlives its period
    const lease = await org.device.post('/v1/leases', { credits: 30 });
    expect(lease.body.lease.expiresAt).toBe(boundaryIso);
    expect((await org.device.get('/v1/balance')).body).toMatchObject({
      granted: 50,
      consumed: 1,
      reserved: 50,
      remaining: 99,
    });

    s.clock.set(boundary); // 00:00:00.000 local on the 1st
    const fresh = await org.device.get('/v1/balance');
    expect(fresh.body).toMatchObject({
      periodStart: boundaryIso,
      allowance: 100,
      granted: 0,
      consumed: 0,
      reserved: 0,
      remaining: 100,
    });
    const first = await org.device.post('/v1/consume', {
      idempotencyKey: key('first'),
      action: 'email.verify',
      quantity: 1,
    });
    expect(first.body).toEqual({ charged: 1, remaining: 99 });
    // The old month's key replays its old answer and charges the new month nothing.
    const replay = await org.device.post('/v1/consume', {
      idempotencyKey: lastKey,
      action: 'email.verify',
      quantity: 1,
    });
    expect(replay.body).toEqual({ charged: 1, remaining: 99 });
    expect((await org.device.get('/v1/balance')).body.consumed).toBe(1);
    // The old hold ended with its period.
    const capture = await org.device.post(`/v1/holds/${hold.body.holdId}/capture`, {
      idempotencyKey: key(),
      quantity: 1,
    });
    expect(capture.status).toBe(409);

    // Each event is in exactly one period, and the old period gave its reservations back.
    const usageNew = await org.device.get('/v1/usage');
    const usageOld = await org.device.get(`/v1/usage?period=${periodKeyBefore(usageNew.body.period)}`);
    expect(usageNew.body.items).toHaveLength(1);
    expect(usageOld.body.items).toHaveLength(1);
    expect(usageOld.body.periodEnd).toBe(boundaryIso);
    expect(usageNew.body.periodStart).toBe(boundaryIso);
    const counters = await s.app.licensing.ctx.ldb.db
      .selectFrom('period_counters')
      .selectAll()
      .where('org_id', '=', org.id)
      .orderBy('period_key')
      .execute();
    expect(
      counters.map((c) => [c.period_key, Number(c.consumed), Number(c.reserved), Number(c.granted)]),
    ).toEqual([
      [usageOld.body.period, 1, 0, 50],
      [usageNew.body.period, 1, 0, 0],
    ]);
  });
});

function periodKeyBefore(key: string): string {
  const [y, m] = key.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
