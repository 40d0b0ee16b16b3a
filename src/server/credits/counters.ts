// The period counter of an organisation — allowance, granted, consumed, reserved — and
// the only statements that change it. Every change is one conditional UPDATE, so the
// database, not application code, decides whether credits are there: a spend or a
// reservation that would take consumed + reserved past allowance + granted updates no
// row. Counters are created lazily (insert … on conflict do nothing) the first time a
// period is used, starting at exactly the organisation's allowance. Also settles
// expired holds and leases, lazily, giving their unused credits back.
import type { BalanceResponse } from '@shared/licensing';
import { type Kysely, sql } from 'kysely';
import { type Ctx, iso } from '../context';
import type { Trx } from '../db/database';
import type { ServerSchema } from '../db/schema';
import { HttpError } from '../errors';
import type { Period } from '../periods';
import { DEFAULT_PRICES, effectivePrices, isKnownAction } from '../prices';

type Q = Kysely<ServerSchema> | Trx;

const room = sql<number>`allowance + granted - consumed - reserved`;

/** Creates the counter of `period` if it does not exist; true when this call created it. */
export async function ensureCounter(q: Q, orgId: string, period: Period): Promise<boolean> {
  const inserted = await q
    .insertInto('period_counters')
    .columns(['org_id', 'period_key', 'starts_at', 'ends_at', 'allowance'])
    .expression((eb) =>
      eb
        .selectFrom('orgs')
        .select([
          'id',
          // Typed casts: PostgreSQL cannot infer a parameter's type in a select list.
          sql<string>`CAST(${period.key} AS text)`.as('period_key'),
          sql<number>`CAST(${period.start} AS bigint)`.as('starts_at'),
          sql<number>`CAST(${period.end} AS bigint)`.as('ends_at'),
          'monthly_allowance',
        ])
        .where('id', '=', orgId),
    )
    .onConflict((oc) => oc.columns(['org_id', 'period_key']).doNothing())
    .returning('org_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export interface CounterRow {
  allowance: number;
  granted: number;
  consumed: number;
  reserved: number;
}

export const remainingOf = (c: CounterRow): number =>
  Math.max(0, c.allowance + c.granted - c.consumed - c.reserved);

export async function readCounter(q: Q, orgId: string, period: Period): Promise<CounterRow> {
  const select = () =>
    q
      .selectFrom('period_counters')
      .select(['allowance', 'granted', 'consumed', 'reserved'])
      .where('org_id', '=', orgId)
      .where('period_key', '=', period.key)
      .executeTakeFirst();
  let row = await select();
  if (!row) {
    await ensureCounter(q, orgId, period);
    row = await select();
  }
  if (!row) throw new HttpError(404, 'not_found', 'organisation not found');
  return row;
}

/**
 * Spends `cost` credits of the period if they are there, in one conditional UPDATE.
 * Answers whether it did and the remaining balance (after, or as it stands).
 */
export async function chargeCounter(
  trx: Trx,
  orgId: string,
  period: Period,
  cost: number,
): Promise<{ charged: boolean; remaining: number }> {
  if (cost === 0) return { charged: true, remaining: remainingOf(await readCounter(trx, orgId, period)) };
  for (let attempt = 0; attempt < 3; attempt++) {
    // The one statement every spend goes through (plain SQL: it is on the hot path).
    const row = (
      await sql<{ room: number }>`UPDATE period_counters SET consumed = consumed + ${cost}
        WHERE org_id = ${orgId} AND period_key = ${period.key} AND allowance + granted - consumed - reserved >= ${cost}
        RETURNING allowance + granted - consumed - reserved AS room`.execute(trx)
    ).rows[0];
    if (row) return { charged: true, remaining: Math.max(0, Number(row.room)) };
    // No row: the credits are not there, or the period has no counter yet — or, on
    // PostgreSQL, another transaction created it since; then the next UPDATE sees it.
    const counter = await trx
      .selectFrom('period_counters')
      .select(['allowance', 'granted', 'consumed', 'reserved'])
      .where('org_id', '=', orgId)
      .where('period_key', '=', period.key)
      .executeTakeFirst();
    if (!counter) await ensureCounter(trx, orgId, period);
    else if (remainingOf(counter) < cost) return { charged: false, remaining: remainingOf(counter) };
  }
  return { charged: false, remaining: remainingOf(await readCounter(trx, orgId, period)) };
}

/**
 * Reserves up to `wanted` credits, in whole multiples of `unit`, as far as the period
 * allows. Returns what was reserved (possibly 0) and the remaining balance after.
 * The amount is decided from a read, but only a conditional UPDATE makes it real:
 * when a concurrent writer got there first, the UPDATE matches no row and we re-read.
 */
export async function reserveCounter(
  trx: Trx,
  orgId: string,
  period: Period,
  wanted: number,
  unit: number,
): Promise<{ reserved: number; remaining: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const counter = await readCounter(trx, orgId, period);
    const available = remainingOf(counter);
    const amount = Math.min(wanted, Math.floor(available / unit) * unit);
    if (amount <= 0) return { reserved: 0, remaining: available };
    const row = await trx
      .updateTable('period_counters')
      .set((eb) => ({ reserved: eb('reserved', '+', amount) }))
      .where('org_id', '=', orgId)
      .where('period_key', '=', period.key)
      .where(room, '>=', amount)
      .returning(room.as('room'))
      .executeTakeFirst();
    if (row) return { reserved: amount, remaining: Math.max(0, Number(row.room)) };
  }
  throw new HttpError(503, 'unavailable', 'the balance is changing too fast; retry');
}

