// POST /v1/sync: a device's offline debits against one of its leases, in any order,
// any number of times. Each event is applied at most once — by its per-device seq and
// by its idempotency key (the same key charged online counts once too) — charged at
// the lease's signed prices, and only within the lease: spending past it is refused
// for good, and a refused event stays refused when it comes again. The device row is
// locked first, so one device's syncs serialise; the lease UPDATE is conditional, so
// nothing here can overspend even if two requests race. Answers with the highest seq
// through which everything has been processed, so the client can drop its outbox.

import {
  type LeasePayload,
  leasePayloadSchema,
  type SyncRequest,
  type SyncResponse,
} from '@shared/licensing';
import type { Insertable } from 'kysely';
import type { Ctx, DeviceAuth } from '../context';
import type { Trx } from '../db/database';
import type { LedgerTable, SyncEventsTable } from '../db/schema';
import { localDay, periodAt, periodByKey } from '../periods';
import { chargeHash } from './consume';
import { balanceOf, chargeCounter, settleExpired, spendReserved } from './counters';
import { findLease, leaseState } from './leases';

type Reason = SyncResponse['rejected'][number]['reason'];

const CHUNK = 400;
const chunks = <T>(items: T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
};

/** A racing writer changed what this sync read; the whole transaction runs again. */
class RetrySync extends Error {}

export async function syncLease(ctx: Ctx, auth: DeviceAuth, body: SyncRequest): Promise<SyncResponse> {
  await settleExpired(ctx, auth.orgId);
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.ldb.transaction((trx) => syncOnce(ctx, auth, body, trx));
    } catch (error) {
      if (!(error instanceof RetrySync) || attempt >= 5) throw error;
    }
  }
}

interface Item {
  seq: number;
  key: string;
  hash: string;
  action: string;
  quantity: number;
  at: number;
  /** identical copies of this event later in the same request */
  copies: number;
}

