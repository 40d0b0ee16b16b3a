// The licensing database's tables as Kysely sees them. Instants are ms since the epoch
// (bigint) and money is whole credits (bigint), the same on SQLite and PostgreSQL.
// Secrets appear only as SHA-256 digests (`*_hash`). Never add a plaintext secret column.
import type { Generated } from 'kysely';

export interface OrgsTable {
  id: string;
  name: string;
  time_zone: string;
  monthly_allowance: number;
  status: 'active' | 'suspended';
  license_key_hash: string;
  /** 1 for the organisation the embedded local server creates */
  is_demo: Generated<number>;
  created_at: number;
}

export interface OrgPricesTable {
  org_id: string;
  action: string;
  credits: number;
}

export interface UsersTable {
  id: string;
  org_id: string;
  email: string;
  created_at: number;
}

export interface DevicesTable {
  id: string;
  org_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  /** every sync seq up to this one has been processed */
  acked_through: Generated<number>;
  created_at: number;
  last_seen_at: number | null;
  revoked_at: number | null;
}

/** One row per organisation and period, created lazily on first use. */
export interface PeriodCountersTable {
  org_id: string;
  period_key: string;
  starts_at: number;
  ends_at: number;
  allowance: number;
  granted: Generated<number>;
  consumed: Generated<number>;
  /** what active holds and leases may still spend */
  reserved: Generated<number>;
}

export interface GrantsTable {
  id: string;
  org_id: string;
  period_key: string;
  credits: number;
  reason: string;
  idempotency_key: string | null;
  body_hash: string;
  response: string;
  created_at: number;
}

export interface HoldsTable {
  id: string;
  org_id: string;
  device_id: string;
  period_key: string;
  action: string;
  unit_price: number;
  requested_quantity: number;
  reserved_quantity: number;
  /** credits reserved */
  credits: number;
  /** credits captured */
  captured: Generated<number>;
  /** credits given back when the hold closed */
  released: Generated<number>;
  status: 'active' | 'released' | 'expired';
  idempotency_key: string;
  body_hash: string;
  created_at: number;
  expires_at: number;
  closed_at: number | null;
}

export interface LeasesTable {
  id: string;
  org_id: string;
  device_id: string;
  period_key: string;
  credits: number;
  used: Generated<number>;
  /** credits given back when the lease was settled */
  returned: Generated<number>;
  status: 'active' | 'settled';
  idempotency_key: string | null;
  body_hash: string;
  /** the signed payload (canonical JSON) and its signature, replayed verbatim */
  payload: string;
  signature: string;
  issued_at: number;
  expires_at: number;
  settled_at: number | null;
}

/** The append-only usage ledger: one row per charge. */
export interface LedgerTable {
  id: Generated<number>;
  org_id: string;
  period_key: string;
  kind: 'consume' | 'capture' | 'sync';
  action: string;
  quantity: number;
  credits: number;
  idempotency_key: string;
  body_hash: string;
  /** the JSON answer replayed for a repeated key (consume, capture) */
  response: string | null;
  device_id: string;
  hold_id: string | null;
  lease_id: string | null;
  device_seq: number | null;
  occurred_at: number;
  recorded_at: number;
  /** local day in the organisation's time zone, YYYY-MM-DD */
  day: string;
}

/** Every sync event a device sent, applied or not, so a resend gets the same fate. */
export interface SyncEventsTable {
  device_id: string;
  seq: number;
  org_id: string;
  lease_id: string;
  idempotency_key: string;
  body_hash: string;
  outcome: 'applied' | 'duplicate' | 'rejected';
  reason: string | null;
  recorded_at: number;
}

export interface CapacityRequestsTable {
  id: string;
  org_id: string;
  device_id: string;
  credits: number | null;
  message: string;
  status: 'open' | 'granted' | 'declined';
  period_key: string;
  idempotency_key: string | null;
  body_hash: string;
  created_at: number;
}

export interface ServerSettingsTable {
  key: string;
  value: string;
}

/** An app release for auto-update (src/server/updates); its files live on disk. */
export interface ReleasesTable {
  /** semver, unique across channels */
  version: string;
  /** draft: files being uploaded; published: in its channel's feed; pulled: withdrawn */
  status: 'draft' | 'published' | 'pulled';
  channel: 'stable' | 'beta' | null;
  notes: string | null;
  /** staged rollout, 1–100 (electron-updater's stagingPercentage) */
  rollout_percent: Generated<number>;
  created_at: number;
  published_at: number | null;
  updated_at: number;
}

export interface ReleaseFilesTable {
  version: string;
  name: string;
  /** windows | mac | linux; null for a blockmap */
  platform: 'windows' | 'mac' | 'linux' | null;
  arch: string;
  size: number;
  /** base64, as electron-updater checks it */
  sha512: string;
  /** AppImage: the size of the blockmap embedded at its end (differential download) */
  blockmap_size: number | null;
  created_at: number;
}

export interface ServerSchema {
  orgs: OrgsTable;
  org_prices: OrgPricesTable;
  users: UsersTable;
  devices: DevicesTable;
  period_counters: PeriodCountersTable;
  grants: GrantsTable;
  holds: HoldsTable;
  leases: LeasesTable;
  ledger: LedgerTable;
  sync_events: SyncEventsTable;
  capacity_requests: CapacityRequestsTable;
  server_settings: ServerSettingsTable;
  releases: ReleasesTable;
  release_files: ReleaseFilesTable;
}
