// The licensing server's HTTP contract: a zod schema and a TypeScript type for every
// request and response body of /v1, shared by the server (which validates requests
// with them) and the desktop client (which may validate responses with them).
// docs/licensing-api.md explains the semantics. No I/O here, and nothing Node-only:
// the renderer's build includes src/shared.
import { z } from 'zod';

// ---- limits (the server enforces them; a client should stay inside them) ----

export const LICENSING_LIMITS = {
  /** credits or quantities in one request */
  maxQuantity: 1_000_000,
  maxCredits: 1_000_000_000,
  maxIdempotencyKeyLength: 200,
  /** events in one POST /v1/sync */
  maxSyncEvents: 1_000,
  /** items in one page of GET /v1/usage */
  maxUsagePage: 1_000,
  /** request bodies larger than this are refused with 413 */
  maxBodyBytes: 1_048_576,
} as const;

// ---- errors ----

/** Every error response is `{ error, message }` (plus a few fields for some codes). */
export const LICENSING_ERROR_CODES = [
  'invalid_request', // 400: a body, parameter or query failed validation
  'unknown_action', // 400: the action id is not in the price list
  'unauthorized', // 401: missing, malformed, unknown or revoked token
  'invalid_license_key', // 401: POST /v1/activate with a key that matches no organisation
  'insufficient_credits', // 402: not enough credits left in the period (body adds remaining, required)
  'org_suspended', // 403: the organisation is suspended
  'not_found', // 404: no such route, or no such resource in the caller's organisation
  'hold_closed', // 409: capture on a released or expired hold
  'hold_exceeded', // 409: capture of more than the hold still has
  'release_conflict', // 409: a published release's files cannot change; a version is published once
  'idempotency_conflict', // 422: the key was already used with another body
  'payload_too_large', // 413
  'unsupported_media_type', // 415: a body that is not application/json
  'rate_limited', // 429: too many requests for this token (Retry-After header)
  'internal', // 500: never carries details
  'unavailable', // 503: the database cannot be reached
] as const;
export type LicensingErrorCode = (typeof LICENSING_ERROR_CODES)[number];

export const errorBodySchema = z.looseObject({
  error: z.string(),
  message: z.string(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const insufficientCreditsBodySchema = z.object({
  error: z.literal('insufficient_credits'),
  message: z.string(),
  /** credits left in the period when the request was refused */
  remaining: z.number().int(),
  /** credits the request needed */
  required: z.number().int(),
  /** when the allowance renews (ISO instant, the start of the next period) */
  periodEnd: z.string(),
});
export type InsufficientCreditsBody = z.infer<typeof insufficientCreditsBodySchema>;

// ---- building blocks ----

export const actionIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'an action id is letters, digits and . _ : -');
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(LICENSING_LIMITS.maxIdempotencyKeyLength)
  .regex(/^[\x21-\x7e]+$/, 'an idempotency key is printable ASCII without spaces');
const quantitySchema = z.number().int().min(1).max(LICENSING_LIMITS.maxQuantity);
const creditsSchema = z.number().int().min(1).max(LICENSING_LIMITS.maxCredits);
const allowanceSchema = z.number().int().min(0).max(LICENSING_LIMITS.maxCredits);
const isoInstant = z.iso.datetime({ offset: true });
/** A period key: the organisation's local calendar month, `YYYY-MM`. */
export const periodKeySchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a period is YYYY-MM');
/** Ids the server hands out: a prefix and random letters, e.g. `org_…`, `hold_…`. */
export const resourceIdSchema = z.string().regex(/^[a-z]{2,8}_[A-Za-z0-9_-]{8,64}$/, 'not an id');

/** Action id -> credits per unit, the organisation's effective price list. */
export const pricesSchema = z.record(z.string(), z.number().int().min(0));
export type Prices = z.infer<typeof pricesSchema>;

export const orgStatusSchema = z.enum(['active', 'suspended']);
export type OrgStatus = z.infer<typeof orgStatusSchema>;

// ---- admin (Authorization: Bearer <admin token>) ----

export const createOrgRequestSchema = z.object({
  name: z.string().trim().min(1).max(200),
  monthlyAllowance: allowanceSchema,
  /** An IANA time zone; the period is the calendar month there. Fixed at creation. */
  timeZone: z.string().trim().min(1).max(64).default('UTC'),
});
export type CreateOrgRequest = z.input<typeof createOrgRequestSchema>;
export const createOrgResponseSchema = z.object({ id: z.string(), licenseKey: z.string() });
export type CreateOrgResponse = z.infer<typeof createOrgResponseSchema>;

export const patchOrgRequestSchema = z
  .object({
    monthlyAllowance: allowanceSchema.optional(),
    status: orgStatusSchema.optional(),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type PatchOrgRequest = z.input<typeof patchOrgRequestSchema>;

export const balanceResponseSchema = z.object({
  periodStart: z.string(),
  periodEnd: z.string(),
  allowance: z.number().int(),
  granted: z.number().int(),
  consumed: z.number().int(),
  reserved: z.number().int(),
  /** allowance + granted - consumed - reserved, never below 0 */
  remaining: z.number().int(),
  prices: pricesSchema,
});
export type BalanceResponse = z.infer<typeof balanceResponseSchema>;

export const deviceViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  userEmail: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string().nullable(),
  revoked: z.boolean(),
});
export type DeviceView = z.infer<typeof deviceViewSchema>;

export const orgViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string(),
  monthlyAllowance: z.number().int(),
  status: orgStatusSchema,
  createdAt: z.string(),
  /** the current period */
  balance: balanceResponseSchema,
  /** per-organisation prices that replace the defaults */
  priceOverrides: pricesSchema,
  devices: z.array(deviceViewSchema),
});
export type OrgView = z.infer<typeof orgViewSchema>;

