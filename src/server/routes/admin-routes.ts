// The vendor's routes, all behind `Authorization: Bearer <admin token>`: organisations
// (create, list, read, change allowance/status/name), grants, price overrides, device
// revocation and capacity requests. Thin: validate with the shared schemas, call the
// service. Never returns a license key except once, when the organisation is created.
import {
  capacityListQuerySchema,
  createOrgRequestSchema,
  grantRequestSchema,
  patchCapacityRequestSchema,
  patchOrgRequestSchema,
  setPricesRequestSchema,
} from '@shared/licensing';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authenticateAdmin } from '../auth';
import { listCapacityRequests, setCapacityStatus } from '../capacity';
import type { Ctx } from '../context';
import { parseOr400 } from '../errors';
import { createOrg, grantCredits, listOrgs, orgView, patchOrg, revokeDevice, setPrices } from '../orgs';

const idParams = z.object({ id: z.string().min(1).max(100) });
const deviceParams = idParams.extend({ deviceId: z.string().min(1).max(100) });
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  cursor: z.string().max(100).optional(),
});

export function registerAdminRoutes(app: FastifyInstance, ctx: Ctx, adminTokenHash: string): void {
  app.register(async (admin) => {
    admin.addHook('onRequest', async (request) => authenticateAdmin(adminTokenHash, request));

    admin.post('/v1/admin/orgs', async (request, reply) => {
      const body = parseOr400(createOrgRequestSchema, request.body, 'body');
      const created = await createOrg(ctx, body);
      reply.status(201);
      return created;
    });

    admin.get('/v1/admin/orgs', async (request) =>
      listOrgs(ctx, parseOr400(listQuery, request.query, 'query')),
    );

    admin.get('/v1/admin/orgs/:id', async (request) =>
      orgView(ctx, parseOr400(idParams, request.params, 'params').id),
    );

    admin.patch('/v1/admin/orgs/:id', async (request) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      return patchOrg(ctx, id, parseOr400(patchOrgRequestSchema, request.body, 'body'));
    });

    admin.post('/v1/admin/orgs/:id/grants', async (request, reply) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      const grant = await grantCredits(ctx, id, parseOr400(grantRequestSchema, request.body, 'body'));
      reply.status(201);
      return grant;
    });

    admin.put('/v1/admin/orgs/:id/prices', async (request) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      return setPrices(ctx, id, parseOr400(setPricesRequestSchema, request.body, 'body').prices);
    });

    admin.post('/v1/admin/orgs/:id/devices/:deviceId/revoke', async (request) => {
      const { id, deviceId } = parseOr400(deviceParams, request.params, 'params');
      await revokeDevice(ctx, id, deviceId);
      return { deviceId, revoked: true };
    });

    admin.get('/v1/admin/capacity-requests', async (request) => ({
      items: await listCapacityRequests(ctx, parseOr400(capacityListQuerySchema, request.query, 'query')),
    }));

    admin.patch('/v1/admin/capacity-requests/:id', async (request) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      return setCapacityStatus(ctx, id, parseOr400(patchCapacityRequestSchema, request.body, 'body').status);
    });
  });
}
