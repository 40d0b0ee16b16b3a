// POST /v1/consume: one charge, atomically, in one transaction — insert the ledger row
// keyed by (organisation, idempotency key); a conflict means the key was seen, so the
// stored answer is returned (or 422 when the body differs); then the conditional
// counter UPDATE; no row updated means 402, and throwing rolls the ledger row back.
// The cost is the server's price x quantity, never a number from the client.
import { type ConsumeResponse, canonicalJson } from '@shared/licensing';
import { type Ctx, type DeviceAuth, iso } from '../context';
import type { Trx } from '../db/database';
import { HttpError } from '../errors';
import { localDay, type Period, periodAt } from '../periods';
import { bodyHash } from '../tokens';
import { chargeCounter, priceOf, readCounter, remainingOf, settleExpired } from './counters';

/** The hash a consume and an offline sync event share, so one spent both ways is counted once. */
export const chargeHash = (action: string, quantity: number): string =>
  bodyHash(canonicalJson({ action, quantity }));

export function assertActive(auth: DeviceAuth): void {
  if (auth.orgStatus !== 'active')
    throw new HttpError(403, 'org_suspended', 'the organisation is suspended; contact your vendor');
}

export async function insufficient(
  trx: Trx,
  orgId: string,
  period: Period,
  required: number,
): Promise<HttpError> {
  const remaining = remainingOf(await readCounter(trx, orgId, period));
  return new HttpError(
    402,
    'insufficient_credits',
    `not enough credits: ${required} needed, ${remaining} left until ${iso(period.end)}`,
    { remaining, required, periodEnd: iso(period.end) },
  );
}

/** A ledger row already holds this key: its answer, or 422 when it was used for another request. */
export async function replayCharge(
  trx: Trx,
  orgId: string,
  idempotencyKey: string,
  hash: string,
  period: Period,
): Promise<ConsumeResponse & Record<string, unknown>> {
  const row = await trx
    .selectFrom('ledger')
    .select(['body_hash', 'response', 'credits', 'period_key'])
    .where('org_id', '=', orgId)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirstOrThrow();
  if (row.body_hash !== hash)
    throw new HttpError(
      422,
      'idempotency_conflict',
      'this idempotency key was already used with another request',
    );
  if (row.response) return JSON.parse(row.response) as ConsumeResponse;
  // Charged by an offline sync: charged is what it cost then; remaining is today's.
  return { charged: Number(row.credits), remaining: remainingOf(await readCounter(trx, orgId, period)) };
}

export async function consume(
  ctx: Ctx,
  auth: DeviceAuth,
  body: { idempotencyKey: string; action: string; quantity: number },
): Promise<ConsumeResponse> {
  assertActive(auth);
  const price = await priceOf(ctx.ldb.db, auth.orgId, body.action);
  const cost = price * body.quantity;
  const hash = chargeHash(body.action, body.quantity);
  await settleExpired(ctx, auth.orgId);
  const now = ctx.now();
  const period = periodAt(auth.timeZone, now);
  return ctx.ldb.transaction(async (trx) => {
    const inserted = await trx
      .insertInto('ledger')
      .values({
        org_id: auth.orgId,
        period_key: period.key,
        kind: 'consume',
        action: body.action,
        quantity: body.quantity,
        credits: cost,
        idempotency_key: body.idempotencyKey,
        body_hash: hash,
        response: null,
        device_id: auth.deviceId,
        hold_id: null,
        lease_id: null,
        device_seq: null,
        occurred_at: now,
        recorded_at: now,
        day: localDay(auth.timeZone, now),
      })
      .onConflict((oc) => oc.columns(['org_id', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return replayCharge(trx, auth.orgId, body.idempotencyKey, hash, period);
    const remaining = await chargeCounter(trx, auth.orgId, period, cost);
    if (remaining === null) throw await insufficient(trx, auth.orgId, period, cost);
    const response: ConsumeResponse = { charged: cost, remaining: Math.max(0, remaining) };
    await trx
      .updateTable('ledger')
      .set({ response: JSON.stringify(response) })
      .where('id', '=', inserted.id)
      .execute();
    return response;
  });
}
