// The workbook's schema history: an explicit, append-only, ordered list of Kysely
// migrations (no folder scanning at run time, which would not survive bundling).
// Never edit a shipped migration; add a new one at the end.
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

const migrations: [name: string, migration: Migration][] = [
  [
    '0001_tables_and_columns',
    {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('tables')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('data_version', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) =>
            c.notNull().defaultTo(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
          )
          .execute();
        await sql`CREATE UNIQUE INDEX tables_name ON tables (name COLLATE NOCASE)`.execute(db);
        await db.schema
          .createTable('columns')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('table_id', 'integer', (c) => c.notNull().references('tables.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('width', 'integer')
          .addColumn('system', 'text')
          .execute();
        await sql`CREATE UNIQUE INDEX columns_name ON columns (table_id, name COLLATE NOCASE)`.execute(db);
        await db.schema
          .createTable('settings')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
      },
    },
  ],
  [
    '0002_enrichment',
    {
      async up(db: Kysely<unknown>) {
        // An enrichment: an action configured on a table; its output fields are columns.
        await sql`CREATE TABLE enrichments (
          id INTEGER PRIMARY KEY,
          table_id INTEGER NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          config TEXT NOT NULL,
          created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        )`.execute(db);
        await sql`ALTER TABLE columns ADD COLUMN enrichment_id INTEGER REFERENCES enrichments(id) ON DELETE SET NULL`.execute(
          db,
        );
        await sql`ALTER TABLE columns ADD COLUMN output_key TEXT`.execute(db);
        // The per-cell audit: one row per (enrichment, row) that has ever been queued.
        await sql`CREATE TABLE cell_runs (
          enrichment_id INTEGER NOT NULL REFERENCES enrichments(id) ON DELETE CASCADE,
          row_id INTEGER NOT NULL,
          status TEXT NOT NULL,
          run_id INTEGER,
          provider TEXT,
          credits INTEGER NOT NULL DEFAULT 0,
          cached INTEGER NOT NULL DEFAULT 0,
          duration_ms INTEGER,
          error TEXT,
          raw TEXT,
          finished_at TEXT,
          PRIMARY KEY (enrichment_id, row_id)
        ) WITHOUT ROWID`.execute(db);
        await sql`CREATE TABLE runs (
          id INTEGER PRIMARY KEY,
          enrichment_id INTEGER NOT NULL REFERENCES enrichments(id) ON DELETE CASCADE,
          table_id INTEGER NOT NULL,
          scope TEXT NOT NULL,
          -- 'manual' (the user asked, after a quote) or 'auto' (new or changed rows)
          trigger TEXT NOT NULL DEFAULT 'manual',
          -- what the run's hold was cut by, if anything: 'credits' or 'cap' (auto-run's credit cap)
          limited_by TEXT,
          status TEXT NOT NULL,
          total INTEGER NOT NULL,
          done INTEGER NOT NULL DEFAULT 0,
          not_found INTEGER NOT NULL DEFAULT 0,
          errors INTEGER NOT NULL DEFAULT 0,
          out_of_credits INTEGER NOT NULL DEFAULT 0,
          cached INTEGER NOT NULL DEFAULT 0,
          credits INTEGER NOT NULL DEFAULT 0,
          started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          finished_at TEXT
        )`.execute(db);
        // Rows a run still has to do; a row leaves in the same transaction as its result.
        await sql`CREATE TABLE run_items (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          row_id INTEGER NOT NULL,
          PRIMARY KEY (run_id, row_id)
        ) WITHOUT ROWID`.execute(db);
        // Never pay twice: results by (action, provider, normalised input).
        await sql`CREATE TABLE result_cache (
          action_id TEXT NOT NULL,
          provider TEXT NOT NULL,
          input_key TEXT NOT NULL,
          status TEXT NOT NULL,
          result TEXT NOT NULL,
          expires_at INTEGER NOT NULL,
          PRIMARY KEY (action_id, provider, input_key)
        ) WITHOUT ROWID`.execute(db);
        // The local credit ledger (the test double of the licensing server's ledger).
        await sql`CREATE TABLE credit_ledger (
          id INTEGER PRIMARY KEY,
          idempotency_key TEXT NOT NULL UNIQUE,
          action_id TEXT NOT NULL,
          credits INTEGER NOT NULL,
          run_id INTEGER,
          period TEXT NOT NULL,
          created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        )`.execute(db);
        await sql`CREATE TABLE credit_holds (
          id INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL,
          unit_price INTEGER NOT NULL DEFAULT 1,
          credits INTEGER NOT NULL,
          captured INTEGER NOT NULL DEFAULT 0,
          status TEXT NOT NULL,
          period TEXT NOT NULL
        )`.execute(db);
      },
    },
  ],
  [
    '0003_credit_sync',
    {
      async up(db: Kysely<unknown>) {
        // Holds this workbook made on the licensing server (server_hold_id), or, offline,
        // against its signed lease (lease_id). Credits are as the server counts them.
        await sql`CREATE TABLE server_holds (
          id INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL,
          action_id TEXT NOT NULL,
          unit_price INTEGER NOT NULL,
          reserved INTEGER NOT NULL,
          captured INTEGER NOT NULL DEFAULT 0,
          server_hold_id TEXT,
          lease_id TEXT,
          -- the part of reserved / captured that is on the lease (the rest is on the server hold)
          lease_reserved INTEGER NOT NULL DEFAULT 0,
          lease_captured INTEGER NOT NULL DEFAULT 0,
          status TEXT NOT NULL DEFAULT 'active',
          created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        )`.execute(db);
        // What the server has not heard yet, in order: captures of online holds, offline
        // debits against a lease (with the device's sequence number), hold releases.
        // A row leaves only once the server acknowledged it.
        await sql`CREATE TABLE credit_outbox (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL,
          hold_id INTEGER NOT NULL,
          idempotency_key TEXT NOT NULL UNIQUE,
          action_id TEXT NOT NULL,
          quantity INTEGER NOT NULL,
          credits INTEGER NOT NULL,
          seq INTEGER UNIQUE,
          lease_id TEXT,
          attempts INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        )`.execute(db);
      },
    },
  ],
];

class ListProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(migrations);
  }
}

export const MIGRATION_NAMES = migrations.map(([name]) => name);

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider: new ListProvider() });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Workbook migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
