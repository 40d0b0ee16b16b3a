// Holds: a run reserves credits before it starts (POST /v1/holds), captures what its
// successful outcomes really used, in batches (POST /v1/holds/:id/capture, each call
// idempotent by key), and releases the rest (POST /v1/holds/:id/release). A hold
// reserves whole units at the price of the moment, as many as the balance allows
// (a partial hold), and ends at the earlier of its time to live and the end of its
// period, giving back what it did not capture. Holds belong to the device that made
// them; nothing here reads or changes another device's or organisation's hold.
import {
  type CaptureResponse,
  type CreateHoldResponse,
  canonicalJson,
  type HoldView,
  type ReleaseResponse,
} from '@shared/licensing';
import type { Kysely } from 'kysely';
import { type Ctx, type DeviceAuth, iso } from '../context';
import type { Trx } from '../db/database';
import type { HoldsTable, ServerSchema } from '../db/schema';
import { HttpError, notFound } from '../errors';
import { localDay, periodAt, periodByKey } from '../periods';
import { bodyHash, newId } from '../tokens';
import { assertActive, replayCharge } from './consume';
import {
  prepare,
  readCounter,
  remainingOf,
  reserveCounter,
  settleExpired,
  spendReserved,
  unreserve,
} from './counters';

type HoldRow = Omit<HoldsTable, 'captured' | 'released'> & { captured: number; released: number };

export function holdView(h: HoldRow): HoldView {
  return {
    holdId: h.id,
    action: h.action,
    unitPrice: Number(h.unit_price),
    requestedQuantity: Number(h.requested_quantity),
    reservedQuantity: Number(h.reserved_quantity),
    reserved: Number(h.credits),
    captured: Number(h.captured),
    status: h.status,
    expiresAt: iso(Number(h.expires_at)),
  };
}

async function findHold(trx: Trx | Kysely<ServerSchema>, auth: DeviceAuth, holdId: string): Promise<HoldRow> {
  const row = await trx
    .selectFrom('holds')
    .selectAll()
    .where('id', '=', holdId)
    .where('org_id', '=', auth.orgId)
    .where('device_id', '=', auth.deviceId)
    .executeTakeFirst();
  if (!row) throw notFound('hold');
  return row;
}

async function remainingNow(trx: Trx, ctx: Ctx, auth: DeviceAuth): Promise<number> {
  return remainingOf(await readCounter(trx, auth.orgId, periodAt(auth.timeZone, ctx.now())));
}

