// Organisations, their users and devices, as the vendor manages them: create (with a
// license key shown once), change the allowance (it applies to the current period at
// once), suspend, grant top-ups, override prices, revoke devices; and activation, which
// trades a license key for a device token. Secrets are stored as digests only.
import {
  type BalanceResponse,
  type CreateOrgResponse,
  canonicalJson,
  type GrantResponse,
  type OrgListResponse,
  type OrgSummary,
  type OrgView,
  type SetPricesResponse,
} from '@shared/licensing';
import type { Kysely, Selectable } from 'kysely';
import { type Ctx, iso } from './context';
import { balanceOf, ensureCounter, pricesFor, remainingOf } from './credits/counters';
import type { Trx } from './db/database';
import type { OrgsTable, ServerSchema } from './db/schema';
import { HttpError, notFound } from './errors';
import { normaliseTimeZone, periodAt } from './periods';
import { isKnownAction } from './prices';
import { bodyHash, hashToken, newId, newToken } from './tokens';

type Q = Kysely<ServerSchema> | Trx;

async function findOrg(q: Q, orgId: string): Promise<Selectable<OrgsTable>> {
  const org = await q.selectFrom('orgs').selectAll().where('id', '=', orgId).executeTakeFirst();
  if (!org) throw notFound('organisation');
  return org;
}

const summary = (o: Selectable<OrgsTable>): OrgSummary => ({
  id: o.id,
  name: o.name,
  timeZone: o.time_zone,
  monthlyAllowance: Number(o.monthly_allowance),
  status: o.status,
  createdAt: iso(Number(o.created_at)),
});

export async function createOrg(
  ctx: Ctx,
  input: { name: string; monthlyAllowance: number; timeZone: string; demo?: boolean; licenseKey?: string },
): Promise<CreateOrgResponse> {
  const timeZone = normaliseTimeZone(input.timeZone);
  if (!timeZone)
    throw new HttpError(
      400,
      'invalid_request',
      `body.timeZone: "${input.timeZone}" is not an IANA time zone`,
    );
  const id = newId('org');
  const licenseKey = input.licenseKey ?? newToken('lic');
  await ctx.ldb.db
    .insertInto('orgs')
    .values({
      id,
      name: input.name,
      time_zone: timeZone,
      monthly_allowance: input.monthlyAllowance,
      status: 'active',
      license_key_hash: hashToken(licenseKey),
      is_demo: input.demo ? 1 : 0,
      created_at: ctx.now(),
    })
    .execute();
  return { id, licenseKey };
}

export async function orgView(ctx: Ctx, orgId: string): Promise<OrgView> {
  const { db } = ctx.ldb;
  const org = await findOrg(db, orgId);
  const period = periodAt(org.time_zone, ctx.now());
  const [balance, overrides, devices] = await Promise.all([
    balanceOf(db, orgId, period),
    db.selectFrom('org_prices').select(['action', 'credits']).where('org_id', '=', orgId).execute(),
    db
      .selectFrom('devices')
      .innerJoin('users', 'users.id', 'devices.user_id')
      .select([
        'devices.id',
        'devices.name',
        'users.email',
        'devices.created_at',
        'devices.last_seen_at',
        'devices.revoked_at',
      ])
      .where('devices.org_id', '=', orgId)
      .orderBy('devices.created_at')
      .execute(),
  ]);
  return {
    ...summary(org),
    balance,
    priceOverrides: Object.fromEntries(overrides.map((o) => [o.action, Number(o.credits)])),
    devices: devices.map((d) => ({
      id: d.id,
      name: d.name,
      userEmail: d.email,
      createdAt: iso(Number(d.created_at)),
      lastSeenAt: d.last_seen_at === null ? null : iso(Number(d.last_seen_at)),
      revoked: d.revoked_at !== null,
    })),
  };
}

