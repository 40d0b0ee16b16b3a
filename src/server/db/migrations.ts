// The licensing database's schema history: an explicit, ordered, append-only list of
// Kysely migrations (no folder scanning — it would not survive bundling), written once
// for both SQLite and PostgreSQL. Never edit a shipped migration; append a new one.
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

function migrationList(dialect: DialectName): [string, Migration][] {
  // The one place the dialects differ: an auto-increment key for the ledger's order.
  const serialId = dialect === 'postgres' ? 'bigserial' : 'integer';
  return [
    [
      '0001_licensing',
      {
        async up(db: Kysely<unknown>) {
          await db.schema
            .createTable('server_settings')
            .addColumn('key', 'text', (c) => c.primaryKey())
            .addColumn('value', 'text', (c) => c.notNull())
            .execute();

          await db.schema
            .createTable('orgs')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('name', 'text', (c) => c.notNull())
            .addColumn('time_zone', 'text', (c) => c.notNull())
            .addColumn('monthly_allowance', 'bigint', (c) => c.notNull())
            .addColumn('status', 'text', (c) => c.notNull())
            .addColumn('license_key_hash', 'text', (c) => c.notNull().unique())
            .addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addCheckConstraint('orgs_allowance', sql`monthly_allowance >= 0`)
            .execute();

          await db.schema
            .createTable('org_prices')
            .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
            .addColumn('action', 'text', (c) => c.notNull())
            .addColumn('credits', 'bigint', (c) => c.notNull())
            .addPrimaryKeyConstraint('org_prices_pk', ['org_id', 'action'])
            .execute();

          await db.schema
            .createTable('users')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
            .addColumn('email', 'text', (c) => c.notNull())
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addUniqueConstraint('users_email', ['org_id', 'email'])
            .execute();

          await db.schema
            .createTable('devices')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
            .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
            .addColumn('name', 'text', (c) => c.notNull())
            .addColumn('token_hash', 'text', (c) => c.notNull().unique())
            .addColumn('acked_through', 'bigint', (c) => c.notNull().defaultTo(0))
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addColumn('last_seen_at', 'bigint')
            .addColumn('revoked_at', 'bigint')
            .execute();
          await db.schema.createIndex('devices_org').on('devices').columns(['org_id']).execute();

          await db.schema
            .createTable('period_counters')
            .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
            .addColumn('period_key', 'text', (c) => c.notNull())
            .addColumn('starts_at', 'bigint', (c) => c.notNull())
            .addColumn('ends_at', 'bigint', (c) => c.notNull())
            .addColumn('allowance', 'bigint', (c) => c.notNull())
            .addColumn('granted', 'bigint', (c) => c.notNull().defaultTo(0))
            .addColumn('consumed', 'bigint', (c) => c.notNull().defaultTo(0))
            .addColumn('reserved', 'bigint', (c) => c.notNull().defaultTo(0))
            .addPrimaryKeyConstraint('period_counters_pk', ['org_id', 'period_key'])
            // A last line of defence: a bug that would drive a counter negative fails
            // its transaction instead of corrupting the balance.
            .addCheckConstraint(
              'period_counters_non_negative',
              sql`allowance >= 0 AND granted >= 0 AND consumed >= 0 AND reserved >= 0`,
            )
            .execute();

          await db.schema
            .createTable('grants')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
            .addColumn('period_key', 'text', (c) => c.notNull())
            .addColumn('credits', 'bigint', (c) => c.notNull())
            .addColumn('reason', 'text', (c) => c.notNull())
            .addColumn('idempotency_key', 'text')
            .addColumn('body_hash', 'text', (c) => c.notNull())
            .addColumn('response', 'text', (c) => c.notNull())
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addUniqueConstraint('grants_key', ['org_id', 'idempotency_key'])
            .execute();
          await db.schema
            .createIndex('grants_period')
            .on('grants')
            .columns(['org_id', 'period_key'])
            .execute();

          await db.schema
            .createTable('holds')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
            .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
            .addColumn('period_key', 'text', (c) => c.notNull())
            .addColumn('action', 'text', (c) => c.notNull())
            .addColumn('unit_price', 'bigint', (c) => c.notNull())
            .addColumn('requested_quantity', 'bigint', (c) => c.notNull())
            .addColumn('reserved_quantity', 'bigint', (c) => c.notNull())
            .addColumn('credits', 'bigint', (c) => c.notNull())
            .addColumn('captured', 'bigint', (c) => c.notNull().defaultTo(0))
            .addColumn('released', 'bigint', (c) => c.notNull().defaultTo(0))
            .addColumn('status', 'text', (c) => c.notNull())
            .addColumn('idempotency_key', 'text', (c) => c.notNull())
            .addColumn('body_hash', 'text', (c) => c.notNull())
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addColumn('expires_at', 'bigint', (c) => c.notNull())
            .addColumn('closed_at', 'bigint')
            .addUniqueConstraint('holds_key', ['org_id', 'idempotency_key'])
            .addCheckConstraint('holds_capture', sql`captured >= 0 AND captured <= credits`)
            .execute();
          await db.schema
            .createIndex('holds_expiry')
            .on('holds')
            .columns(['org_id', 'status', 'expires_at'])
            .execute();

          await db.schema
            .createTable('leases')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
            .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
            .addColumn('period_key', 'text', (c) => c.notNull())
            .addColumn('credits', 'bigint', (c) => c.notNull())
            .addColumn('used', 'bigint', (c) => c.notNull().defaultTo(0))
            .addColumn('returned', 'bigint', (c) => c.notNull().defaultTo(0))
            .addColumn('status', 'text', (c) => c.notNull())
            .addColumn('idempotency_key', 'text')
            .addColumn('body_hash', 'text', (c) => c.notNull())
            .addColumn('payload', 'text', (c) => c.notNull())
            .addColumn('signature', 'text', (c) => c.notNull())
            .addColumn('issued_at', 'bigint', (c) => c.notNull())
            .addColumn('expires_at', 'bigint', (c) => c.notNull())
            .addColumn('settled_at', 'bigint')
            .addUniqueConstraint('leases_key', ['org_id', 'idempotency_key'])
            .addCheckConstraint('leases_use', sql`used >= 0 AND used <= credits`)
            .execute();
          await db.schema
            .createIndex('leases_expiry')
            .on('leases')
            .columns(['org_id', 'status', 'expires_at'])
            .execute();

          await db.schema
            .createTable('ledger')
            .addColumn('id', serialId, (c) => c.primaryKey())
            .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
            .addColumn('period_key', 'text', (c) => c.notNull())
            .addColumn('kind', 'text', (c) => c.notNull())
            .addColumn('action', 'text', (c) => c.notNull())
            .addColumn('quantity', 'bigint', (c) => c.notNull())
            .addColumn('credits', 'bigint', (c) => c.notNull())
            .addColumn('idempotency_key', 'text', (c) => c.notNull())
            .addColumn('body_hash', 'text', (c) => c.notNull())
            .addColumn('response', 'text')
            .addColumn('device_id', 'text', (c) => c.notNull())
            .addColumn('hold_id', 'text')
            .addColumn('lease_id', 'text')
            .addColumn('device_seq', 'bigint')
            .addColumn('occurred_at', 'bigint', (c) => c.notNull())
            .addColumn('recorded_at', 'bigint', (c) => c.notNull())
            .addColumn('day', 'text', (c) => c.notNull())
            .addUniqueConstraint('ledger_key', ['org_id', 'idempotency_key'])
            .execute();
          await db.schema
            .createIndex('ledger_period')
            .on('ledger')
            .columns(['org_id', 'period_key', 'id'])
            .execute();
          await db.schema
            .createIndex('ledger_action')
            .on('ledger')
            .columns(['org_id', 'period_key', 'action', 'id'])
            .execute();

          await db.schema
            .createTable('sync_events')
            .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
            .addColumn('seq', 'bigint', (c) => c.notNull())
            .addColumn('org_id', 'text', (c) => c.notNull())
            .addColumn('lease_id', 'text', (c) => c.notNull())
            .addColumn('idempotency_key', 'text', (c) => c.notNull())
            .addColumn('body_hash', 'text', (c) => c.notNull())
            .addColumn('outcome', 'text', (c) => c.notNull())
            .addColumn('reason', 'text')
            .addColumn('recorded_at', 'bigint', (c) => c.notNull())
            .addPrimaryKeyConstraint('sync_events_pk', ['device_id', 'seq'])
            .execute();

          await db.schema
            .createTable('capacity_requests')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
            .addColumn('device_id', 'text', (c) => c.notNull())
            .addColumn('credits', 'bigint')
            .addColumn('message', 'text', (c) => c.notNull())
            .addColumn('status', 'text', (c) => c.notNull())
            .addColumn('period_key', 'text', (c) => c.notNull())
            .addColumn('idempotency_key', 'text')
            .addColumn('body_hash', 'text', (c) => c.notNull())
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addUniqueConstraint('capacity_key', ['org_id', 'idempotency_key'])
            .execute();
          await db.schema
            .createIndex('capacity_status')
            .on('capacity_requests')
            .columns(['status', 'created_at'])
            .execute();
        },
      },
    ],
    [
      '0002_releases',
      {
        // Auto-update releases (src/server/updates): metadata here, the files on disk.
        async up(db: Kysely<unknown>) {
          await db.schema
            .createTable('releases')
            .addColumn('version', 'text', (c) => c.primaryKey())
            .addColumn('status', 'text', (c) => c.notNull())
            .addColumn('channel', 'text')
            .addColumn('notes', 'text')
            .addColumn('rollout_percent', 'integer', (c) => c.notNull().defaultTo(100))
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addColumn('published_at', 'bigint')
            .addColumn('updated_at', 'bigint', (c) => c.notNull())
            .addCheckConstraint('releases_rollout', sql`rollout_percent >= 1 AND rollout_percent <= 100`)
            .execute();
          await db.schema
            .createTable('release_files')
            .addColumn('version', 'text', (c) => c.notNull().references('releases.version'))
            .addColumn('name', 'text', (c) => c.notNull())
            .addColumn('platform', 'text')
            .addColumn('arch', 'text', (c) => c.notNull())
            .addColumn('size', 'bigint', (c) => c.notNull())
            .addColumn('sha512', 'text', (c) => c.notNull())
            .addColumn('blockmap_size', 'bigint')
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addPrimaryKeyConstraint('release_files_pk', ['version', 'name'])
            .execute();
        },
      },
    ],
  ];
}

class ListProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(migrationList(this.dialect));
  }
}

/** Brings the database to the latest schema; safe when several servers start at once. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new ListProvider(dialect),
    migrationTableName: 'licensing_migration',
    migrationLockTableName: 'licensing_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(
      `licensing database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