export async function createHold(
  ctx: Ctx,
  auth: DeviceAuth,
  body: { idempotencyKey: string; action: string; quantity: number },
): Promise<{ created: boolean; response: CreateHoldResponse }> {
  assertActive(auth);
  const { price: unitPrice } = await prepare(ctx, auth.orgId, { action: body.action });
  const hash = bodyHash(canonicalJson({ action: body.action, quantity: body.quantity }));
  const now = ctx.now();
  const period = periodAt(auth.timeZone, now);
  const id = newId('hold');
  return ctx.ldb.transaction(async (trx) => {
    // The row first, keyed by (organisation, key): a repeat waits here for the first
    // to commit, then finds it and answers with that hold.
    const inserted = await trx
      .insertInto('holds')
      .values({
        id,
        org_id: auth.orgId,
        device_id: auth.deviceId,
        period_key: period.key,
        action: body.action,
        unit_price: unitPrice,
        requested_quantity: body.quantity,
        reserved_quantity: 0,
        credits: 0,
        status: 'active',
        idempotency_key: body.idempotencyKey,
        body_hash: hash,
        created_at: now,
        expires_at: Math.min(now + ctx.holdTtlMs, period.end),
        closed_at: null,
      })
      .onConflict((oc) => oc.columns(['org_id', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const existing = await trx
        .selectFrom('holds')
        .selectAll()
        .where('org_id', '=', auth.orgId)
        .where('idempotency_key', '=', body.idempotencyKey)
        .executeTakeFirstOrThrow();
      if (existing.body_hash !== hash || existing.device_id !== auth.deviceId)
        throw new HttpError(
          422,
          'idempotency_conflict',
          'this idempotency key was already used with another request',
        );
      return {
        created: false,
        response: { ...holdView(existing), remaining: await remainingNow(trx, ctx, auth) },
      };
    }
    let reservedQuantity = body.quantity;
    let credits = 0;
    let remaining: number;
    if (unitPrice > 0) {
      const result = await reserveCounter(trx, auth.orgId, period, unitPrice * body.quantity, unitPrice);
      if (result.reserved === 0) {
        throw new HttpError(
          402,
          'insufficient_credits',
          `not enough credits: ${unitPrice} needed for one unit, ${result.remaining} left until ${iso(period.end)}`,
          { remaining: result.remaining, required: unitPrice, periodEnd: iso(period.end) },
        );
      }
      credits = result.reserved;
      reservedQuantity = credits / unitPrice;
      remaining = result.remaining;
    } else {
      remaining = remainingOf(await readCounter(trx, auth.orgId, period));
    }
    const row = await trx
      .updateTable('holds')
      .set({ credits, reserved_quantity: reservedQuantity })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { created: true, response: { ...holdView(row), remaining } };
  });
}

export async function captureHold(
  ctx: Ctx,
  auth: DeviceAuth,
  holdId: string,
  body: { idempotencyKey: string; quantity: number },
): Promise<CaptureResponse> {
  const hash = bodyHash(canonicalJson({ capture: holdId, quantity: body.quantity }));
  await settleExpired(ctx, auth.orgId);
  const now = ctx.now();
  return ctx.ldb.transaction(async (trx) => {
    const hold = await findHold(trx, auth, holdId);
    const period = periodByKey(auth.timeZone, hold.period_key);
    const charged = Number(hold.unit_price) * body.quantity;
    const inserted = await trx
      .insertInto('ledger')
      .values({
        org_id: auth.orgId,
        period_key: hold.period_key,
        kind: 'capture',
        action: hold.action,
        quantity: body.quantity,
        credits: charged,
        idempotency_key: body.idempotencyKey,
        body_hash: hash,
        response: null,
        device_id: auth.deviceId,
        hold_id: hold.id,
        lease_id: null,
        device_seq: null,
        occurred_at: now,
        recorded_at: now,
        day: localDay(auth.timeZone, now),
      })
      .onConflict((oc) => oc.columns(['org_id', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const earlier = await replayCharge(trx, auth.orgId, body.idempotencyKey, hash, period);
      if (!earlier) throw new Error('a conflicting ledger row vanished');
      return earlier as CaptureResponse;
    }
    // The guard: only an open hold with room for the whole batch takes it.
    const updated = await trx
      .updateTable('holds')
      .set((eb) => ({ captured: eb('captured', '+', charged) }))
      .where('id', '=', hold.id)
      .where('status', '=', 'active')
      .where('expires_at', '>', now)
      .where((eb) => eb(eb('captured', '+', charged), '<=', eb.ref('credits')))
      .returning(['captured', 'credits'])
      .executeTakeFirst();
    if (!updated) {
      if (hold.status !== 'active' || Number(hold.expires_at) <= now)
        throw new HttpError(
          409,
          'hold_closed',
          `the hold is ${hold.status === 'active' ? 'expired' : hold.status}`,
        );
      const left = Number(hold.credits) - Number(hold.captured);
      throw new HttpError(
        409,
        'hold_exceeded',
        `the hold has ${left} credits left; this capture needs ${charged}`,
        {
          holdRemaining: left,
        },
      );
    }
    const remaining = charged > 0 ? await spendReserved(trx, auth.orgId, hold.period_key, charged) : 0;
    const response: CaptureResponse = {
      holdId: hold.id,
      charged,
      captured: Number(updated.captured),
      holdRemaining: Number(updated.credits) - Number(updated.captured),
      remaining: charged > 0 ? remaining : remainingOf(await readCounter(trx, auth.orgId, period)),
    };
    await trx
      .updateTable('ledger')
      .set({ response: JSON.stringify(response) })
      .where('id', '=', inserted.id)
      .execute();
    return response;
  });
}

export async function releaseHold(ctx: Ctx, auth: DeviceAuth, holdId: string): Promise<ReleaseResponse> {
  await settleExpired(ctx, auth.orgId);
  const now = ctx.now();
  return ctx.ldb.transaction(async (trx) => {
    const closed = await trx
      .updateTable('holds')
      .set((eb) => ({ status: 'released', released: eb('credits', '-', eb.ref('captured')), closed_at: now }))
      .where('id', '=', holdId)
      .where('org_id', '=', auth.orgId)
      .where('device_id', '=', auth.deviceId)
      .where('status', '=', 'active')
      .returningAll()
      .executeTakeFirst();
    if (closed) await unreserve(trx, auth.orgId, closed.period_key, Number(closed.released));
    // Releasing again (or after expiry) answers with how the hold closed.
    const hold = closed ?? (await findHold(trx, auth, holdId));
    return {
      holdId: hold.id,
      status: hold.status,
      captured: Number(hold.captured),
      released: Number(hold.released),
      remaining: await remainingNow(trx, ctx, auth),
    };
  });
}

export async function getHold(ctx: Ctx, auth: DeviceAuth, holdId: string): Promise<HoldView> {
  await settleExpired(ctx, auth.orgId);
  return holdView(await findHold(ctx.ldb.db, auth, holdId));
}
