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
