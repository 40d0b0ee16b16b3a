// POST /v1/consume: one charge, atomically, in one transaction: the conditional counter
// UPDATE (no row updated means the credits are not there: 402) and the ledger row keyed
// by (organisation, idempotency key) holding the answer; a conflict on the key means it
// was seen before, so the transaction rolls back and the stored answer is returned (422
// when the body differs). The UPDATE comes first so the answer can be stored by the same
// INSERT: one statement fewer while the counter row is locked. The cost is the server's
// price x quantity, never a number from the client.
import { type ConsumeResponse, canonicalJson } from '@shared/licensing';
import { type Kysely, sql } from 'kysely';
import { type Ctx, type DeviceAuth, iso } from '../context';
import type { Trx } from '../db/database';
import type { ServerSchema } from '../db/schema';
import { HttpError } from '../errors';
import { localDay, type Period, periodAt } from '../periods';
import { bodyHash } from '../tokens';
import { chargeCounter, prepare, readCounter, remainingOf } from './counters';

/** The hash a consume and an offline sync event share, so one spent both ways is counted once. */
export const chargeHash = (action: string, quantity: number): string =>
  bodyHash(canonicalJson({ action, quantity }));

export function assertActive(auth: DeviceAuth): void {
  if (auth.orgStatus !== 'active')
    throw new HttpError(403, 'org_suspended', 'the organisation is suspended; contact your vendor');
}

export function insufficient(period: Period, required: number, remaining: number): HttpError {
  return new HttpError(
    402,
    'insufficient_credits',
    `not enough credits: ${required} needed, ${remaining} left until ${iso(period.end)}`,
    { remaining, required, periodEnd: iso(period.end) },
  );
}

type Q = Kysely<ServerSchema> | Trx;

/** A ledger row already holds this key: its answer, or 422 when it was used for another request; null when none does. */
export async function replayCharge(
  q: Q,
  orgId: string,
  idempotencyKey: string,
  hash: string,
  period: Period,
): Promise<(ConsumeResponse & Record<string, unknown>) | null> {
  const row = await q
    .selectFrom('ledger')
    .select(['body_hash', 'response', 'credits'])
    .where('org_id', '=', orgId)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  if (!row) return null;
  if (row.body_hash !== hash)
    throw new HttpError(
      422,
      'idempotency_conflict',
      'this idempotency key was already used with another request',
    );
  if (row.response) return JSON.parse(row.response) as ConsumeResponse;
  // Charged by an offline sync: charged is what it cost then; remaining is today's.
  return { charged: Number(row.credits), remaining: remainingOf(await readCounter(q, orgId, period)) };
}

/** Thrown inside a transaction to roll it back when a repeated key turns up. */
export class Replay extends Error {}

export async function consume(
  ctx: Ctx,
  auth: DeviceAuth,
  body: { idempotencyKey: string; action: string; quantity: number },
): Promise<ConsumeResponse> {
  const now = ctx.now();
  const period = periodAt(auth.timeZone, now);
  const hash = chargeHash(body.action, body.quantity);
  const { price, room, prior } = await prepare(ctx, auth.orgId, {
    action: body.action,
    periodKey: period.key,
    idempotencyKey: body.idempotencyKey,
  });
  const cost = price * body.quantity;
  // Answered from that one read: a repeated key, or a plain refusal (refusing on a read
  // that a concurrent grant makes stale is harmless; only spending must be atomic).
  if (prior) {
    if (prior.bodyHash !== hash)
      throw new HttpError(
        422,
        'idempotency_conflict',
        'this idempotency key was already used with another request',
      );
    if (prior.response) return JSON.parse(prior.response) as ConsumeResponse;
  }
  // A repeat of what was charged before suspension still gets its answer; new spending does not.
  assertActive(auth);
  if (!prior && room !== null && room < cost) throw insufficient(period, cost, room);
  try {
    return await ctx.ldb.transaction(async (trx) => {
      const charge = await chargeCounter(trx, auth.orgId, period, cost);
      if (!charge.charged) {
        // Refused — unless this key was charged before: then its answer stands.
        const earlier = await replayCharge(trx, auth.orgId, body.idempotencyKey, hash, period);
        if (earlier) return earlier;
        throw insufficient(period, cost, charge.remaining);
      }
      const response: ConsumeResponse = { charged: cost, remaining: charge.remaining };
      // Plain SQL on the hot path; the same text on both dialects.
      const inserted = (
        await sql<{ id: number }>`INSERT INTO ledger (org_id, period_key, kind, action, quantity, credits,
            idempotency_key, body_hash, response, device_id, hold_id, lease_id, device_seq, occurred_at, recorded_at, day)
          VALUES (${auth.orgId}, ${period.key}, 'consume', ${body.action}, ${body.quantity}, ${cost},
            ${body.idempotencyKey}, ${hash}, ${JSON.stringify(response)}, ${auth.deviceId}, NULL, NULL, NULL,
            ${now}, ${now}, ${localDay(auth.timeZone, now)})
          ON CONFLICT (org_id, idempotency_key) DO NOTHING
          RETURNING id`.execute(trx)
      ).rows[0];
      if (!inserted) throw new Replay();
      return response;
    });
  } catch (error) {
    if (!(error instanceof Replay)) throw error;
    const earlier = await replayCharge(ctx.ldb.db, auth.orgId, body.idempotencyKey, hash, period);
    if (!earlier) throw new Error('a conflicting ledger row vanished');
    return earlier;
  }
}
