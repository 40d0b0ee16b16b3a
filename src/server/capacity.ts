// Capacity requests: a customer out of credits asks for more (POST /v1/capacity-requests),
// the vendor lists them and marks them granted or declined (the grant itself is a
// separate POST …/grants). A device sees only its own organisation's requests.
import { type CapacityRequestView, canonicalJson } from '@shared/licensing';
import { type Ctx, type DeviceAuth, iso } from './context';
import { HttpError, notFound } from './errors';
import { periodAt } from './periods';
import { bodyHash, newId } from './tokens';

type Status = CapacityRequestView['status'];

function baseQuery(ctx: Ctx) {
  return ctx.ldb.db
    .selectFrom('capacity_requests as c')
    .innerJoin('orgs', 'orgs.id', 'c.org_id')
    .leftJoin('devices', 'devices.id', 'c.device_id')
    .leftJoin('users', 'users.id', 'devices.user_id')
    .select([
      'c.id',
      'c.org_id',
      'orgs.name as org_name',
      'c.device_id',
      'users.email',
      'c.credits',
      'c.message',
      'c.status',
      'c.created_at',
      'c.period_key',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;
const view = (r: Row): CapacityRequestView => ({
  id: r.id,
  orgId: r.org_id,
  orgName: r.org_name,
  deviceId: r.device_id,
  userEmail: r.email ?? '',
  credits: r.credits === null ? null : Number(r.credits),
  message: r.message,
  status: r.status,
  createdAt: iso(Number(r.created_at)),
  period: r.period_key,
});

export async function createCapacityRequest(
  ctx: Ctx,
  auth: DeviceAuth,
  input: { credits?: number | undefined; message: string; idempotencyKey?: string | undefined },
): Promise<{ created: boolean; view: CapacityRequestView }> {
  const hash = bodyHash(canonicalJson({ credits: input.credits ?? null, message: input.message }));
  const now = ctx.now();
  const id = newId('cap');
  const inserted = await ctx.ldb.db
    .insertInto('capacity_requests')
    .values({
      id,
      org_id: auth.orgId,
      device_id: auth.deviceId,
      credits: input.credits ?? null,
      message: input.message,
      status: 'open',
      period_key: periodAt(auth.timeZone, now).key,
      idempotency_key: input.idempotencyKey ?? null,
      body_hash: hash,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['org_id', 'idempotency_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) {
    return {
      created: true,
      view: view(await baseQuery(ctx).where('c.id', '=', id).executeTakeFirstOrThrow()),
    };
  }
  const earlier = await ctx.ldb.db
    .selectFrom('capacity_requests')
    .select(['id', 'body_hash'])
    .where('org_id', '=', auth.orgId)
    .where('idempotency_key', '=', input.idempotencyKey ?? '')
    .executeTakeFirstOrThrow();
  if (earlier.body_hash !== hash)
    throw new HttpError(
      422,
      'idempotency_conflict',
      'this idempotency key was already used with another request',
    );
  return {
    created: false,
    view: view(await baseQuery(ctx).where('c.id', '=', earlier.id).executeTakeFirstOrThrow()),
  };
}

export async function listCapacityRequests(
  ctx: Ctx,
  filter: { orgId?: string | undefined; status?: Status | undefined; limit: number },
): Promise<CapacityRequestView[]> {
  let q = baseQuery(ctx).orderBy('c.created_at', 'desc').orderBy('c.id').limit(filter.limit);
  if (filter.orgId) q = q.where('c.org_id', '=', filter.orgId);
  if (filter.status) q = q.where('c.status', '=', filter.status);
  return (await q.execute()).map(view);
}

export async function setCapacityStatus(ctx: Ctx, id: string, status: Status): Promise<CapacityRequestView> {
  const result = await ctx.ldb.db
    .updateTable('capacity_requests')
    .set({ status })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw notFound('capacity request');
  return view(await baseQuery(ctx).where('c.id', '=', id).executeTakeFirstOrThrow());
}