/** Turns reserved credits into consumed ones (a capture, or offline spending on a lease). */
export async function spendReserved(
  trx: Trx,
  orgId: string,
  periodKey: string,
  credits: number,
): Promise<number> {
  const row = await trx
    .updateTable('period_counters')
    .set((eb) => ({ consumed: eb('consumed', '+', credits), reserved: eb('reserved', '-', credits) }))
    .where('org_id', '=', orgId)
    .where('period_key', '=', periodKey)
    .where('reserved', '>=', credits)
    .returning(room.as('room'))
    .executeTakeFirst();
  if (!row) throw new Error(`counter ${orgId}/${periodKey} holds fewer reserved credits than a capture`);
  return Math.max(0, Number(row.room));
}

/** Gives reserved credits back to the period. */
export async function unreserve(trx: Trx, orgId: string, periodKey: string, credits: number): Promise<void> {
  if (credits <= 0) return;
  const result = await trx
    .updateTable('period_counters')
    .set((eb) => ({ reserved: eb('reserved', '-', credits) }))
    .where('org_id', '=', orgId)
    .where('period_key', '=', periodKey)
    .where('reserved', '>=', credits)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1)
    throw new Error(`counter ${orgId}/${periodKey} holds fewer reserved credits than it gives back`);
}

/** The effective price list of an organisation. */
export async function pricesFor(q: Q, orgId: string): Promise<Record<string, number>> {
  const rows = await q
    .selectFrom('org_prices')
    .select(['action', 'credits'])
    .where('org_id', '=', orgId)
    .execute();
  return effectivePrices(Object.fromEntries(rows.map((r) => [r.action, Number(r.credits)])));
}

export async function balanceOf(q: Q, orgId: string, period: Period): Promise<BalanceResponse> {
  const [counter, prices] = await Promise.all([readCounter(q, orgId, period), pricesFor(q, orgId)]);
  return {
    periodStart: iso(period.start),
    periodEnd: iso(period.end),
    allowance: Number(counter.allowance),
    granted: Number(counter.granted),
    consumed: Number(counter.consumed),
    reserved: Number(counter.reserved),
    remaining: remainingOf(counter),
    prices,
  };
}

export interface Prepared {
  /** the price of one unit of the action asked about (0 when none was) */
  price: number;
  /** the period's remaining balance as just read, or null (no counter yet, or something expired just now) */
  room: number | null;
  /** a ledger row already holding the idempotency key asked about */
  prior: { bodyHash: string; response: string | null } | null;
}

