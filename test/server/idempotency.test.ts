// Every request that spends or reserves, sent three times — in parallel, one after
// another, and after a client gave up waiting (the connection dropped once the request
// had gone) — takes effect once and answers the same; the same key with another body is
// 422 (or, inside a sync batch, a rejected event). Both dialects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Body,
  type Client,
  describeDialects,
  key,
  startServer,
  type TestServer,
  waitFor,
} from './helpers/harness';

type Send = (client: Client, body: unknown) => Promise<{ status: number; body: unknown }>;

describeDialects('idempotency', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(dialect);
  });
  afterAll(async () => s?.close());

  const balance = async (c: Client) => (await c.get('/v1/balance')).body;
  const ledgerRows = async (orgId: string) =>
    Number(
      (
        await s.app.licensing.ctx.ldb.db
          .selectFrom('ledger')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('org_id', '=', orgId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Sends `body` three ways and checks the effect happened once, with one answer. */
  async function thrice(
    client: Client,
    path: string,
    makeBody: () => unknown,
    effect: () => Promise<number>,
    once: number,
    /** what of the answer must be the same each time (default: all of it) */
    stable: (body: Body) => unknown = (body) => body,
  ): Promise<void> {
    const post = async (body: unknown) => {
      const res = await client.post(path, body);
      return { status: res.status, body: stable(res.body) };
    };
    // parallel
    const b1 = makeBody();
    const parallel = await Promise.all([post(b1), post(b1), post(b1)]);
    expect(new Set(parallel.map((r) => r.status)).size, JSON.stringify(parallel.map((r) => r.body))).toBe(1);
    expect(parallel[1]?.body).toEqual(parallel[0]?.body);
    expect(parallel[2]?.body).toEqual(parallel[0]?.body);
    expect(await effect()).toBe(once);
    // sequential
    const b2 = makeBody();
    const first = await post(b2);
    expect((await post(b2)).body).toEqual(first.body);
    expect((await post(b2)).body).toEqual(first.body);
    expect(await effect()).toBe(2 * once);
    // after a client-side timeout: the first attempt's answer is lost; retry at once, and again once it surely landed
    const b3 = makeBody();
    await client.abandon('POST', path, b3);
    const retried = await post(b3);
    await waitFor(async () => (await effect()) === 3 * once);
    expect((await post(b3)).body).toEqual(retried.body);
    expect(await effect()).toBe(3 * once);
  }

  it('consume', async () => {
    const org = await s.org({ allowance: 1_000 });
    await thrice(
      org.device,
      '/v1/consume',
      () => ({ idempotencyKey: key(), action: 'person.email.find', quantity: 2 }),
      async () => (await balance(org.device)).consumed,
      6,
    );
    expect(await ledgerRows(org.id)).toBe(3);
  });

  it('hold', async () => {
    const org = await s.org({ allowance: 1_000 });
    await thrice(
      org.device,
      '/v1/holds',
      () => ({ idempotencyKey: key(), action: 'email.verify', quantity: 10 }),
      async () => (await balance(org.device)).reserved,
      10,
    );
  });

  it('capture', async () => {
    const org = await s.org({ allowance: 1_000 });
    const hold = (
      await org.device.post('/v1/holds', { idempotencyKey: key(), action: 'email.verify', quantity: 100 })
    ).body;
    await thrice(
      org.device,
      `/v1/holds/${hold.holdId}/capture`,
      () => ({ idempotencyKey: key(), quantity: 5 }),
      async () => (await balance(org.device)).consumed,
      5,
    );
    expect((await org.device.get(`/v1/holds/${hold.holdId}`)).body.captured).toBe(15);
    expect((await balance(org.device)).reserved).toBe(85);
  });

  it('lease', async () => {
    const org = await s.org({ allowance: 1_000 });
    await thrice(
      org.device,
      '/v1/leases',
      () => ({ idempotencyKey: key(), credits: 50 }),
      async () => (await balance(org.device)).reserved,
      50,
    );
  });

  it('sync', async () => {
    const org = await s.org({ allowance: 1_000 });
    const lease = (await org.device.post('/v1/leases', { credits: 500 })).body.lease;
    let seq = 0;
    const at = new Date(s.clock.now()).toISOString();
    await thrice(
      org.device,
      '/v1/sync',
      () => ({
        leaseId: lease.leaseId,
        events: [1, 2, 3].map(() => ({
          seq: ++seq,
          idempotencyKey: key(),
          action: 'email.verify',
          quantity: 2,
          at,
        })),
      }),
      async () => (await balance(org.device)).consumed,
      6,
      // A sync answer tells what this request did (applied now vs duplicates), so
      // only the outcome must agree: every event counted once, acknowledged, no rejects.
      (body) => ({
        processed: body.applied + body.duplicates,
        rejected: body.rejected,
        ackedThrough: body.ackedThrough,
      }),
    );
  });

  it('grant (admin)', async () => {
    const org = await s.org({ allowance: 1_000 });
    await thrice(
      s.admin,
      `/v1/admin/orgs/${org.id}/grants`,
      () => ({ idempotencyKey: key(), credits: 25, reason: 'retry-safe top-up' }),
      async () => (await balance(org.device)).granted,
      25,
    );
  });

  it('capacity request', async () => {
    const org = await s.org({ allowance: 1_000 });
    await thrice(
      org.device,
      '/v1/capacity-requests',
      () => ({ idempotencyKey: key(), credits: 100, message: 'more please' }),
      async () => (await org.device.get('/v1/capacity-requests')).body.items.length,
      1,
    );
  });

  describe('the same key with another body', () => {
    it('is 422 idempotency_conflict on every route, and changes nothing', async () => {
      const org = await s.org({ allowance: 1_000 });
      const hold = (
        await org.device.post('/v1/holds', { idempotencyKey: key(), action: 'email.verify', quantity: 50 })
      ).body;
      const cases: [string, Send, unknown, unknown][] = [
        [
          'consume',
          (c, b) => c.post('/v1/consume', b),
          { action: 'email.verify', quantity: 1 },
          { action: 'email.verify', quantity: 2 },
        ],
        [
          'consume (other action)',
          (c, b) => c.post('/v1/consume', b),
          { action: 'email.verify', quantity: 1 },
          { action: 'phone.verify', quantity: 1 },
        ],
        [
          'hold',
          (c, b) => c.post('/v1/holds', b),
          { action: 'email.verify', quantity: 1 },
          { action: 'email.verify', quantity: 3 },
        ],
        [
          'capture',
          (c, b) => c.post(`/v1/holds/${hold.holdId}/capture`, b),
          { quantity: 1 },
          { quantity: 2 },
        ],
        ['lease', (c, b) => c.post('/v1/leases', b), { credits: 5 }, { credits: 6 }],
        ['capacity', (c, b) => c.post('/v1/capacity-requests', b), { message: 'a' }, { message: 'b' }],
        [
          'grant',
          (_c, b) => s.admin.post(`/v1/admin/orgs/${org.id}/grants`, b),
          { credits: 1, reason: 'a' },
          { credits: 2, reason: 'a' },
        ],
      ];
      for (const [name, send, first, second] of cases) {
        const k = key(name.replace(/\W/g, ''));
        const ok = await send(org.device, { idempotencyKey: k, ...(first as object) });
        expect(ok.status, name).toBeLessThan(300);
        const before = await balance(org.device);
        const conflict = await send(org.device, { idempotencyKey: k, ...(second as object) });
        expect(conflict.status, name).toBe(422);
        expect(conflict.body, name).toMatchObject({
          error: 'idempotency_conflict',
          message: expect.any(String),
        });
        expect(await balance(org.device), name).toEqual(before);
      }
      // A consume key may not be reused for a capture either.
      const k = key();
      await org.device.post('/v1/consume', { idempotencyKey: k, action: 'email.verify', quantity: 1 });
      expect(
        (await org.device.post(`/v1/holds/${hold.holdId}/capture`, { idempotencyKey: k, quantity: 1 }))
          .status,
      ).toBe(422);
    });

    it('inside a sync batch the event is rejected, the rest applied', async () => {
      const org = await s.org({ allowance: 1_000 });
      const lease = (await org.device.post('/v1/leases', { credits: 100 })).body.lease;
      const at = new Date(s.clock.now()).toISOString();
      const used = key();
      await org.device.post('/v1/consume', { idempotencyKey: used, action: 'email.verify', quantity: 1 });
      const res = await org.device.post('/v1/sync', {
        leaseId: lease.leaseId,
        events: [
          { seq: 1, idempotencyKey: used, action: 'email.verify', quantity: 5, at }, // key spent online with another quantity
          { seq: 2, idempotencyKey: key(), action: 'email.verify', quantity: 1, at },
          { seq: 2, idempotencyKey: key(), action: 'email.verify', quantity: 1, at }, // seq reused by another event
        ],
      });
      expect(res.body).toMatchObject({ ackedThrough: 2, applied: 1, duplicates: 0 });
      expect(res.body.rejected.map((r: { seq: number; reason: string }) => [r.seq, r.reason])).toEqual([
        [1, 'idempotency_conflict'],
        [2, 'seq_conflict'],
      ]);
      expect((await balance(org.device)).consumed).toBe(2);
    });

    it('a key spent online and then synced offline with the same body counts once', async () => {
      const org = await s.org({ allowance: 1_000 });
      const lease = (await org.device.post('/v1/leases', { credits: 100 })).body.lease;
      const k = key();
      await org.device.abandon('POST', '/v1/consume', {
        idempotencyKey: k,
        action: 'email.verify',
        quantity: 3,
      });
      await waitFor(async () => (await balance(org.device)).consumed === 3);
      const res = await org.device.post('/v1/sync', {
        leaseId: lease.leaseId,
        events: [
          {
            seq: 1,
            idempotencyKey: k,
            action: 'email.verify',
            quantity: 3,
            at: new Date(s.clock.now()).toISOString(),
          },
        ],
      });
      expect(res.body).toMatchObject({ ackedThrough: 1, applied: 0, duplicates: 1, rejected: [] });
      expect(await balance(org.device)).toMatchObject({ consumed: 3, reserved: 100 });
    });
  });
});