export const orgSummarySchema = orgViewSchema.pick({
  id: true,
  name: true,
  timeZone: true,
  monthlyAllowance: true,
  status: true,
  createdAt: true,
});
export type OrgSummary = z.infer<typeof orgSummarySchema>;
export const orgListResponseSchema = z.object({
  items: z.array(orgSummarySchema),
  nextCursor: z.string().nullable(),
});
export type OrgListResponse = z.infer<typeof orgListResponseSchema>;

export const grantRequestSchema = z.object({
  credits: creditsSchema,
  reason: z.string().trim().min(1).max(500),
  /** optional: a retried grant with the same key is applied once */
  idempotencyKey: idempotencyKeySchema.optional(),
});
export type GrantRequest = z.input<typeof grantRequestSchema>;
export const grantResponseSchema = z.object({
  id: z.string(),
  credits: z.number().int(),
  reason: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  /** total granted in the period, this grant included */
  granted: z.number().int(),
  remaining: z.number().int(),
});
export type GrantResponse = z.infer<typeof grantResponseSchema>;

/** PUT /v1/admin/orgs/:id/prices: a price per action id; null removes the override. */
export const setPricesRequestSchema = z.object({
  prices: z.record(actionIdSchema, z.number().int().min(0).max(1_000_000).nullable()),
});
export type SetPricesRequest = z.infer<typeof setPricesRequestSchema>;
export const setPricesResponseSchema = z.object({ priceOverrides: pricesSchema, prices: pricesSchema });
export type SetPricesResponse = z.infer<typeof setPricesResponseSchema>;

// ---- activation ----

export const activateRequestSchema = z.object({
  licenseKey: z.string().trim().min(1).max(200),
  deviceName: z.string().trim().min(1).max(200),
  userEmail: z.email().max(320),
});
export type ActivateRequest = z.infer<typeof activateRequestSchema>;
export const activateResponseSchema = z.object({ deviceToken: z.string() });
export type ActivateResponse = z.infer<typeof activateResponseSchema>;

