// What an organisation spent: the ledger page by page (newest first, by period and
// action) and a summary per day, action and user for the team usage view. Every query
// is scoped by the organisation of the caller's token; there is no way to name another.
import type { UsageResponse, UsageSummaryResponse } from '@shared/licensing';
import { sql } from 'kysely';
import { type Ctx, type DeviceAuth, iso } from './context';
import { periodAt, periodByKey } from './periods';

export async function listUsage(
  ctx: Ctx,
  auth: DeviceAuth,
  query: {
    period?: string | undefined;
    action?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<UsageResponse> {
  const period = query.period ? periodByKey(auth.timeZone, query.period) : periodAt(auth.timeZone, ctx.now());
  let q = ctx.ldb.db
    .selectFrom('ledger')
    .innerJoin('devices', 'devices.id', 'ledger.device_id')
    .innerJoin('users', 'users.id', 'devices.user_id')
    .select([
      'ledger.id',
      'ledger.kind',
      'ledger.action',
      'ledger.quantity',
      'ledger.credits',
      'ledger.occurred_at',
      'ledger.recorded_at',
      'ledger.day',
      'ledger.device_id',
      'users.email',
      'ledger.hold_id',
      'ledger.lease_id',
    ])
    .where('ledger.org_id', '=', auth.orgId)
    .where('ledger.period_key', '=', period.key)
    .orderBy('ledger.id', 'desc')
    .limit(query.limit + 1);
  if (query.action) q = q.where('ledger.action', '=', query.action);
  if (query.cursor) q = q.where('ledger.id', '<', Number(query.cursor));
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  return {
    period: period.key,
    periodStart: iso(period.start),
    periodEnd: iso(period.end),
    items: page.map((r) => ({
      id: String(r.id),
      kind: r.kind,
      action: r.action,
      quantity: Number(r.quantity),
      credits: Number(r.credits),
      occurredAt: iso(Number(r.occurred_at)),
      recordedAt: iso(Number(r.recorded_at)),
      day: r.day,
      deviceId: r.device_id,
      userEmail: r.email,
      holdId: r.hold_id,
      leaseId: r.lease_id,
    })),
    nextCursor: rows.length > query.limit ? String(page.at(-1)?.id) : null,
  };
}

export async function usageSummary(
  ctx: Ctx,
  auth: DeviceAuth,
  query: { period?: string | undefined },
): Promise<UsageSummaryResponse> {
  const period = query.period ? periodByKey(auth.timeZone, query.period) : periodAt(auth.timeZone, ctx.now());
  const { db } = ctx.ldb;
  const credits = sql<number>`COALESCE(SUM(ledger.credits), 0)`.as('credits');
  const quantity = sql<number>`COALESCE(SUM(ledger.quantity), 0)`.as('quantity');
  const base = db
    .selectFrom('ledger')
    .where('ledger.org_id', '=', auth.orgId)
    .where('ledger.period_key', '=', period.key);
  const [byDay, byAction, byUser] = await Promise.all([
    base.select(['ledger.day', credits, quantity]).groupBy('ledger.day').orderBy('ledger.day').execute(),
    base
      .select(['ledger.action', credits, quantity])
      .groupBy('ledger.action')
      .orderBy('ledger.action')
      .execute(),
    base
      .innerJoin('devices', 'devices.id', 'ledger.device_id')
      .innerJoin('users', 'users.id', 'devices.user_id')
      .select(['users.email', credits, quantity])
      .groupBy('users.email')
      .orderBy('users.email')
      .execute(),
  ]);
  const n = (v: unknown) => Number(v);
  return {
    period: period.key,
    periodStart: iso(period.start),
    periodEnd: iso(period.end),
    total: byAction.reduce((sum, r) => sum + n(r.credits), 0),
    byDay: byDay.map((r) => ({ day: r.day, credits: n(r.credits), quantity: n(r.quantity) })),
    byAction: byAction.map((r) => ({ action: r.action, credits: n(r.credits), quantity: n(r.quantity) })),
    byUser: byUser.map((r) => ({ userEmail: r.email, credits: n(r.credits), quantity: n(r.quantity) })),
  };
}
