// A property test over random sequences of everything that moves credits — consume,
// hold, capture, release, lease, offline sync (with resends), grant, allowance change,
// the clock crossing expiries and month ends — checking after every step, against the
// database: spending and reservations never exceed allowance + granted (they may sit
// above it only after the vendor lowered the allowance, and then never grow), and every
// counter equals the ledger, the grants and the open holds and leases. Both dialects.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, describeDialects, startServer, type TestServer } from './helpers/harness';

type Op =
  | { kind: 'consume'; device: number; action: string; quantity: number }
  | { kind: 'hold'; device: number; quantity: number }
  | { kind: 'capture'; hold: number; quantity: number }
  | { kind: 'release'; hold: number }
  | { kind: 'lease'; device: number; credits: number }
  | { kind: 'sync'; lease: number; events: number; resend: boolean }
  | { kind: 'grant'; credits: number }
  | { kind: 'allowance'; value: number }
  | { kind: 'advance'; hours: number }
  | { kind: 'month' };

const DEVICES = 3;
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('consume' as const),
    device: fc.nat(DEVICES - 1),
    action: fc.constantFrom('email.verify', 'person.email.find', 'person.phoneEmail.find'),
    quantity: fc.integer({ min: 1, max: 20 }),
  }),
  fc.record({
    kind: fc.constant('hold' as const),
    device: fc.nat(DEVICES - 1),
    quantity: fc.integer({ min: 1, max: 60 }),
  }),
  fc.record({
    kind: fc.constant('capture' as const),
    hold: fc.nat(9),
    quantity: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({ kind: fc.constant('release' as const), hold: fc.nat(9) }),
  fc.record({
    kind: fc.constant('lease' as const),
    device: fc.nat(DEVICES - 1),
    credits: fc.integer({ min: 1, max: 80 }),
  }),
  fc.record({
    kind: fc.constant('sync' as const),
    lease: fc.nat(9),
    events: fc.integer({ min: 1, max: 12 }),
    resend: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('grant' as const), credits: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('allowance' as const), value: fc.integer({ min: 0, max: 300 }) }),
  fc.record({ kind: fc.constant('advance' as const), hours: fc.constantFrom(1, 12, 25, 73) }),
  fc.constant({ kind: 'month' as const }),
);

describeDialects('credits property', (dialect) => {
  let s: TestServer;
  let run = 0;
  beforeAll(async () => {
    s = await startServer(dialect);
  });
  afterAll(async () => s?.close());

  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: unknown) => {
    const res = await s.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      payload: payload as object,
    });
    return { status: res.statusCode, body: res.json() };
  };

  async function check(orgId: string, lastSum: Map<string, number>): Promise<void> {
    const { db } = s.app.licensing.ctx.ldb;
    const counters = await db.selectFrom('period_counters').selectAll().where('org_id', '=', orgId).execute();
    for (const c of counters) {
      const [ledger, grants, holds, leases] = await Promise.all([
        db
          .selectFrom('ledger')
          .select(sql<number>`COALESCE(SUM(credits), 0)`.as('n'))
          .where('org_id', '=', orgId)
          .where('period_key', '=', c.period_key)
          .executeTakeFirstOrThrow(),
        db
          .selectFrom('grants')
          .select(sql<number>`COALESCE(SUM(credits), 0)`.as('n'))
          .where('org_id', '=', orgId)
          .where('period_key', '=', c.period_key)
          .executeTakeFirstOrThrow(),
        db
          .selectFrom('holds')
          .select(sql<number>`COALESCE(SUM(credits - captured), 0)`.as('n'))
          .where('org_id', '=', orgId)
          .where('period_key', '=', c.period_key)
          .where('status', '=', 'active')
          .executeTakeFirstOrThrow(),
        db
          .selectFrom('leases')
          .select(sql<number>`COALESCE(SUM(credits - used), 0)`.as('n'))
          .where('org_id', '=', orgId)
          .where('period_key', '=', c.period_key)
          .where('status', '=', 'active')
          .executeTakeFirstOrThrow(),
      ]);
      const consumed = Number(c.consumed);
      const reserved = Number(c.reserved);
      expect(consumed, `consumed = ledger in ${c.period_key}`).toBe(Number(ledger.n));
      expect(Number(c.granted), `granted = grants in ${c.period_key}`).toBe(Number(grants.n));
      expect(reserved, `reserved = open holds + leases in ${c.period_key}`).toBe(
        Number(holds.n) + Number(leases.n),
      );
      const used = consumed + reserved;
      const cap = Number(c.allowance) + Number(c.granted);
      // Above the cap only when the allowance was lowered under what was already used, and then never growing.
      expect(used, `consumed + reserved within allowance + granted in ${c.period_key}`).toBeLessThanOrEqual(
        Math.max(cap, lastSum.get(c.period_key) ?? 0),
      );
      lastSum.set(c.period_key, used);
    }
  }

  it('counters always equal the ledger and never overspend', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
        run++;
        const org = await call('POST', '/v1/admin/orgs', ADMIN_TOKEN, {
          name: `Prop ${run}`,
          monthlyAllowance: 150,
          timeZone: run % 2 ? 'America/New_York' : 'Asia/Kolkata',
        });
        const tokens: string[] = [];
        for (let d = 0; d < DEVICES; d++) {
          const res = await s.app.inject({
            method: 'POST',
            url: '/v1/activate',
            payload: { licenseKey: org.body.licenseKey, deviceName: `d${d}`, userEmail: `d${d}@example.com` },
          });
          tokens.push(res.json().deviceToken);
        }
        const holds: { id: string; token: string }[] = [];
        const leases: { id: string; token: string; device: number }[] = [];
        const seqs = new Array(DEVICES).fill(0) as number[];
        const nextSeq = (device: number) => {
          seqs[device] = (seqs[device] ?? 0) + 1;
          return seqs[device];
        };
        const lastBatch = new Map<string, unknown[]>();
        const lastSum = new Map<string, number>();
        let n = 0;
        let charged = 0;
        for (const o of ops) {
          const k = `p${run}-${++n}`;
          const at = new Date(s.clock.now()).toISOString();
          switch (o.kind) {
            case 'consume': {
              const r = await call('POST', '/v1/consume', tokens[o.device] as string, {
                idempotencyKey: k,
                action: o.action,
                quantity: o.quantity,
              });
              expect([200, 402]).toContain(r.status);
              if (r.status === 200) charged += r.body.charged;
              break;
            }
            case 'hold': {
              const t = tokens[o.device] as string;
              const r = await call('POST', '/v1/holds', t, {
                idempotencyKey: k,
                action: 'person.email.find',
                quantity: o.quantity,
              });
              expect([201, 402]).toContain(r.status);
              if (r.status === 201) holds.push({ id: r.body.holdId, token: t });
              break;
            }
            case 'capture': {
              const h = holds[o.hold % Math.max(1, holds.length)];
              if (!h) break;
              const r = await call('POST', `/v1/holds/${h.id}/capture`, h.token, {
                idempotencyKey: k,
                quantity: o.quantity,
              });
              expect([200, 409]).toContain(r.status);
              if (r.status === 200) charged += r.body.charged;
              break;
            }
            case 'release': {
              const h = holds[o.hold % Math.max(1, holds.length)];
              if (h) expect((await call('POST', `/v1/holds/${h.id}/release`, h.token)).status).toBe(200);
              break;
            }
            case 'lease': {
              const t = tokens[o.device] as string;
              const r = await call('POST', '/v1/leases', t, { idempotencyKey: k, credits: o.credits });
              expect([201, 402]).toContain(r.status);
              if (r.status === 201) leases.push({ id: r.body.lease.leaseId, token: t, device: o.device });
              break;
            }
            case 'sync': {
              const l = leases[o.lease % Math.max(1, leases.length)];
              if (!l) break;
              const events = Array.from({ length: o.events }, (_, i) => ({
                seq: nextSeq(l.device),
                idempotencyKey: `${k}-${i}`,
                action: i % 3 ? 'email.verify' : 'person.email.find',
                quantity: 1 + (i % 4),
                at,
              }));
              const batch = o.resend
                ? [...(lastBatch.get(l.id) ?? []), ...events, ...events.slice(0, 2)]
                : events;
              lastBatch.set(l.id, events);
              const r = await call('POST', '/v1/sync', l.token, { leaseId: l.id, events: batch });
              expect(r.status).toBe(200);
              const fresh = new Map(events.map((e) => [e.seq, e]));
              const appliedNow = r.body.applied as number;
              // What this request applied is among its new events; rejected ones are never charged.
              const rejectedSeqs = new Set(r.body.rejected.map((x: { seq: number }) => x.seq));
              expect(appliedNow).toBeLessThanOrEqual(
                [...fresh.keys()].filter((q) => !rejectedSeqs.has(q)).length,
              );
              for (const e of events)
                if (!rejectedSeqs.has(e.seq)) charged += e.quantity * (e.action === 'email.verify' ? 1 : 3);
              break;
            }
            case 'grant':
              expect(
                (
                  await call('POST', `/v1/admin/orgs/${org.body.id}/grants`, ADMIN_TOKEN, {
                    credits: o.credits,
                    reason: 'p',
                  })
                ).status,
              ).toBe(201);
              break;
            case 'allowance':
              expect(
                (
                  await call('PATCH', `/v1/admin/orgs/${org.body.id}`, ADMIN_TOKEN, {
                    monthlyAllowance: o.value,
                  })
                ).status,
              ).toBe(200);
              break;
            case 'advance':
              s.clock.advance(o.hours * 3_600_000);
              break;
            case 'month': {
              const balance = await call('GET', '/v1/balance', tokens[0] as string);
              s.clock.set(Date.parse(balance.body.periodEnd));
              const fresh = await call('GET', '/v1/balance', tokens[0] as string);
              // A new month starts at exactly its allowance: nothing rolls over.
              expect(fresh.body).toMatchObject({
                granted: 0,
                consumed: 0,
                reserved: 0,
                remaining: fresh.body.allowance,
              });
              break;
            }
          }
          await check(org.body.id, lastSum);
        }
        // Every credit the answers said was charged is in the ledger, and nothing else is.
        const total = await s.app.licensing.ctx.ldb.db
          .selectFrom('ledger')
          .select(sql<number>`COALESCE(SUM(credits), 0)`.as('n'))
          .where('org_id', '=', org.body.id)
          .executeTakeFirstOrThrow();
        expect(Number(total.n)).toBe(charged);
      }),
      { numRuns: dialect === 'sqlite' ? 60 : 25 },
    );
  }, 120_000);
});