/** GET /v1/me: who the device token belongs to. */
export const meResponseSchema = z.object({
  orgId: z.string(),
  orgName: z.string(),
  orgStatus: orgStatusSchema,
  timeZone: z.string(),
  deviceId: z.string(),
  deviceName: z.string(),
  userEmail: z.string(),
  /** the highest contiguous sync sequence number the server has processed for this device */
  ackedThrough: z.number().int(),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

// ---- consume ----

export const consumeRequestSchema = z.object({
  idempotencyKey: idempotencyKeySchema,
  action: actionIdSchema,
  quantity: quantitySchema.default(1),
});
export type ConsumeRequest = z.input<typeof consumeRequestSchema>;
export const consumeResponseSchema = z.object({ charged: z.number().int(), remaining: z.number().int() });
export type ConsumeResponse = z.infer<typeof consumeResponseSchema>;

// ---- holds ----

export const createHoldRequestSchema = z.object({
  idempotencyKey: idempotencyKeySchema,
  action: actionIdSchema,
  /** units the run may use (rows x 1); the hold reserves price x quantity, or as many whole units as fit */
  quantity: quantitySchema,
});
export type CreateHoldRequest = z.infer<typeof createHoldRequestSchema>;

export const holdStatusSchema = z.enum(['active', 'released', 'expired']);
export const holdViewSchema = z.object({
  holdId: z.string(),
  action: z.string(),
  /** credits per unit, fixed when the hold was made */
  unitPrice: z.number().int(),
  /** units asked for */
  requestedQuantity: z.number().int(),
  /** units reserved: requestedQuantity, or fewer when the balance was short */
  reservedQuantity: z.number().int(),
  /** credits reserved (reservedQuantity x unitPrice) */
  reserved: z.number().int(),
  /** credits captured so far */
  captured: z.number().int(),
  status: holdStatusSchema,
  expiresAt: z.string(),
});
export type HoldView = z.infer<typeof holdViewSchema>;

export const createHoldResponseSchema = holdViewSchema.extend({
  /** the organisation's remaining balance after the reservation */
  remaining: z.number().int(),
});
export type CreateHoldResponse = z.infer<typeof createHoldResponseSchema>;

export const captureRequestSchema = z.object({
  idempotencyKey: idempotencyKeySchema,
  /** successful outcomes in this batch; charged at the hold's unit price */
  quantity: quantitySchema,
});
export type CaptureRequest = z.infer<typeof captureRequestSchema>;
export const captureResponseSchema = z.object({
  holdId: z.string(),
  /** credits charged by this capture */
  charged: z.number().int(),
  /** credits captured on the hold in total */
  captured: z.number().int(),
  /** credits the hold can still capture */
  holdRemaining: z.number().int(),
  /** the organisation's remaining balance */
  remaining: z.number().int(),
});
export type CaptureResponse = z.infer<typeof captureResponseSchema>;

export const releaseResponseSchema = z.object({
  holdId: z.string(),
  status: holdStatusSchema,
  captured: z.number().int(),
  /** credits given back to the period when the hold closed */
  released: z.number().int(),
  remaining: z.number().int(),
});
export type ReleaseResponse = z.infer<typeof releaseResponseSchema>;

// ---- offline leases ----

export const createLeaseRequestSchema = z.object({
  /** optional but recommended: a retried request returns the same lease */
  idempotencyKey: idempotencyKeySchema.optional(),
  /** credits wanted; the lease gets this, or what is left when less */
  credits: creditsSchema,
});
export type CreateLeaseRequest = z.infer<typeof createLeaseRequestSchema>;

/** What the server signs. Every value is a string or an integer, so its canonical JSON is stable. */
export const leasePayloadSchema = z.object({
  v: z.literal(1),
  leaseId: z.string(),
  orgId: z.string(),
  deviceId: z.string(),
  credits: z.number().int(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  prices: pricesSchema,
});
export type LeasePayload = z.infer<typeof leasePayloadSchema>;

export const publicKeyResponseSchema = z.object({
  algorithm: z.literal('Ed25519'),
  /** first 16 hex digits of SHA-256 over the raw key */
  keyId: z.string(),
  /** the raw 32-byte public key, base64 */
  publicKey: z.string(),
  /** the same key as SubjectPublicKeyInfo PEM */
  publicKeyPem: z.string(),
});
export type PublicKeyResponse = z.infer<typeof publicKeyResponseSchema>;

export const leaseResponseSchema = z.object({
  lease: leasePayloadSchema,
  /** Ed25519 over canonicalJson(lease), base64 */
  signature: z.string(),
  /** raw public key, base64 (as in GET /v1/public-key) */
  publicKey: z.string(),
  keyId: z.string(),
  /** the organisation's remaining balance after the lease was carved out */
  remaining: z.number().int(),
});
export type LeaseResponse = z.infer<typeof leaseResponseSchema>;

export const leaseStatusSchema = z.enum(['active', 'settled']);
export const leaseStateSchema = z.object({
  leaseId: z.string(),
  credits: z.number().int(),
  used: z.number().int(),
  /** credits the device may still spend offline on this lease (0 once settled) */
  remaining: z.number().int(),
  status: leaseStatusSchema,
  expiresAt: z.string(),
});
export type LeaseState = z.infer<typeof leaseStateSchema>;

/** GET /v1/leases/:id: the lease as issued (to re-verify) and where it stands now. */
export const leaseLookupResponseSchema = leaseResponseSchema.extend({ state: leaseStateSchema });
export type LeaseLookupResponse = z.infer<typeof leaseLookupResponseSchema>;

// ---- sync ----

export const syncEventSchema = z.object({
  /** per-device sequence number, 1, 2, 3… with no gaps, across all of the device's leases */
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  idempotencyKey: idempotencyKeySchema,
  action: actionIdSchema,
  quantity: quantitySchema,
  /** when the device spent it (device clock; informational) */
  at: isoInstant,
});
export type SyncEvent = z.infer<typeof syncEventSchema>;

export const syncRequestSchema = z.object({
  leaseId: z.string().min(1).max(100),
  events: z.array(syncEventSchema).max(LICENSING_LIMITS.maxSyncEvents),
});
export type SyncRequest = z.infer<typeof syncRequestSchema>;

export const syncRejectReasonSchema = z.enum([
  'lease_exhausted', // spending past the lease's credits
  'lease_expired', // arrived after the lease was settled and the period had no room left
  'unknown_action',
  'idempotency_conflict', // the key was already used with another action or quantity
  'seq_conflict', // the seq was already used by another event
]);
export type SyncRejectReason = z.infer<typeof syncRejectReasonSchema>;

export const syncResponseSchema = z.object({
  /** every seq up to this one has been processed (applied, duplicate or rejected): drop them */
  ackedThrough: z.number().int(),
  /** events charged by this request */
  applied: z.number().int(),
  /** events of this request already charged before (by seq or by idempotency key) */
  duplicates: z.number().int(),
  /** events refused for good, this time or before; they are never charged */
  rejected: z.array(
    z.object({ seq: z.number().int(), idempotencyKey: z.string(), reason: syncRejectReasonSchema }),
  ),
  lease: leaseStateSchema,
  balance: balanceResponseSchema,
});
export type SyncResponse = z.infer<typeof syncResponseSchema>;

// ---- usage ----

export const usageQuerySchema = z.object({
  /** YYYY-MM, default the current period */
  period: periodKeySchema.optional(),
  action: actionIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(LICENSING_LIMITS.maxUsagePage).default(100),
  /** nextCursor of the previous page */
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'not a cursor')
    .optional(),
});
export type UsageQuery = z.input<typeof usageQuerySchema>;

export const usageKindSchema = z.enum(['consume', 'capture', 'sync']);
export const usageItemSchema = z.object({
  id: z.string(),
  kind: usageKindSchema,
  action: z.string(),
  quantity: z.number().int(),
  credits: z.number().int(),
  /** when it happened: server time, or the device's time for synced offline events */
  occurredAt: z.string(),
  recordedAt: z.string(),
  /** the day in the organisation's time zone, YYYY-MM-DD */
  day: z.string(),
  deviceId: z.string(),
  userEmail: z.string(),
  holdId: z.string().nullable(),
  leaseId: z.string().nullable(),
});
export type UsageItem = z.infer<typeof usageItemSchema>;

export const usageResponseSchema = z.object({
  period: periodKeySchema,
  periodStart: z.string(),
  periodEnd: z.string(),
  /** newest first */
  items: z.array(usageItemSchema),
  nextCursor: z.string().nullable(),
});
export type UsageResponse = z.infer<typeof usageResponseSchema>;

export const usageSummaryQuerySchema = z.object({ period: periodKeySchema.optional() });
const creditsRow = z.object({ credits: z.number().int(), quantity: z.number().int() });
export const usageSummaryResponseSchema = z.object({
  period: periodKeySchema,
  periodStart: z.string(),
  periodEnd: z.string(),
  total: z.number().int(),
  byDay: z.array(creditsRow.extend({ day: z.string() })),
  byAction: z.array(creditsRow.extend({ action: z.string() })),
  byUser: z.array(creditsRow.extend({ userEmail: z.string() })),
});
export type UsageSummaryResponse = z.infer<typeof usageSummaryResponseSchema>;

// ---- capacity requests ----

export const capacityRequestSchema = z.object({
  credits: creditsSchema.optional(),
  message: z.string().trim().min(1).max(2_000),
  /** optional: a retried request with the same key is stored once */
  idempotencyKey: idempotencyKeySchema.optional(),
});
export type CapacityRequestInput = z.infer<typeof capacityRequestSchema>;

export const capacityStatusSchema = z.enum(['open', 'granted', 'declined']);
export const capacityRequestViewSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  deviceId: z.string(),
  userEmail: z.string(),
  credits: z.number().int().nullable(),
  message: z.string(),
  status: capacityStatusSchema,
  createdAt: z.string(),
  /** the period the request was made in */
  period: periodKeySchema,
});
export type CapacityRequestView = z.infer<typeof capacityRequestViewSchema>;
export const capacityListResponseSchema = z.object({ items: z.array(capacityRequestViewSchema) });
export type CapacityListResponse = z.infer<typeof capacityListResponseSchema>;

export const capacityListQuerySchema = z.object({
  status: capacityStatusSchema.optional(),
  orgId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});
export const patchCapacityRequestSchema = z.object({ status: capacityStatusSchema });

// ---- health ----

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  database: z.enum(['sqlite', 'postgres']),
  time: z.string(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

// ---- signing ----

/**
 * The bytes a lease signature covers: JSON with object keys sorted at every level and
 * no whitespace. Lease payloads hold only strings, integers and a flat object of
 * integers, so this is stable across JSON round trips.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('not a finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
