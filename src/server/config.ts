// Reads the server's settings from the environment for `npm run server`: PORT, HOST,
// DATABASE_URL (PostgreSQL) or ROWSMITH_SERVER_DB (SQLite file, by default in the
// user data folder; ROWSMITH_SQLITE_SYNC), ROWSMITH_ADMIN_TOKEN, ROWSMITH_SIGNING_KEY, rate limits, log
// level, where release files for auto-update are kept (ROWSMITH_RELEASES_DIR). Fails with a clear message on a bad value instead of guessing.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LicensingServerOptions, LogLevel } from './server';

export interface ServerConfig {
  host: string;
  port: number;
  options: LicensingServerOptions;
  /** where the database is, for the start-up banner (never the password) */
  databaseLabel: string;
}

/** Where Rowsmith keeps data when nothing says otherwise (the folder Electron uses). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ROWSMITH_USER_DATA) return env.ROWSMITH_USER_DATA;
  const home = homedir();
  if (process.platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Rowsmith');
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Rowsmith');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Rowsmith');
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

function sqliteSync(env: NodeJS.ProcessEnv): 'FULL' | 'NORMAL' {
  const value = (env.ROWSMITH_SQLITE_SYNC ?? 'NORMAL').toUpperCase();
  if (value !== 'FULL' && value !== 'NORMAL') throw new Error('ROWSMITH_SQLITE_SYNC must be FULL or NORMAL');
  return value;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const databaseUrl = env.DATABASE_URL?.trim();
  const sqlitePath =
    env.ROWSMITH_SERVER_DB?.trim() || join(defaultDataDir(env), 'server', 'licensing.sqlite');
  const level = (env.ROWSMITH_LOG_LEVEL ?? 'info') as LogLevel;
  if (!LEVELS.includes(level)) throw new Error(`ROWSMITH_LOG_LEVEL must be one of ${LEVELS.join(', ')}`);
  const rateMax = int(env, 'ROWSMITH_RATE_LIMIT', 600, 0, 10_000_000);
  let databaseLabel = `SQLite ${sqlitePath}`;
  if (databaseUrl) {
    try {
      const url = new URL(databaseUrl);
      url.password = '';
      databaseLabel = `PostgreSQL ${url.host || url.searchParams.get('host') || 'localhost'}${url.pathname}`;
    } catch {
      databaseLabel = 'PostgreSQL';
    }
  }
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: int(env, 'PORT', 4317, 0, 65_535),
    databaseLabel,
    options: {
      database: databaseUrl
        ? {
            kind: 'postgres',
            connectionString: databaseUrl,
            poolSize: int(env, 'ROWSMITH_PG_POOL', 10, 1, 1_000),
          }
        : { kind: 'sqlite', path: sqlitePath, synchronous: sqliteSync(env) },
      ...(env.ROWSMITH_ADMIN_TOKEN ? { adminToken: env.ROWSMITH_ADMIN_TOKEN } : {}),
      ...(env.ROWSMITH_SIGNING_KEY ? { signingKey: env.ROWSMITH_SIGNING_KEY } : {}),
      logLevel: level,
      rateLimit:
        rateMax === 0
          ? false
          : {
              max: rateMax,
              timeWindowMs: int(env, 'ROWSMITH_RATE_WINDOW_MS', 60_000, 1_000, 86_400_000),
              activateMax: int(env, 'ROWSMITH_ACTIVATE_LIMIT', 30, 1, 10_000_000),
            },
      trustProxy: env.ROWSMITH_TRUST_PROXY === '1',
      releasesDir: env.ROWSMITH_RELEASES_DIR?.trim() || join(defaultDataDir(env), 'server', 'releases'),
      maxReleaseFileBytes: int(env, 'ROWSMITH_RELEASE_MAX_BYTES', 2 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    },
  };
}