async function syncOnce(ctx: Ctx, auth: DeviceAuth, body: SyncRequest, trx: Trx): Promise<SyncResponse> {
  const now = ctx.now();
  // Lock this device's row: its syncs run one at a time, so seq bookkeeping is exact.
  const device = await trx
    .updateTable('devices')
    .set({ last_seen_at: now })
    .where('id', '=', auth.deviceId)
    .where('org_id', '=', auth.orgId)
    .returning('acked_through')
    .executeTakeFirstOrThrow();
  const lease = await findLease(trx, auth, body.leaseId);
  const payload: LeasePayload = leasePayloadSchema.parse(JSON.parse(lease.payload));
  const leasePeriod = periodByKey(auth.timeZone, lease.period_key);

  const rejected: SyncResponse['rejected'] = [];
  const reject = (item: { seq: number; key: string }, reason: Reason) =>
    rejected.push({ seq: item.seq, idempotencyKey: item.key, reason });
  let duplicates = 0;

  // The first occurrence of each seq in this request; identical copies ride along.
  const bySeq = new Map<number, Item>();
  for (const ev of body.events) {
    const hash = chargeHash(ev.action, ev.quantity);
    const first = bySeq.get(ev.seq);
    if (!first) {
      const at = Math.min(Math.max(Date.parse(ev.at), leasePeriod.start), leasePeriod.end - 1);
      bySeq.set(ev.seq, {
        seq: ev.seq,
        key: ev.idempotencyKey,
        hash,
        action: ev.action,
        quantity: ev.quantity,
        at,
        copies: 0,
      });
    } else if (first.key === ev.idempotencyKey && first.hash === hash) first.copies++;
    else reject({ seq: ev.seq, key: ev.idempotencyKey }, 'seq_conflict');
  }

  // Seqs processed before keep the fate they had.
  const seen = new Map<
    number,
    { idempotency_key: string; body_hash: string; outcome: string; reason: string | null }
  >();
  for (const part of chunks([...bySeq.keys()])) {
    const rows = await trx
      .selectFrom('sync_events')
      .select(['seq', 'idempotency_key', 'body_hash', 'outcome', 'reason'])
      .where('device_id', '=', auth.deviceId)
      .where('seq', 'in', part)
      .execute();
    for (const r of rows) seen.set(Number(r.seq), r);
  }
  const fresh: Item[] = [];
  for (const item of bySeq.values()) {
    const prior = seen.get(item.seq);
    if (!prior) fresh.push(item);
    else if (prior.idempotency_key !== item.key || prior.body_hash !== item.hash)
      reject(item, 'seq_conflict');
    else if (prior.outcome === 'rejected') reject(item, (prior.reason ?? 'lease_exhausted') as Reason);
    else duplicates += 1 + item.copies;
  }
  fresh.sort((a, b) => a.seq - b.seq);

  // Keys already charged (online, or under another seq) are duplicates, not new spending.
  const charged = new Map<string, string>();
  for (const part of chunks([...new Set(fresh.map((f) => f.key))])) {
    const rows = await trx
      .selectFrom('ledger')
      .select(['idempotency_key', 'body_hash'])
      .where('org_id', '=', auth.orgId)
      .where('idempotency_key', 'in', part)
      .execute();
    for (const r of rows) charged.set(r.idempotency_key, r.body_hash);
  }

  const outcomes: { item: Item; outcome: SyncEventsTable['outcome']; reason: Reason | null }[] = [];
  const toApply: (Item & { cost: number })[] = [];
  let total = 0;
  const leaseLeft = Number(lease.credits) - Number(lease.used);
  for (const item of fresh) {
    const earlier = charged.get(item.key);
    if (earlier !== undefined) {
      if (earlier === item.hash) {
        duplicates += 1 + item.copies;
        outcomes.push({ item, outcome: 'duplicate', reason: null });
      } else {
        reject(item, 'idempotency_conflict');
        outcomes.push({ item, outcome: 'rejected', reason: 'idempotency_conflict' });
      }
      continue;
    }
    const price = payload.prices[item.action];
    const cost = price === undefined ? -1 : price * item.quantity;
    const reason: Reason | null =
      cost < 0 ? 'unknown_action' : total + cost > leaseLeft ? 'lease_exhausted' : null;
    if (reason) {
      reject(item, reason);
      outcomes.push({ item, outcome: 'rejected', reason });
      continue;
    }
    total += cost;
    toApply.push({ ...item, cost });
    charged.set(item.key, item.hash);
  }

  let applied = toApply;
  if (lease.status === 'active') {
    if (total > 0) {
      const taken = await trx
        .updateTable('leases')
        .set((eb) => ({ used: eb('used', '+', total) }))
        .where('id', '=', lease.id)
        .where('status', '=', 'active')
        .where((eb) => eb(eb('used', '+', total), '<=', eb.ref('credits')))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) throw new RetrySync();
      await spendReserved(trx, auth.orgId, lease.period_key, total);
    }
  } else {
    // Settled (expired) before these arrived: what it did not use went back to the
    // period, so each late event must still fit in the lease and in the period.
    applied = [];
    let lateTotal = 0;
    for (const item of toApply) {
      if (!(await chargeCounter(trx, auth.orgId, leasePeriod, item.cost)).charged) {
        reject(item, 'lease_expired');
        outcomes.push({ item, outcome: 'rejected', reason: 'lease_expired' });
      } else {
        applied.push(item);
        lateTotal += item.cost;
      }
    }
    if (lateTotal > 0) {
      const taken = await trx
        .updateTable('leases')
        .set((eb) => ({ used: eb('used', '+', lateTotal) }))
        .where('id', '=', lease.id)
        .where((eb) => eb(eb('used', '+', lateTotal), '<=', eb.ref('credits')))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) throw new RetrySync();
    }
  }
  for (const item of applied) outcomes.push({ item, outcome: 'applied', reason: null });

  const ledgerRows: Insertable<LedgerTable>[] = applied.map((item) => ({
    org_id: auth.orgId,
    period_key: lease.period_key,
    kind: 'sync',
    action: item.action,
    quantity: item.quantity,
    credits: item.cost,
    idempotency_key: item.key,
    body_hash: item.hash,
    response: null,
    device_id: auth.deviceId,
    hold_id: null,
    lease_id: lease.id,
    device_seq: item.seq,
    occurred_at: item.at,
    recorded_at: now,
    day: localDay(auth.timeZone, item.at),
  }));
  for (const part of chunks(ledgerRows)) {
    const inserted = await trx
      .insertInto('ledger')
      .values(part)
      .onConflict((oc) => oc.columns(['org_id', 'idempotency_key']).doNothing())
      .returning('id')
      .execute();
    // Another request charged one of these keys since we looked: start again.
    if (inserted.length !== part.length) throw new RetrySync();
  }
  const eventRows: SyncEventsTable[] = outcomes.map(({ item, outcome, reason }) => ({
    device_id: auth.deviceId,
    seq: item.seq,
    org_id: auth.orgId,
    lease_id: lease.id,
    idempotency_key: item.key,
    body_hash: item.hash,
    outcome,
    reason,
    recorded_at: now,
  }));
  for (const part of chunks(eventRows)) await trx.insertInto('sync_events').values(part).execute();

  const ackedThrough = await advanceAck(trx, auth.deviceId, Number(device.acked_through));
  const after = await findLease(trx, auth, lease.id);
  rejected.sort((a, b) => a.seq - b.seq);
  return {
    ackedThrough,
    applied: applied.length,
    duplicates: duplicates + applied.reduce((n, i) => n + i.copies, 0),
    rejected,
    lease: leaseState(after),
    balance: await balanceOf(trx, auth.orgId, periodAt(auth.timeZone, now)),
  };
}

/** Moves the device's acknowledgement over every seq processed without a gap. */
async function advanceAck(trx: Trx, deviceId: string, from: number): Promise<number> {
  const PAGE = 2_000;
  let acked = from;
  for (;;) {
    const rows = await trx
      .selectFrom('sync_events')
      .select('seq')
      .where('device_id', '=', deviceId)
      .where('seq', '>', acked)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    let gap = false;
    for (const r of rows) {
      if (Number(r.seq) !== acked + 1) {
        gap = true;
        break;
      }
      acked++;
    }
    if (gap || rows.length < PAGE) break;
  }
  if (acked !== from)
    await trx.updateTable('devices').set({ acked_through: acked }).where('id', '=', deviceId).execute();
  return acked;
}
