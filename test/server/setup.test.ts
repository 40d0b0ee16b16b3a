// How the server is set up: the embedded demo organisation (created once, found again,
// its key rotated only when the caller lost it), the admin token generated on first
// start (shown once, kept as a digest), the environment `npm run server` reads, and
// `npm run server` itself from the launcher script.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromEnv, defaultDataDir } from '../../src/server/config';
import { createServer } from '../../src/server/server';
import { hashToken } from '../../src/server/tokens';
import { tempDir } from '../helpers/temp';
import { Client, waitFor } from './helpers/harness';

const dirs: { cleanup(): void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});
const sqlite = () => {
  const dir = tempDir('rowsmith-setup-');
  dirs.push(dir);
  return { kind: 'sqlite' as const, path: `${dir.path}/licensing.sqlite` };
};

describe('demo organisation', () => {
  it('is created once with 10,000 credits, and the remembered key keeps working', async () => {
    const database = sqlite();
    const app = await createServer({ database, logLevel: 'silent' });
    try {
      const first = await app.licensing.ensureDemoOrg();
      expect(first.created).toBe(true);
      const again = await app.licensing.ensureDemoOrg({ licenseKey: first.licenseKey });
      expect(again).toEqual({ orgId: first.orgId, licenseKey: first.licenseKey, created: false });
      const device = await app.inject({
        method: 'POST',
        url: '/v1/activate',
        payload: { licenseKey: first.licenseKey, deviceName: 'me', userEmail: 'me@example.com' },
      });
      const token = device.json().deviceToken;
      const balance = await app.inject({
        method: 'GET',
        url: '/v1/balance',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(balance.json()).toMatchObject({ allowance: 10_000, remaining: 10_000 });
      // A caller that lost its key gets a new one for the same organisation; old devices keep working.
      const rotated = await app.licensing.ensureDemoOrg();
      expect(rotated.orgId).toBe(first.orgId);
      expect(rotated.licenseKey).not.toBe(first.licenseKey);
      const old = await app.inject({
        method: 'POST',
        url: '/v1/activate',
        payload: { licenseKey: first.licenseKey, deviceName: 'x', userEmail: 'x@example.com' },
      });
      expect(old.statusCode).toBe(401);
      expect(
        (await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } }))
          .statusCode,
      ).toBe(200);
      const orgs = await app.licensing.ctx.ldb.db.selectFrom('orgs').select('id').execute();
      expect(orgs).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('takes a key chosen by the caller', async () => {
    const app = await createServer({ database: sqlite(), logLevel: 'silent' });
    try {
      const demo = await app.licensing.ensureDemoOrg({
        licenseKey: 'rs_lic_chosen-by-the-desktop',
        monthlyAllowance: 500,
      });
      expect(demo).toMatchObject({ licenseKey: 'rs_lic_chosen-by-the-desktop', created: true });
      const row = await app.licensing.ctx.ldb.db.selectFrom('orgs').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        license_key_hash: hashToken('rs_lic_chosen-by-the-desktop'),
        monthly_allowance: 500,
        is_demo: 1,
      });
    } finally {
      await app.close();
    }
  });
});

describe('admin token', () => {
  it('is generated on first start only, kept as a digest, and works', async () => {
    const database = sqlite();
    const first = await createServer({ database, logLevel: 'silent' });
    const token = first.licensing.generatedAdminToken as string;
    expect(token).toMatch(/^rs_adm_/);
    const ok = await first.inject({
      method: 'POST',
      url: '/v1/admin/orgs',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'A', monthlyAllowance: 1 },
    });
    expect(ok.statusCode).toBe(201);
    const stored = await first.licensing.ctx.ldb.db.selectFrom('server_settings').selectAll().execute();
    expect(stored.find((r) => r.key === 'admin_token_hash')?.value).toBe(hashToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    await first.close();
    const second = await createServer({ database, logLevel: 'silent' });
    try {
      expect(second.licensing.generatedAdminToken).toBeNull();
      const again = await second.inject({
        method: 'GET',
        url: '/v1/admin/orgs',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(again.statusCode).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe('configuration from the environment', () => {
  it('defaults: 127.0.0.1:4317, SQLite in the data folder, 600 requests a minute', () => {
    const config = configFromEnv({ ROWSMITH_USER_DATA: '/data/rs' });
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4317 });
    expect(config.options.database).toEqual({
      kind: 'sqlite',
      path: '/data/rs/server/licensing.sqlite',
      synchronous: 'NORMAL',
    });
    expect(config.options.rateLimit).toEqual({ max: 600, timeWindowMs: 60_000, activateMax: 30 });
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/x' })).toBe(
      process.platform === 'linux' ? '/x/Rowsmith' : defaultDataDir({}),
    );
  });
  it('reads PORT, DATABASE_URL, tokens and limits, and refuses bad values', () => {
    const config = configFromEnv({
      PORT: '9000',
      DATABASE_URL: 'postgresql://u:secret@db.example.com/lic',
      ROWSMITH_ADMIN_TOKEN: 'adm',
      ROWSMITH_RATE_LIMIT: '0',
      ROWSMITH_PG_POOL: '20',
    });
    expect(config.port).toBe(9000);
    expect(config.options).toMatchObject({
      database: {
        kind: 'postgres',
        connectionString: 'postgresql://u:secret@db.example.com/lic',
        poolSize: 20,
      },
      adminToken: 'adm',
      rateLimit: false,
    });
    expect(config.databaseLabel).not.toContain('secret');
    expect(() => configFromEnv({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => configFromEnv({ ROWSMITH_SQLITE_SYNC: 'sometimes' })).toThrow(/ROWSMITH_SQLITE_SYNC/);
    expect(() => configFromEnv({ ROWSMITH_LOG_LEVEL: 'loud' })).toThrow(/ROWSMITH_LOG_LEVEL/);
  });
});

describe('npm run server', () => {
  it('bundles and starts the server, prints the address and a generated admin token once, stops on SIGTERM', async () => {
    const dir = tempDir('rowsmith-npm-server-');
    dirs.push(dir);
    const child = spawn(process.execPath, [resolve(__dirname, '../../scripts/server.mjs')], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir.path,
        PORT: '0',
        ROWSMITH_USER_DATA: dir.path,
        ROWSMITH_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await waitFor(
        () => /listening on http:\/\/127\.0\.0\.1:\d+/.test(out) && /rs_adm_\S+/.test(out),
        30_000,
      );
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1] as string;
      expect(out).toContain(`SQLite ${dir.path}/server/licensing.sqlite`);
      const token = /(rs_adm_\S+)/.exec(out)?.[1] as string;
      const res = await new Client(url, token).post('/v1/admin/orgs', {
        name: 'From npm',
        monthlyAllowance: 5,
      });
      expect(res.status).toBe(201);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
