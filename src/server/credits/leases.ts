// Offline leases: a slice of the period's remaining credits reserved for one device and
// signed with the server's Ed25519 key, so the desktop can spend it offline and trust
// it came from us. A lease ends at the earlier of its time to live (a few days) and the
// end of its period; then it is settled lazily and what it did not use goes back to the
// period. Reservations go through the same conditional counter UPDATE as holds, so all
// the devices of an organisation together can never lease more than is left.
import {
  canonicalJson,
  type LeaseLookupResponse,
  type LeasePayload,
  type LeaseResponse,
  type LeaseState,
  leasePayloadSchema,
} from '@shared/licensing';
import type { Kysely } from 'kysely';
import { type Ctx, type DeviceAuth, iso } from '../context';
import type { Trx } from '../db/database';
import type { LeasesTable, ServerSchema } from '../db/schema';
import { HttpError, notFound } from '../errors';
import { signLease } from '../lease-signature';
import { periodAt } from '../periods';
import { bodyHash, newId } from '../tokens';
import { assertActive } from './consume';
import { pricesFor, readCounter, remainingOf, reserveCounter, settleExpired } from './counters';

export type LeaseRow = Omit<LeasesTable, 'used' | 'returned'> & { used: number; returned: number };

export function leaseState(l: LeaseRow): LeaseState {
  const credits = Number(l.credits);
  const used = Number(l.used);
  return {
    leaseId: l.id,
    credits,
    used,
    remaining: l.status === 'active' ? credits - used : 0,
    status: l.status,
    expiresAt: iso(Number(l.expires_at)),
  };
}

export async function findLease(
  q: Trx | Kysely<ServerSchema>,
  auth: DeviceAuth,
  leaseId: string,
): Promise<LeaseRow> {
  const row = await q
    .selectFrom('leases')
    .selectAll()
    .where('id', '=', leaseId)
    .where('org_id', '=', auth.orgId)
    .where('device_id', '=', auth.deviceId)
    .executeTakeFirst();
  if (!row) throw notFound('lease');
  return row;
}

function leaseResponse(ctx: Ctx, row: LeaseRow, remaining: number): LeaseResponse {
  return {
    lease: leasePayloadSchema.parse(JSON.parse(row.payload)),
    signature: row.signature,
    publicKey: ctx.signer.publicKey,
    keyId: ctx.signer.keyId,
    remaining,
  };
}

class Replay extends Error {}

export async function createLease(
  ctx: Ctx,
  auth: DeviceAuth,
  body: { idempotencyKey?: string | undefined; credits: number },
): Promise<{ created: boolean; response: LeaseResponse }> {
  assertActive(auth);
  const hash = bodyHash(canonicalJson({ credits: body.credits }));
  await settleExpired(ctx, auth.orgId);
  const replay = async (q: Trx | Kysely<ServerSchema>) => {
    if (!body.idempotencyKey) return null;
    const row = await q
      .selectFrom('leases')
      .selectAll()
      .where('org_id', '=', auth.orgId)
      .where('idempotency_key', '=', body.idempotencyKey)
      .executeTakeFirst();
    if (!row) return null;
    if (row.body_hash !== hash || row.device_id !== auth.deviceId)
      throw new HttpError(
        422,
        'idempotency_conflict',
        'this idempotency key was already used with another request',
      );
    const period = periodAt(auth.timeZone, ctx.now());
    return {
      created: false,
      response: leaseResponse(ctx, row, remainingOf(await readCounter(q, auth.orgId, period))),
    };
  };
  const now = ctx.now();
  const period = periodAt(auth.timeZone, now);
  try {
    return await ctx.ldb.transaction(async (trx) => {
      const earlier = await replay(trx);
      if (earlier) return earlier;
      const { reserved, remaining } = await reserveCounter(trx, auth.orgId, period, body.credits, 1);
      if (reserved === 0) {
        throw new HttpError(
          402,
          'insufficient_credits',
          `no credits left to lease until ${iso(period.end)}`,
          {
            remaining,
            required: 1,
            periodEnd: iso(period.end),
          },
        );
      }
      const id = newId('lease');
      const payload: LeasePayload = {
        v: 1,
        leaseId: id,
        orgId: auth.orgId,
        deviceId: auth.deviceId,
        credits: reserved,
        issuedAt: iso(now),
        expiresAt: iso(Math.min(now + ctx.leaseTtlMs, period.end)),
        periodStart: iso(period.start),
        periodEnd: iso(period.end),
        prices: await pricesFor(trx, auth.orgId),
      };
      const row = await trx
        .insertInto('leases')
        .values({
          id,
          org_id: auth.orgId,
          device_id: auth.deviceId,
          period_key: period.key,
          credits: reserved,
          status: 'active',
          idempotency_key: body.idempotencyKey ?? null,
          body_hash: hash,
          payload: canonicalJson(payload),
          signature: signLease(payload, ctx.signer.privateKey),
          issued_at: now,
          expires_at: Math.min(now + ctx.leaseTtlMs, period.end),
          settled_at: null,
        })
        .onConflict((oc) => oc.columns(['org_id', 'idempotency_key']).doNothing())
        .returningAll()
        .executeTakeFirst();
      // A concurrent request with the same key committed first: undo ours, answer with theirs.
      if (!row) throw new Replay();
      return { created: true, response: leaseResponse(ctx, row, remaining) };
    });
  } catch (error) {
    if (!(error instanceof Replay)) throw error;
    const earlier = await replay(ctx.ldb.db);
    if (!earlier) throw new Error('a conflicting lease vanished');
    return earlier;
  }
}

export async function getLease(ctx: Ctx, auth: DeviceAuth, leaseId: string): Promise<LeaseLookupResponse> {
  await settleExpired(ctx, auth.orgId);
  const row = await findLease(ctx.ldb.db, auth, leaseId);
  const period = periodAt(auth.timeZone, ctx.now());
  const remaining = remainingOf(await readCounter(ctx.ldb.db, auth.orgId, period));
  return { ...leaseResponse(ctx, row, remaining), state: leaseState(row) };
}
