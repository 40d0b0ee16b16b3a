// PostgreSQL for the server tests: ROWSMITH_TEST_PG names a database the tests may
// connect to as a role allowed to CREATE DATABASE; each test file gets a fresh
// database and drops it afterwards. Without ROWSMITH_TEST_PG the PostgreSQL suites
// fail under CI=true and are skipped (loudly) elsewhere.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.ROWSMITH_TEST_PG?.trim() || null;
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** The connection string `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  // Not `new URL`: a socket URL such as postgresql://root@/postgres?host=/var/run/postgresql has no host.
  const match = /^([a-z]+:\/\/[^/?]*)(\/[^?]*)?(\?.*)?$/i.exec(url);
  if (!match) throw new Error(`not a PostgreSQL connection string: ${url}`);
  return `${match[1]}/${database}${match[3] ?? ''}`;
}

export interface PgDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createPgDatabase(): Promise<PgDatabase> {
  if (!PG_ADMIN_URL) throw new Error('ROWSMITH_TEST_PG is not set');
  const name = `rowsmith_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(PG_ADMIN_URL, name),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL as string });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