export async function listOrgs(
  ctx: Ctx,
  query: { limit: number; cursor?: string | undefined },
): Promise<OrgListResponse> {
  let q = ctx.ldb.db
    .selectFrom('orgs')
    .selectAll()
    .orderBy('id')
    .limit(query.limit + 1);
  if (query.cursor) q = q.where('id', '>', query.cursor);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(summary),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export async function patchOrg(
  ctx: Ctx,
  orgId: string,
  patch: {
    monthlyAllowance?: number | undefined;
    status?: 'active' | 'suspended' | undefined;
    name?: string | undefined;
  },
): Promise<OrgView> {
  await ctx.ldb.transaction(async (trx) => {
    const updated = await trx
      .updateTable('orgs')
      .set({
        ...(patch.monthlyAllowance !== undefined ? { monthly_allowance: patch.monthlyAllowance } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
      })
      .where('id', '=', orgId)
      .returning(['time_zone'])
      .executeTakeFirst();
    if (!updated) throw notFound('organisation');
    if (patch.monthlyAllowance !== undefined) {
      // The current period takes the new allowance now; later periods start from it.
      const period = periodAt(updated.time_zone, ctx.now());
      await ensureCounter(trx, orgId, period);
      await trx
        .updateTable('period_counters')
        .set({ allowance: patch.monthlyAllowance })
        .where('org_id', '=', orgId)
        .where('period_key', '=', period.key)
        .execute();
    }
  });
  return orgView(ctx, orgId);
}

export async function grantCredits(
  ctx: Ctx,
  orgId: string,
  input: { credits: number; reason: string; idempotencyKey?: string | undefined },
): Promise<GrantResponse> {
  const hash = bodyHash(canonicalJson({ credits: input.credits, reason: input.reason }));
  return ctx.ldb.transaction(async (trx) => {
    const org = await findOrg(trx, orgId);
    const now = ctx.now();
    const period = periodAt(org.time_zone, now);
    const id = newId('grant');
    // The grant row first, keyed by (organisation, key): a concurrent repeat waits here
    // for the first to commit, then finds it and answers with it.
    const inserted = await trx
      .insertInto('grants')
      .values({
        id,
        org_id: orgId,
        period_key: period.key,
        credits: input.credits,
        reason: input.reason,
        idempotency_key: input.idempotencyKey ?? null,
        body_hash: hash,
        response: '',
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['org_id', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const earlier = await trx
        .selectFrom('grants')
        .select(['body_hash', 'response'])
        .where('org_id', '=', orgId)
        .where('idempotency_key', '=', input.idempotencyKey ?? '')
        .executeTakeFirstOrThrow();
      if (earlier.body_hash !== hash)
        throw new HttpError(
          422,
          'idempotency_conflict',
          'this idempotency key was already used with another grant',
        );
      return JSON.parse(earlier.response) as GrantResponse;
    }
    await ensureCounter(trx, orgId, period);
    const counter = await trx
      .updateTable('period_counters')
      .set((eb) => ({ granted: eb('granted', '+', input.credits) }))
      .where('org_id', '=', orgId)
      .where('period_key', '=', period.key)
      .returning(['allowance', 'granted', 'consumed', 'reserved'])
      .executeTakeFirstOrThrow();
    const response: GrantResponse = {
      id,
      credits: input.credits,
      reason: input.reason,
      periodStart: iso(period.start),
      periodEnd: iso(period.end),
      granted: Number(counter.granted),
      remaining: remainingOf(counter),
    };
    await trx
      .updateTable('grants')
      .set({ response: JSON.stringify(response) })
      .where('id', '=', id)
      .execute();
    return response;
  });
}

export async function setPrices(
  ctx: Ctx,
  orgId: string,
  prices: Record<string, number | null>,
): Promise<SetPricesResponse> {
  for (const action of Object.keys(prices))
    if (!isKnownAction(action)) throw new HttpError(400, 'unknown_action', `unknown action "${action}"`);
  await ctx.ldb.transaction(async (trx) => {
    await findOrg(trx, orgId);
    for (const [action, credits] of Object.entries(prices)) {
      if (credits === null) {
        await trx.deleteFrom('org_prices').where('org_id', '=', orgId).where('action', '=', action).execute();
      } else {
        await trx
          .insertInto('org_prices')
          .values({ org_id: orgId, action, credits })
          .onConflict((oc) => oc.columns(['org_id', 'action']).doUpdateSet({ credits }))
          .execute();
      }
    }
  });
  const overrides = await ctx.ldb.db
    .selectFrom('org_prices')
    .select(['action', 'credits'])
    .where('org_id', '=', orgId)
    .execute();
  return {
    priceOverrides: Object.fromEntries(overrides.map((o) => [o.action, Number(o.credits)])),
    prices: await pricesFor(ctx.ldb.db, orgId),
  };
}

export async function revokeDevice(ctx: Ctx, orgId: string, deviceId: string): Promise<void> {
  const result = await ctx.ldb.db
    .updateTable('devices')
    .set({ revoked_at: ctx.now() })
    .where('id', '=', deviceId)
    .where('org_id', '=', orgId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    const exists = await ctx.ldb.db
      .selectFrom('devices')
      .select('id')
      .where('id', '=', deviceId)
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (!exists) throw notFound('device');
  }
}

/** Trades a license key for a new device token (shown once; stored as a digest). */
export async function activate(
  ctx: Ctx,
  input: { licenseKey: string; deviceName: string; userEmail: string },
): Promise<{ deviceToken: string }> {
  const deviceToken = newToken('dev');
  const email = input.userEmail.trim().toLowerCase();
  await ctx.ldb.transaction(async (trx) => {
    const org = await trx
      .selectFrom('orgs')
      .select(['id', 'status'])
      .where('license_key_hash', '=', hashToken(input.licenseKey))
      .executeTakeFirst();
    if (!org) throw new HttpError(401, 'invalid_license_key', 'this license key matches no organisation');
    if (org.status !== 'active') throw new HttpError(403, 'org_suspended', 'the organisation is suspended');
    const now = ctx.now();
    await trx
      .insertInto('users')
      .values({ id: newId('usr'), org_id: org.id, email, created_at: now })
      .onConflict((oc) => oc.columns(['org_id', 'email']).doNothing())
      .execute();
    const user = await trx
      .selectFrom('users')
      .select('id')
      .where('org_id', '=', org.id)
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('devices')
      .values({
        id: newId('dev'),
        org_id: org.id,
        user_id: user.id,
        name: input.deviceName,
        token_hash: hashToken(deviceToken),
        created_at: now,
        last_seen_at: null,
        revoked_at: null,
      })
      .execute();
  });
  return { deviceToken };
}

export const DEMO_ORG = { name: 'Demo organisation', monthlyAllowance: 10_000 } as const;

/**
 * The embedded local server's demo organisation: created once (10,000 credits a month
 * by default), then found again. License keys are stored as digests, so pass the key
 * this returned last time (persist it): while it matches, nothing changes; without it,
 * or when it does not match, the demo organisation gets this new key (devices already
 * activated keep working).
 */
export async function ensureDemoOrg(
  ctx: Ctx,
  opts: { licenseKey?: string; name?: string; monthlyAllowance?: number; timeZone?: string } = {},
): Promise<{ orgId: string; licenseKey: string; created: boolean }> {
  const existing = await ctx.ldb.db
    .selectFrom('orgs')
    .select(['id', 'license_key_hash'])
    .where('is_demo', '=', 1)
    .orderBy('created_at')
    .executeTakeFirst();
  if (!existing) {
    const org = await createOrg(ctx, {
      name: opts.name ?? DEMO_ORG.name,
      monthlyAllowance: opts.monthlyAllowance ?? DEMO_ORG.monthlyAllowance,
      timeZone: opts.timeZone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'),
      demo: true,
      ...(opts.licenseKey ? { licenseKey: opts.licenseKey } : {}),
    });
    return { orgId: org.id, licenseKey: org.licenseKey, created: true };
  }
  if (opts.licenseKey && hashToken(opts.licenseKey) === existing.license_key_hash)
    return { orgId: existing.id, licenseKey: opts.licenseKey, created: false };
  const licenseKey = opts.licenseKey ?? newToken('lic');
  await ctx.ldb.db
    .updateTable('orgs')
    .set({ license_key_hash: hashToken(licenseKey) })
    .where('id', '=', existing.id)
    .execute();
  return { orgId: existing.id, licenseKey, created: false };
}

export async function currentBalance(ctx: Ctx, orgId: string, timeZone: string): Promise<BalanceResponse> {
  return balanceOf(ctx.ldb.db, orgId, periodAt(timeZone, ctx.now()));
}
