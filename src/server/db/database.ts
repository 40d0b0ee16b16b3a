// Opens the licensing database: a SQLite file (better-sqlite3, WAL) by default, or
// PostgreSQL (pg Pool) when a connection string is given, behind the same Kysely API,
// and runs the migrations. All credit logic is written once against this; the only
// dialect-specific code is here and in one column type of the migrations. Holds no
// cached state about organisations, so any number of servers can share one database.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { type DialectName, migrateToLatest } from './migrations';
import type { ServerSchema } from './schema';
import { ImmediateSqliteDialect } from './sqlite-driver';

export type DatabaseConfig =
  | {
      kind: 'sqlite';
      /** a file path, or ':memory:' */
      path: string;
      /**
       * NORMAL (default; WAL mode): a commit survives the process being killed, and the
       * database stays consistent on power loss, which may lose the last commits. FULL
       * syncs every commit to disk (several times slower).
       */
      synchronous?: 'FULL' | 'NORMAL';
    }
  | {
      kind: 'postgres';
      connectionString: string;
      /** connections per server process (default 10) */
      poolSize?: number;
    };

export type Trx = Transaction<ServerSchema>;

export interface LicensingDb {
  dialect: DialectName;
  db: Kysely<ServerSchema>;
  /**
   * Runs `fn` in one transaction. SQLite: BEGIN IMMEDIATE (writers serialise).
   * PostgreSQL: READ COMMITTED, retried from the start on a deadlock or serialisation
   * failure, so `fn` must do nothing but database work.
   */
  transaction<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** bigint and numeric (SUM) come back as JS numbers: credits and instants stay far below 2^53. */
const PG_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

const RETRYABLE_PG = new Set(['40001', '40P01']);

export async function openDatabase(
  config: DatabaseConfig,
  onPoolError?: (error: Error) => void,
): Promise<LicensingDb> {
  let db: Kysely<ServerSchema>;
  let dialect: DialectName;
  let closing = false;
  if (config.kind === 'sqlite') {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    const conn = new Database(config.path, {
      nativeBinding: process.env.ROWSMITH_SQLITE_BINDING || undefined,
    });
    conn.pragma('journal_mode = WAL');
    conn.pragma(`synchronous = ${config.synchronous ?? 'NORMAL'}`);
    conn.pragma('foreign_keys = ON');
    conn.pragma('busy_timeout = 5000');
    db = new Kysely<ServerSchema>({ dialect: new ImmediateSqliteDialect(conn) });
    dialect = 'sqlite';
  } else {
    const pool = new pg.Pool({
      connectionString: config.connectionString,
      max: config.poolSize ?? 10,
      types: PG_TYPES,
    });
    // An idle connection the database drops is replaced by the pool; say so unless we are closing.
    pool.on('error', (error) => {
      if (!closing) onPoolError?.(error);
    });
    db = new Kysely<ServerSchema>({ dialect: new PostgresDialect({ pool }) });
    dialect = 'postgres';
  }

  try {
    await migrateWithRetry(db as unknown as Kysely<unknown>, dialect);
  } catch (error) {
    await db.destroy();
    throw error;
  }

  return {
    dialect,
    db,
    async transaction<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(fn);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (dialect !== 'postgres' || attempt >= 8 || typeof code !== 'string' || !RETRYABLE_PG.has(code))
            throw error;
          // Back off a little, with jitter, so the transactions that collided do not collide again.
          await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
        }
      }
    },
    close: () => {
      closing = true;
      return db.destroy();
    },
  };
}

/** Several servers starting at once against one PostgreSQL may race creating the migration tables. */
async function migrateWithRetry(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrateToLatest(db, dialect);
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 50));
    }
  }
}
