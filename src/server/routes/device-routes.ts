// The routes a desktop calls: activation (license key -> device token), then, with
// `Authorization: Bearer <device token>`, balance, consume, holds, leases, sync, usage
// and capacity requests; plus health and the lease public key. Thin: validate with the
// shared schemas, authenticate, call the service. The organisation always comes from
// the token, never from the request.
import {
  activateRequestSchema,
  type BalanceResponse,
  capacityRequestSchema,
  captureRequestSchema,
  consumeRequestSchema,
  createHoldRequestSchema,
  createLeaseRequestSchema,
  type HealthResponse,
  type MeResponse,
  type PublicKeyResponse,
  syncRequestSchema,
  usageQuerySchema,
  usageSummaryQuerySchema,
} from '@shared/licensing';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { authenticateDevice } from '../auth';
import { createCapacityRequest, listCapacityRequests } from '../capacity';
import type { Ctx } from '../context';
import { consume } from '../credits/consume';
import { settleExpired } from '../credits/counters';
import { captureHold, createHold, getHold, releaseHold } from '../credits/holds';
import { createLease, getLease } from '../credits/leases';
import { syncLease } from '../credits/sync';
import { HttpError, parseOr400 } from '../errors';
import { activate, currentBalance } from '../orgs';
import { listUsage, usageSummary } from '../usage';

const idParams = z.object({ id: z.string().min(1).max(100) });

export function registerDeviceRoutes(
  app: FastifyInstance,
  ctx: Ctx,
  limits: { activateMax?: number | undefined; windowMs?: number | undefined },
): void {
  app.get('/v1/health', async (): Promise<HealthResponse> => {
    try {
      await sql`SELECT 1`.execute(ctx.ldb.db);
    } catch {
      throw new HttpError(503, 'unavailable', 'the licensing database is unavailable');
    }
    return { status: 'ok', database: ctx.ldb.dialect, time: new Date(ctx.now()).toISOString() };
  });

  app.get(
    '/v1/public-key',
    async (): Promise<PublicKeyResponse> => ({
      algorithm: 'Ed25519',
      keyId: ctx.signer.keyId,
      publicKey: ctx.signer.publicKey,
      publicKeyPem: ctx.signer.publicKeyPem,
    }),
  );

  app.post(
    '/v1/activate',
    {
      // License keys are guessed from outside: a tight limit per address.
      config:
        limits.activateMax === undefined
          ? {}
          : {
              rateLimit: {
                max: limits.activateMax,
                timeWindow: limits.windowMs ?? 60_000,
                keyGenerator: (request) => `activate:${request.ip}`,
              },
            },
    },
    async (request, reply) => {
      const body = parseOr400(activateRequestSchema, request.body, 'body');
      reply.status(201);
      return activate(ctx, body);
    },
  );

  app.get('/v1/me', async (request): Promise<MeResponse> => {
    const auth = await authenticateDevice(ctx, request);
    return {
      orgId: auth.orgId,
      orgName: auth.orgName,
      orgStatus: auth.orgStatus,
      timeZone: auth.timeZone,
      deviceId: auth.deviceId,
      deviceName: auth.deviceName,
      userEmail: auth.userEmail,
      ackedThrough: auth.ackedThrough,
    };
  });

  app.get('/v1/balance', async (request): Promise<BalanceResponse> => {
    const auth = await authenticateDevice(ctx, request);
    await settleExpired(ctx, auth.orgId);
    return currentBalance(ctx, auth.orgId, auth.timeZone);
  });

  app.post('/v1/consume', async (request) => {
    const auth = await authenticateDevice(ctx, request);
    return consume(ctx, auth, parseOr400(consumeRequestSchema, request.body, 'body'));
  });

  app.post('/v1/holds', async (request, reply) => {
    const auth = await authenticateDevice(ctx, request);
    const { response } = await createHold(
      ctx,
      auth,
      parseOr400(createHoldRequestSchema, request.body, 'body'),
    );
    reply.status(201);
    return response;
  });

  app.get('/v1/holds/:id', async (request) => {
    const auth = await authenticateDevice(ctx, request);
    return getHold(ctx, auth, parseOr400(idParams, request.params, 'params').id);
  });

  app.post('/v1/holds/:id/capture', async (request) => {
    const auth = await authenticateDevice(ctx, request);
    const { id } = parseOr400(idParams, request.params, 'params');
    return captureHold(ctx, auth, id, parseOr400(captureRequestSchema, request.body, 'body'));
  });

  app.post('/v1/holds/:id/release', async (request) => {
    const auth = await authenticateDevice(ctx, request);
    return releaseHold(ctx, auth, parseOr400(idParams, request.params, 'params').id);
  });

  app.post('/v1/leases', async (request, reply) => {
    const auth = await authenticateDevice(ctx, request);
    const { response } = await createLease(
      ctx,
      auth,
      parseOr400(createLeaseRequestSchema, request.body, 'body'),
    );
    reply.status(201);
    return response;
  });

  app.get('/v1/leases/:id', async (request) => {
    const auth = await authenticateDevice(ctx, request);
    return getLease(ctx, auth, parseOr400(idParams, request.params, 'params').id);
  });

  app.post('/v1/sync', async (request) => {
    const auth = await authenticateDevice(ctx, request);
    return syncLease(ctx, auth, parseOr400(syncRequestSchema, request.body, 'body'));
  });

  app.get('/v1/usage', async (request) => {
    const auth = await authenticateDevice(ctx, request);
    return listUsage(ctx, auth, parseOr400(usageQuerySchema, request.query, 'query'));
  });

  app.get('/v1/usage/summary', async (request) => {
    const auth = await authenticateDevice(ctx, request);
    return usageSummary(ctx, auth, parseOr400(usageSummaryQuerySchema, request.query, 'query'));
  });

  app.post('/v1/capacity-requests', async (request, reply) => {
    const auth = await authenticateDevice(ctx, request);
    const { view } = await createCapacityRequest(
      ctx,
      auth,
      parseOr400(capacityRequestSchema, request.body, 'body'),
    );
    reply.status(201);
    return view;
  });

  app.get('/v1/capacity-requests', async (request) => {
    const auth = await authenticateDevice(ctx, request);
    return { items: await listCapacityRequests(ctx, { orgId: auth.orgId, limit: 200 }) };
  });
}
