// Who is calling: a device token resolves, by its digest, to the device, its user and
// its organisation — loaded from the database on every request (no cache, so a
// revocation or suspension applies at once on every server). The organisation id that
// scopes every query downstream comes from here and nowhere else, never from the body.
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Ctx, DeviceAuth } from './context';
import { HttpError } from './errors';
import { bearerToken, digestsEqual, hashToken } from './tokens';

const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);

export async function authenticateDevice(ctx: Ctx, request: FastifyRequest): Promise<DeviceAuth> {
  const token = bearerToken(request.headers.authorization);
  if (!token) throw unauthorized('send Authorization: Bearer <device token>');
  // Every request runs this: plain SQL through Kysely's sql tag (same text on both dialects).
  const row = (
    await sql<{
      device_id: string;
      device_name: string;
      acked_through: number;
      revoked_at: number | null;
      user_id: string;
      email: string;
      org_id: string;
      org_name: string;
      status: 'active' | 'suspended';
      time_zone: string;
    }>`SELECT d.id AS device_id, d.name AS device_name, d.acked_through, d.revoked_at,
        u.id AS user_id, u.email, o.id AS org_id, o.name AS org_name, o.status, o.time_zone
      FROM devices d
      JOIN users u ON u.id = d.user_id
      JOIN orgs o ON o.id = d.org_id
      WHERE d.token_hash = ${hashToken(token)}`.execute(ctx.ldb.db)
  ).rows[0];
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
