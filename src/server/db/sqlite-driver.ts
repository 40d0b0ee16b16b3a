// A Kysely driver for better-sqlite3 tuned for the licensing server: transactions
// start with BEGIN IMMEDIATE, so a transaction that reads then writes holds the write
// lock from its first statement and concurrent writers (other requests, other
// processes) serialise instead of failing with SQLITE_BUSY mid-transaction; and
// prepared statements are cached per SQL text. One connection, guarded by a mutex,
// like Kysely's own SQLite driver. Never runs two transactions on one connection.
import type Database from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
} from 'kysely';

const STATEMENT_CACHE = 500;

class CachedConnection implements DatabaseConnection {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  #prepare(sqlText: string): Database.Statement {
    let stmt = this.#statements.get(sqlText);
    if (!stmt) {
      stmt = this.#db.prepare(sqlText);
      if (this.#statements.size >= STATEMENT_CACHE) this.#statements.clear();
      this.#statements.set(sqlText, stmt);
    }
    return stmt;
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const stmt = this.#prepare(compiled.sql);
      const params = compiled.parameters as unknown[];
      if (stmt.reader) return Promise.resolve({ rows: stmt.all(...params) as R[] });
      const { changes, lastInsertRowid } = stmt.run(...params);
      return Promise.resolve({
        numAffectedRows: BigInt(changes),
        insertId: BigInt(lastInsertRowid),
        rows: [],
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // biome-ignore lint/correctness/useYield: streaming is not used by the server
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by the licensing SQLite driver');
  }

  exec(sqlText: string): void {
    this.#db.exec(sqlText);
  }
}

class Mutex {
  #tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => {
      release = r;
    });
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return acquired;
  }
}

class ImmediateSqliteDriver implements Driver {
  readonly #db: Database.Database;
  readonly #mutex = new Mutex();
  #connection!: CachedConnection;
  #release: (() => void) | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  async init(): Promise<void> {
    this.#connection = new CachedConnection(this.#db);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.#release = await this.#mutex.lock();
    return this.#connection;
  }

  async beginTransaction(): Promise<void> {
    this.#connection.exec('BEGIN IMMEDIATE');
  }

  async commitTransaction(): Promise<void> {
    this.#connection.exec('COMMIT');
  }

  async rollbackTransaction(): Promise<void> {
    // A failed COMMIT or a constraint error may already have ended the transaction.
    if (this.#db.inTransaction) this.#connection.exec('ROLLBACK');
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #db: Database.Database;
  constructor(db: Database.Database) {
    super({ database: db } satisfies SqliteDialectConfig);
    this.#db = db;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#db);
  }
}
