// The HTTP contract, part 1, on both dialects: public routes (health, public key, 404s),
// every admin route with its 401s, 400s and 404s, body limits and content types, and
// rate limiting. Bodies are checked with the shared zod schemas the desktop client
// imports, and every error with the `{ error, message }` shape.
import {
  createOrgResponseSchema,
  grantResponseSchema,
  healthResponseSchema,
  meResponseSchema,
  orgViewSchema,
  publicKeyResponseSchema,
} from '@shared/licensing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeDialects,
  expectError,
  key,
  startServer,
  type TestOrg,
  type TestServer,
} from './helpers/harness';

describeDialects('HTTP contract: public and admin', (dialect) => {
  let s: TestServer;
  let org: TestOrg;
  beforeAll(async () => {
    s = await startServer(dialect);
    org = await s.org({ allowance: 1_000 });
  });
  afterAll(async () => s?.close());

  describe('public routes', () => {
    it('GET /v1/health', async () => {
      const res = await s.anon.get('/v1/health');
      expect(res.status).toBe(200);
      expect(healthResponseSchema.parse(res.body).database).toBe(dialect);
    });
    it('GET /v1/public-key serves the raw key and its PEM', async () => {
      const res = await s.anon.get('/v1/public-key');
      expect(res.status).toBe(200);
      const body = publicKeyResponseSchema.parse(res.body);
      expect(Buffer.from(body.publicKey, 'base64')).toHaveLength(32);
      expect(body.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    });
    it('unknown routes are 404 with the error shape', async () => {
      expectError(await s.anon.get('/v1/nope'), 404, 'not_found');
      expectError(await s.anon.post('/v2/consume', {}), 404, 'not_found');
    });
    it('responses are not cacheable', async () => {
      expect((await s.anon.get('/v1/health')).headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('admin', () => {
    it('401 without or with a wrong admin token, on every admin route', async () => {
      for (const client of [s.anon, s.admin.as('wrong'), org.device]) {
        expectError(
          await client.post('/v1/admin/orgs', { name: 'X', monthlyAllowance: 1 }),
          401,
          'unauthorized',
        );
        expectError(
          await client.patch(`/v1/admin/orgs/${org.id}`, { monthlyAllowance: 1 }),
          401,
          'unauthorized',
        );
        expectError(
          await client.post(`/v1/admin/orgs/${org.id}/grants`, { credits: 1, reason: 'r' }),
          401,
          'unauthorized',
        );
        expectError(await client.get(`/v1/admin/orgs/${org.id}`), 401, 'unauthorized');
        expectError(await client.get('/v1/admin/capacity-requests'), 401, 'unauthorized');
      }
    });

    it('POST /v1/admin/orgs -> 201 {id, licenseKey}, time zone default UTC', async () => {
      const res = await s.admin.post('/v1/admin/orgs', { name: 'Acme', monthlyAllowance: 500 });
      expect(res.status).toBe(201);
      const body = createOrgResponseSchema.parse(res.body);
      expect(Object.keys(res.body).sort()).toEqual(['id', 'licenseKey']);
      const view = orgViewSchema.parse((await s.admin.get(`/v1/admin/orgs/${body.id}`)).body);
      expect(view).toMatchObject({ name: 'Acme', timeZone: 'UTC', monthlyAllowance: 500, status: 'active' });
      expect(view.balance).toMatchObject({
        allowance: 500,
        granted: 0,
        consumed: 0,
        reserved: 0,
        remaining: 500,
      });
    });

    it('POST /v1/admin/orgs validates the body and the time zone', async () => {
      for (const body of [
        {},
        { name: '', monthlyAllowance: 1 },
        { name: 'A', monthlyAllowance: -1 },
        { name: 'A', monthlyAllowance: 1.5 },
        { name: 'A', monthlyAllowance: '10' },
        { name: 'A', monthlyAllowance: 1, timeZone: 'Mars/Olympus' },
        { name: 'A', monthlyAllowance: 1, timeZone: '+05:30' },
        { name: 'A', monthlyAllowance: 1, timeZone: 5 },
      ]) {
        const res = await s.admin.post('/v1/admin/orgs', body);
        expectError(res, 400, 'invalid_request');
        expect(res.body.message).toMatch(/body/);
      }
      const ok = await s.admin.post('/v1/admin/orgs', {
        name: 'K',
        monthlyAllowance: 1,
        timeZone: 'Asia/Kolkata',
      });
      expect(ok.status).toBe(201);
      expect((await s.admin.get(`/v1/admin/orgs/${ok.body.id}`)).body.timeZone).toBe('Asia/Kolkata');
    });

    it('bad JSON is 400, a non-JSON body 415, a huge body 413', async () => {
      expectError(await s.admin.request('POST', '/v1/admin/orgs', '{"name":', {}), 400, 'invalid_request');
      const form = await fetch(`${s.url}/v1/admin/orgs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.admin.token}`, 'content-type': 'text/plain' },
        body: 'name=x',
      });
      expectError({ status: form.status, body: await form.json() }, 415, 'unsupported_media_type');
      const huge = JSON.stringify({ name: 'x'.repeat(2_000_000), monthlyAllowance: 1 });
      expectError(await s.admin.post('/v1/admin/orgs', huge), 413, 'payload_too_large');
      expectError(await s.admin.post('/v1/admin/orgs', '{"__proto__":{"x":1}}'), 400, 'invalid_request');
    });

    it('PATCH /v1/admin/orgs/:id -> 200 with the organisation; 400 and 404', async () => {
      const o = await s.org({ allowance: 100 });
      const res = await s.admin.patch(`/v1/admin/orgs/${o.id}`, { monthlyAllowance: 250 });
      expect(res.status).toBe(200);
      expect(orgViewSchema.parse(res.body)).toMatchObject({
        monthlyAllowance: 250,
        balance: { allowance: 250 },
      });
      expectError(await s.admin.patch(`/v1/admin/orgs/${o.id}`, {}), 400, 'invalid_request');
      expectError(
        await s.admin.patch(`/v1/admin/orgs/${o.id}`, { monthlyAllowance: -5 }),
        400,
        'invalid_request',
      );
      expectError(
        await s.admin.patch('/v1/admin/orgs/org_doesnotexist00', { monthlyAllowance: 5 }),
        404,
        'not_found',
      );
    });

    it('POST /v1/admin/orgs/:id/grants -> 201; 400 and 404', async () => {
      const o = await s.org({ allowance: 100 });
      const res = await s.admin.post(`/v1/admin/orgs/${o.id}/grants`, { credits: 40, reason: 'pilot' });
      expect(res.status).toBe(201);
      expect(grantResponseSchema.parse(res.body)).toMatchObject({ credits: 40, granted: 40, remaining: 140 });
      for (const body of [{}, { credits: 0, reason: 'x' }, { credits: 5 }, { credits: 5, reason: '' }])
        expectError(await s.admin.post(`/v1/admin/orgs/${o.id}/grants`, body), 400, 'invalid_request');
      expectError(
        await s.admin.post('/v1/admin/orgs/org_nope000000/grants', { credits: 1, reason: 'x' }),
        404,
        'not_found',
      );
      expect((await o.device.get('/v1/balance')).body).toMatchObject({
        allowance: 100,
        granted: 40,
        remaining: 140,
      });
    });

    it('PUT /v1/admin/orgs/:id/prices overrides one organisation only', async () => {
      const a = await s.org();
      const b = await s.org();
      const res = await s.admin.put(`/v1/admin/orgs/${a.id}/prices`, { prices: { 'email.verify': 5 } });
      expect(res.status).toBe(200);
      expect(res.body.priceOverrides).toEqual({ 'email.verify': 5 });
      expect((await a.device.get('/v1/balance')).body.prices['email.verify']).toBe(5);
      expect((await b.device.get('/v1/balance')).body.prices['email.verify']).toBe(1);
      expect(
        (await a.device.post('/v1/consume', { idempotencyKey: key(), action: 'email.verify', quantity: 2 }))
          .body.charged,
      ).toBe(10);
      expectError(
        await s.admin.put(`/v1/admin/orgs/${a.id}/prices`, { prices: { 'no.such': 1 } }),
        400,
        'unknown_action',
      );
      await s.admin.put(`/v1/admin/orgs/${a.id}/prices`, { prices: { 'email.verify': null } });
      expect((await a.device.get('/v1/balance')).body.prices['email.verify']).toBe(1);
    });

    it('GET /v1/admin/orgs lists organisations page by page', async () => {
      const first = await s.admin.get('/v1/admin/orgs?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      const second = await s.admin.get(`/v1/admin/orgs?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items[0].id > first.body.items[1].id).toBe(true);
      expectError(await s.admin.get('/v1/admin/orgs?limit=0'), 400, 'invalid_request');
    });

    it('a suspended organisation cannot spend or activate; a revoked device is 401', async () => {
      const o = await s.org({ allowance: 100 });
      await s.admin.patch(`/v1/admin/orgs/${o.id}`, { status: 'suspended' });
      expectError(
        await o.device.post('/v1/consume', { idempotencyKey: key(), action: 'email.verify' }),
        403,
        'org_suspended',
      );
      expectError(
        await o.device.post('/v1/holds', { idempotencyKey: key(), action: 'email.verify', quantity: 1 }),
        403,
        'org_suspended',
      );
      expectError(await o.device.post('/v1/leases', { credits: 5 }), 403, 'org_suspended');
      expect((await o.device.get('/v1/balance')).status).toBe(200);
      expectError(
        await s.anon.post('/v1/activate', { licenseKey: o.licenseKey, deviceName: 'x', userEmail: 'a@b.co' }),
        403,
        'org_suspended',
      );
      await s.admin.patch(`/v1/admin/orgs/${o.id}`, { status: 'active' });
      const me = meResponseSchema.parse((await o.device.get('/v1/me')).body);
      const revoked = await s.admin.post(`/v1/admin/orgs/${o.id}/devices/${me.deviceId}/revoke`);
      expect(revoked.status).toBe(200);
      expectError(await o.device.get('/v1/balance'), 401, 'unauthorized');
    });
  });
});

describe('rate limiting', () => {
  it('429 per token with Retry-After, other tokens unaffected', async () => {
    const s = await startServer('sqlite', { rateLimit: { max: 5, timeWindowMs: 60_000, activateMax: 100 } });
    try {
      const a = await s.org();
      const b = await s.org();
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await a.device.get('/v1/balance')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const limited = await a.device.get('/v1/balance');
      expectError(limited, 429, 'rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await b.device.get('/v1/balance')).status).toBe(200);
    } finally {
      await s.close();
    }
  });
  it('activation is limited per address', async () => {
    const s = await startServer('sqlite', { rateLimit: { max: 1_000, activateMax: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push(
          (
            await s.anon.post('/v1/activate', {
              licenseKey: `rs_lic_guess${i}`,
              deviceName: 'x',
              userEmail: 'a@b.co',
            })
          ).status,
        );
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await s.close();
    }
  });
});