/**
 * Before a request's own transaction, in one read: the price of `action`, the
 * period's balance, an earlier ledger row with the request's key, and whether any
 * hold or lease has expired — which are then closed, their unused credits given back
 * exactly once (the status flip is the guard). What it reads only ever lets a request
 * be answered early (a replay, or a refusal); spending still happens only through the
 * conditional UPDATE.
 */
export async function prepare(
  ctx: Ctx,
  orgId: string,
  opts: { action?: string; periodKey?: string; idempotencyKey?: string } = {},
): Promise<Prepared> {
  const { action, periodKey, idempotencyKey } = opts;
  if (action !== undefined && !isKnownAction(action))
    throw new HttpError(400, 'unknown_action', `unknown action "${action}"`);
  const now = ctx.now();
  // Hot path (every consume starts here): plain SQL through Kysely's sql tag, the same
  // text on both dialects; building this with the query builder cost more than running
  // it. Absent parts match nothing ('' is never a valid action, period or key).
  const result = await sql<{
    price: number | null;
    room: number | null;
    prior_body_hash: string | null;
    prior_response: string | null;
    holds_due: number | boolean;
    leases_due: number | boolean;
  }>`SELECT
      (SELECT credits FROM org_prices WHERE org_id = ${orgId} AND action = ${action ?? ''}) AS price,
      (SELECT allowance + granted - consumed - reserved FROM period_counters
        WHERE org_id = ${orgId} AND period_key = ${periodKey ?? ''}) AS room,
      (SELECT body_hash FROM ledger WHERE org_id = ${orgId} AND idempotency_key = ${idempotencyKey ?? ''}) AS prior_body_hash,
      (SELECT response FROM ledger WHERE org_id = ${orgId} AND idempotency_key = ${idempotencyKey ?? ''}) AS prior_response,
      EXISTS (SELECT 1 FROM holds WHERE org_id = ${orgId} AND status = 'active' AND expires_at <= ${now}) AS holds_due,
      EXISTS (SELECT 1 FROM leases WHERE org_id = ${orgId} AND status = 'active' AND expires_at <= ${now}) AS leases_due`.execute(
    ctx.ldb.db,
  );
  const row = result.rows[0];
  if (!row) throw new Error('the prepare query returned no row');
  const r = row as unknown as Record<string, unknown>;
  const expired = Boolean(Number(row.holds_due)) || Boolean(Number(row.leases_due));
  if (expired) await settle(ctx, orgId, now);
  const price =
    action === undefined
      ? 0
      : r.price === null || r.price === undefined
        ? (DEFAULT_PRICES[action] ?? 0)
        : Number(r.price);
  return {
    price,
    room: expired || r.room === null || r.room === undefined ? null : Math.max(0, Number(r.room)),
    prior:
      typeof r.prior_body_hash === 'string'
        ? { bodyHash: r.prior_body_hash, response: (r.prior_response as string | null) ?? null }
        : null,
  };
}

export const settleExpired = (ctx: Ctx, orgId: string): Promise<Prepared> => prepare(ctx, orgId);

async function settle(ctx: Ctx, orgId: string, now: number): Promise<void> {
  await ctx.ldb.transaction(async (trx) => {
    const freed = new Map<string, number>();
    const holds = await trx
      .updateTable('holds')
      .set((eb) => ({ status: 'expired', released: eb('credits', '-', eb.ref('captured')), closed_at: now }))
      .where('org_id', '=', orgId)
      .where('status', '=', 'active')
      .where('expires_at', '<=', now)
      .returning(['period_key', 'released'])
      .execute();
    for (const h of holds) freed.set(h.period_key, (freed.get(h.period_key) ?? 0) + Number(h.released));
    const leases = await trx
      .updateTable('leases')
      .set((eb) => ({ status: 'settled', returned: eb('credits', '-', eb.ref('used')), settled_at: now }))
      .where('org_id', '=', orgId)
      .where('status', '=', 'active')
      .where('expires_at', '<=', now)
      .returning(['period_key', 'returned'])
      .execute();
    for (const l of leases) freed.set(l.period_key, (freed.get(l.period_key) ?? 0) + Number(l.returned));
    for (const [periodKey, credits] of freed) await unreserve(trx, orgId, periodKey, credits);
  });
}
