// The HTTP contract, part 2, on both dialects: activation and device authentication,
// then every device route — balance, consume, holds, leases, sync, usage, capacity
// requests — with its success shape (checked with the shared zod schemas), 400s for bad
// bodies, params and queries, 402s, 404s and the `{ error, message }` shape.
import {
  activateResponseSchema,
  balanceResponseSchema,
  capacityRequestViewSchema,
  captureResponseSchema,
  consumeResponseSchema,
  createHoldResponseSchema,
  insufficientCreditsBodySchema,
  leaseResponseSchema,
  meResponseSchema,
  releaseResponseSchema,
  syncResponseSchema,
  usageResponseSchema,
  usageSummaryResponseSchema,
} from '@shared/licensing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRICES } from '../../src/server/prices';
import {
  describeDialects,
  expectError,
  key,
  startServer,
  type TestOrg,
  type TestServer,
} from './helpers/harness';

describeDialects('HTTP contract: devices', (dialect) => {
  let s: TestServer;
  let org: TestOrg;
  beforeAll(async () => {
    s = await startServer(dialect);
    org = await s.org({ allowance: 1_000 });
  });
  afterAll(async () => s?.close());

  describe('activation and device auth', () => {
    it('POST /v1/activate -> 201 {deviceToken}', async () => {
      const res = await s.anon.post('/v1/activate', {
        licenseKey: org.licenseKey,
        deviceName: 'Laptop',
        userEmail: 'Ana@Example.com',
      });
      expect(res.status).toBe(201);
      expect(Object.keys(activateResponseSchema.parse(res.body))).toEqual(['deviceToken']);
      const me = meResponseSchema.parse((await s.anon.as(res.body.deviceToken).get('/v1/me')).body);
      expect(me).toMatchObject({
        orgId: org.id,
        deviceName: 'Laptop',
        userEmail: 'ana@example.com',
        ackedThrough: 0,
      });
    });
    it('a wrong license key is 401, a bad body 400', async () => {
      expectError(
        await s.anon.post('/v1/activate', {
          licenseKey: 'rs_lic_nope',
          deviceName: 'x',
          userEmail: 'a@b.co',
        }),
        401,
        'invalid_license_key',
      );
      for (const body of [{}, { licenseKey: org.licenseKey, deviceName: 'x', userEmail: 'not-an-email' }])
        expectError(await s.anon.post('/v1/activate', body), 400, 'invalid_request');
    });
    it('every device route is 401 without a valid device token', async () => {
      const routes: [string, string, unknown?][] = [
        ['GET', '/v1/me'],
        ['GET', '/v1/balance'],
        ['POST', '/v1/consume', { idempotencyKey: 'a', action: 'email.verify', quantity: 1 }],
        ['POST', '/v1/holds', { idempotencyKey: 'a', action: 'email.verify', quantity: 1 }],
        ['GET', '/v1/holds/hold_x'],
        ['POST', '/v1/holds/hold_x/capture', { idempotencyKey: 'a', quantity: 1 }],
        ['POST', '/v1/holds/hold_x/release'],
        ['POST', '/v1/leases', { credits: 1 }],
        ['GET', '/v1/leases/lease_x'],
        ['POST', '/v1/sync', { leaseId: 'lease_x', events: [] }],
        ['GET', '/v1/usage'],
        ['GET', '/v1/usage/summary'],
        ['POST', '/v1/capacity-requests', { message: 'more' }],
        ['GET', '/v1/capacity-requests'],
      ];
      for (const client of [s.anon, s.anon.as('rs_dev_unknown'), s.admin]) {
        for (const [method, path, body] of routes)
          expectError(await client.request(method, path, body), 401, 'unauthorized');
      }
      const malformed = await fetch(`${s.url}/v1/balance`, { headers: { authorization: 'Basic abc' } });
      expect(malformed.status).toBe(401);
    });
  });

  describe('credits', () => {
    it('GET /v1/balance has the period, the counters and every catalogue price', async () => {
      const res = await org.device.get('/v1/balance');
      expect(res.status).toBe(200);
      const body = balanceResponseSchema.parse(res.body);
      expect(Object.keys(res.body).sort()).toEqual(
        [
          'allowance',
          'consumed',
          'granted',
          'periodEnd',
          'periodStart',
          'prices',
          'remaining',
          'reserved',
        ].sort(),
      );
      expect(body).toMatchObject({
        periodStart: '2026-03-01T00:00:00.000Z',
        periodEnd: '2026-04-01T00:00:00.000Z',
      });
      expect(body.prices).toEqual(DEFAULT_PRICES);
      expect(body.prices).toMatchObject({
        'person.phoneEmail.find': 10,
        'person.email.find': 3,
        'linkedin.import': 1,
      });
    });

    it('POST /v1/consume -> 200 {charged, remaining}; unknown action 400; bad bodies 400', async () => {
      const o = await s.org({ allowance: 20 });
      const res = await o.device.post('/v1/consume', {
        idempotencyKey: key(),
        action: 'person.email.find',
        quantity: 2,
      });
      expect(res.status).toBe(200);
      expect(consumeResponseSchema.parse(res.body)).toEqual({ charged: 6, remaining: 14 });
      expect(Object.keys(res.body).sort()).toEqual(['charged', 'remaining']);
      expectError(
        await o.device.post('/v1/consume', { idempotencyKey: key(), action: 'nope.nope', quantity: 1 }),
        400,
        'unknown_action',
      );
      for (const body of [
        {},
        { idempotencyKey: key(), action: 'email.verify', quantity: 0 },
        { idempotencyKey: key(), action: 'email.verify', quantity: -1 },
        { idempotencyKey: key(), action: 'email.verify', quantity: 1.5 },
        { idempotencyKey: '', action: 'email.verify', quantity: 1 },
        { idempotencyKey: 'has space', action: 'email.verify', quantity: 1 },
        { idempotencyKey: key(), quantity: 1 },
        { idempotencyKey: key(), action: 'email.verify', quantity: 1, credits: 0 }, // extra fields are ignored…
      ].slice(0, 7))
        expectError(await o.device.post('/v1/consume', body), 400, 'invalid_request');
      // …and a client cannot name its own cost: the price list decides.
      const sneaky = await o.device.post('/v1/consume', {
        idempotencyKey: key(),
        action: 'email.verify',
        quantity: 1,
        cost: 0,
      });
      expect(sneaky.body.charged).toBe(1);
    });

    it('402 insufficient_credits carries remaining, required and the renewal', async () => {
      const o = await s.org({ allowance: 5 });
      const res = await o.device.post('/v1/consume', {
        idempotencyKey: key(),
        action: 'person.phoneEmail.find',
        quantity: 1,
      });
      expectError(res, 402, 'insufficient_credits');
      expect(insufficientCreditsBodySchema.parse(res.body)).toMatchObject({
        remaining: 5,
        required: 10,
        periodEnd: '2026-04-01T00:00:00.000Z',
      });
      expect((await o.device.get('/v1/balance')).body.consumed).toBe(0);
    });

    it('holds: create (partial when short), get, capture in batches, release', async () => {
      const o = await s.org({ allowance: 100 });
      const created = await o.device.post('/v1/holds', {
        idempotencyKey: key(),
        action: 'person.email.find',
        quantity: 50,
      });
      expect(created.status).toBe(201);
      const hold = createHoldResponseSchema.parse(created.body);
      // 100 credits fit 33 units at 3 credits
      expect(hold).toMatchObject({
        unitPrice: 3,
        requestedQuantity: 50,
        reservedQuantity: 33,
        reserved: 99,
        captured: 0,
        remaining: 1,
        status: 'active',
      });
      expect(hold.expiresAt).toBe('2026-03-11T12:00:00.000Z');
      expect((await o.device.get(`/v1/holds/${hold.holdId}`)).body).toMatchObject({
        reserved: 99,
        status: 'active',
      });
      const c1 = await o.device.post(`/v1/holds/${hold.holdId}/capture`, {
        idempotencyKey: key(),
        quantity: 10,
      });
      expect(c1.status).toBe(200);
      expect(captureResponseSchema.parse(c1.body)).toEqual({
        holdId: hold.holdId,
        charged: 30,
        captured: 30,
        holdRemaining: 69,
        remaining: 1,
      });
      const tooMuch = await o.device.post(`/v1/holds/${hold.holdId}/capture`, {
        idempotencyKey: key(),
        quantity: 24,
      });
      expectError(tooMuch, 409, 'hold_exceeded');
      expect(tooMuch.body.holdRemaining).toBe(69);
      expectError(
        await o.device.post(`/v1/holds/${hold.holdId}/capture`, { idempotencyKey: key() }),
        400,
        'invalid_request',
      );
      const released = await o.device.post(`/v1/holds/${hold.holdId}/release`);
      expect(released.status).toBe(200);
      expect(releaseResponseSchema.parse(released.body)).toEqual({
        holdId: hold.holdId,
        status: 'released',
        captured: 30,
        released: 69,
        remaining: 70,
      });
      // releasing again answers the same; capturing after release is refused
      expect((await o.device.post(`/v1/holds/${hold.holdId}/release`, {})).body).toMatchObject({
        released: 69,
        remaining: 70,
      });
      expectError(
        await o.device.post(`/v1/holds/${hold.holdId}/capture`, { idempotencyKey: key(), quantity: 1 }),
        409,
        'hold_closed',
      );
      expect((await o.device.get('/v1/balance')).body).toMatchObject({
        consumed: 30,
        reserved: 0,
        remaining: 70,
      });
    });

    it('holds: 402 when not one unit fits, 404 for unknown holds, 400 for unknown actions', async () => {
      const o = await s.org({ allowance: 2 });
      const res = await o.device.post('/v1/holds', {
        idempotencyKey: key(),
        action: 'person.email.find',
        quantity: 5,
      });
      expectError(res, 402, 'insufficient_credits');
      expect(res.body).toMatchObject({ remaining: 2, required: 3 });
      expectError(
        await o.device.post('/v1/holds/hold_unknown0000/capture', { idempotencyKey: key(), quantity: 1 }),
        404,
        'not_found',
      );
      expectError(await o.device.post('/v1/holds/hold_unknown0000/release'), 404, 'not_found');
      expectError(await o.device.get('/v1/holds/hold_unknown0000'), 404, 'not_found');
      expectError(
        await o.device.post('/v1/holds', { idempotencyKey: key(), action: 'x.y', quantity: 1 }),
        400,
        'unknown_action',
      );
      expectError(
        await o.device.post('/v1/holds', { idempotencyKey: key(), action: 'email.verify' }),
        400,
        'invalid_request',
      );
    });

    it('leases: 201 with a payload, a signature and the public key; GET; 402; 400', async () => {
      const o = await s.org({ allowance: 100 });
      const res = await o.device.post('/v1/leases', { idempotencyKey: key(), credits: 30 });
      expect(res.status).toBe(201);
      const lease = leaseResponseSchema.parse(res.body);
      expect(lease.lease).toMatchObject({
        v: 1,
        orgId: o.id,
        credits: 30,
        issuedAt: '2026-03-10T12:00:00.000Z',
        expiresAt: '2026-03-13T12:00:00.000Z',
      });
      expect(lease.lease.prices).toEqual(DEFAULT_PRICES);
      expect(lease.remaining).toBe(70);
      expect(lease.publicKey).toBe((await s.anon.get('/v1/public-key')).body.publicKey);
      const got = await o.device.get(`/v1/leases/${lease.lease.leaseId}`);
      expect(got.body.state).toEqual({
        leaseId: lease.lease.leaseId,
        credits: 30,
        used: 0,
        remaining: 30,
        status: 'active',
        expiresAt: lease.lease.expiresAt,
      });
      expect((await o.device.get('/v1/balance')).body).toMatchObject({ reserved: 30, remaining: 70 });
      const rest = await o.device.post('/v1/leases', { credits: 500 });
      expect(rest.body.lease.credits).toBe(70);
      expectError(await o.device.post('/v1/leases', { credits: 1 }), 402, 'insufficient_credits');
      for (const body of [{}, { credits: 0 }, { credits: 'x' }])
        expectError(await o.device.post('/v1/leases', body), 400, 'invalid_request');
      expectError(await o.device.get('/v1/leases/lease_nope000000'), 404, 'not_found');
    });

    it('sync: 200 with ackedThrough, applied, duplicates, rejected, lease and balance; 400; 404', async () => {
      const o = await s.org({ allowance: 100 });
      const lease = (await o.device.post('/v1/leases', { credits: 10 })).body.lease;
      const at = '2026-03-10T12:00:00.000Z';
      const res = await o.device.post('/v1/sync', {
        leaseId: lease.leaseId,
        events: [
          { seq: 1, idempotencyKey: key(), action: 'email.verify', quantity: 2, at },
          { seq: 2, idempotencyKey: key(), action: 'nope.nope', quantity: 1, at },
          { seq: 3, idempotencyKey: key(), action: 'person.phoneEmail.find', quantity: 1, at },
        ],
      });
      expect(res.status).toBe(200);
      const body = syncResponseSchema.parse(res.body);
      expect(body).toMatchObject({ ackedThrough: 3, applied: 1, duplicates: 0 });
      expect(body.rejected.map((r) => [r.seq, r.reason])).toEqual([
        [2, 'unknown_action'],
        [3, 'lease_exhausted'],
      ]);
      expect(body.lease).toMatchObject({ credits: 10, used: 2, remaining: 8 });
      expect(body.balance).toMatchObject({ consumed: 2, reserved: 8, remaining: 90 });
      for (const bad of [
        {},
        { leaseId: lease.leaseId },
        {
          leaseId: lease.leaseId,
          events: [{ seq: 0, idempotencyKey: 'a', action: 'email.verify', quantity: 1, at }],
        },
        {
          leaseId: lease.leaseId,
          events: [{ seq: 1, idempotencyKey: 'a', action: 'email.verify', quantity: 1, at: 'yesterday' }],
        },
        {
          leaseId: lease.leaseId,
          events: Array.from({ length: 1_001 }, (_, i) => ({
            seq: i + 1,
            idempotencyKey: `x${i}`,
            action: 'email.verify',
            quantity: 1,
            at,
          })),
        },
      ])
        expectError(await o.device.post('/v1/sync', bad), 400, 'invalid_request');
      expectError(
        await o.device.post('/v1/sync', { leaseId: 'lease_nope000000', events: [] }),
        404,
        'not_found',
      );
    });

    it('usage: pages newest first, filters by action and period; summary by day, action and user', async () => {
      const o = await s.org({ allowance: 1_000 });
      const second = await o.addDevice('Desktop', 'bo@example.com');
      for (let i = 0; i < 5; i++)
        await o.device.post('/v1/consume', { idempotencyKey: key(), action: 'email.verify', quantity: 1 });
      await second.post('/v1/consume', { idempotencyKey: key(), action: 'person.email.find', quantity: 2 });
      const page1 = await o.device.get('/v1/usage?limit=4');
      expect(page1.status).toBe(200);
      const body = usageResponseSchema.parse(page1.body);
      expect(body.period).toBe('2026-03');
      expect(body.items).toHaveLength(4);
      expect(body.items[0]).toMatchObject({
        kind: 'consume',
        action: 'person.email.find',
        quantity: 2,
        credits: 6,
        userEmail: 'bo@example.com',
        day: '2026-03-10',
      });
      const page2 = usageResponseSchema.parse(
        (await o.device.get(`/v1/usage?limit=4&cursor=${body.nextCursor}`)).body,
      );
      expect(page2.items).toHaveLength(2);
      expect(page2.nextCursor).toBeNull();
      const filtered = await o.device.get('/v1/usage?action=email.verify');
      expect(filtered.body.items).toHaveLength(5);
      expect((await o.device.get('/v1/usage?period=2026-02')).body.items).toHaveLength(0);
      const summary = usageSummaryResponseSchema.parse((await o.device.get('/v1/usage/summary')).body);
      expect(summary).toMatchObject({
        total: 11,
        byDay: [{ day: '2026-03-10', credits: 11, quantity: 7 }],
        byAction: [
          { action: 'email.verify', credits: 5, quantity: 5 },
          { action: 'person.email.find', credits: 6, quantity: 2 },
        ],
        byUser: [
          { userEmail: 'bo@example.com', credits: 6, quantity: 2 },
          { userEmail: 'user1@example.com', credits: 5, quantity: 5 },
        ],
      });
      for (const q of ['period=2026-13', 'period=March', 'limit=0', 'limit=5000', 'cursor=abc'])
        expectError(await o.device.get(`/v1/usage?${q}`), 400, 'invalid_request');
    });

    it('capacity requests: 201 for the device, listed for the vendor, status changes', async () => {
      const o = await s.org({ allowance: 10 });
      const res = await o.device.post('/v1/capacity-requests', {
        credits: 5_000,
        message: 'Campaign next week',
      });
      expect(res.status).toBe(201);
      const view = capacityRequestViewSchema.parse(res.body);
      expect(view).toMatchObject({
        orgId: o.id,
        credits: 5_000,
        status: 'open',
        userEmail: 'user1@example.com',
        period: '2026-03',
      });
      expect((await o.device.post('/v1/capacity-requests', { message: 'no amount' })).status).toBe(201);
      for (const body of [{}, { message: '' }, { credits: -1, message: 'x' }])
        expectError(await o.device.post('/v1/capacity-requests', body), 400, 'invalid_request');
      expect((await o.device.get('/v1/capacity-requests')).body.items).toHaveLength(2);
      const listed = await s.admin.get(`/v1/admin/capacity-requests?orgId=${o.id}&status=open`);
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((i: { message: string }) => i.message).sort()).toEqual([
        'Campaign next week',
        'no amount',
      ]);
      const done = await s.admin.patch(`/v1/admin/capacity-requests/${view.id}`, { status: 'granted' });
      expect(done.body.status).toBe('granted');
      expect(
        (await s.admin.get(`/v1/admin/capacity-requests?orgId=${o.id}&status=open`)).body.items,
      ).toHaveLength(1);
      expectError(
        await s.admin.patch('/v1/admin/capacity-requests/cap_nope0000', { status: 'granted' }),
        404,
        'not_found',
      );
      expectError(await s.admin.get('/v1/admin/capacity-requests?status=maybe'), 400, 'invalid_request');
    });
  });
});
