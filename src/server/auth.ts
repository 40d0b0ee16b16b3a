// Who is calling: a device token resolves, by its digest, to the device, its user and
// its organisation — loaded from the database on every request (no cache, so a
// revocation or suspension applies at once on every server). The organisation id that
// scopes every query downstream comes from here and nowhere else, never from the body.
import type { FastifyRequest } from 'fastify';
import type { Ctx, DeviceAuth } from './context';
import { HttpError } from './errors';
import { bearerToken, digestsEqual, hashToken } from './tokens';

const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);

export async function authenticateDevice(ctx: Ctx, request: FastifyRequest): Promise<DeviceAuth> {
  const token = bearerToken(request.headers.authorization);
  if (!token) throw unauthorized('send Authorization: Bearer <device token>');
  const row = await ctx.ldb.db
    .selectFrom('devices')
    .innerJoin('users', 'users.id', 'devices.user_id')
    .innerJoin('orgs', 'orgs.id', 'devices.org_id')
    .select([
      'devices.id as device_id',
      'devices.name as device_name',
      'devices.acked_through',
      'devices.revoked_at',
      'users.id as user_id',
      'users.email',
      'orgs.id as org_id',
      'orgs.name as org_name',
      'orgs.status',
      'orgs.time_zone',
    ])
    .where('devices.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) throw unauthorized('unknown or revoked device token');
  return {
    deviceId: row.device_id,
    deviceName: row.device_name,
    userId: row.user_id,
    userEmail: row.email,
    orgId: row.org_id,
    orgName: row.org_name,
    orgStatus: row.status,
    timeZone: row.time_zone,
    ackedThrough: Number(row.acked_through),
  };
}

export function authenticateAdmin(adminTokenHash: string, request: FastifyRequest): void {
  const token = bearerToken(request.headers.authorization);
  if (!token || !digestsEqual(hashToken(token), adminTokenHash))
    throw unauthorized('send Authorization: Bearer <admin token>');
}
