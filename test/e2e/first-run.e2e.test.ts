// The first-run screen in the real UI: a fresh user-data folder (no licensing choice
// yet) opens on it; "Start with the demo" starts the embedded licensing server; the
// connect path activates the workbook on a real licensing server started here (its own
// SQLite file, real HTTP on loopback), after showing clearly why a wrong key and an
// unreachable address failed. Either choice is remembered: a reload opens the workspace.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type LicensingServer } from '../../src/server/server';
import { tempDir } from '../helpers/temp';
import { ADMIN_TOKEN, Client } from '../server/helpers/harness';
import { type E2eApp, startE2eApp } from './harness';

const SHOTS = process.env.ROWSMITH_SCREENSHOTS;

let app: E2eApp | undefined;
let server: LicensingServer | undefined;
let serverDir: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await app?.close();
  await server?.close();
  serverDir?.cleanup();
  app = server = serverDir = undefined;
});

const licensingFile = (dir: string) => JSON.parse(readFileSync(join(dir, 'licensing.json'), 'utf8'));

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createHttpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('first run', () => {
  it('starts with the demo, and does not ask again', async () => {
    app = await startE2eApp(undefined, { ROWSMITH_DEMO_CREDITS: '250' }, { firstRun: true });
    const { page } = app;
    expect(await page.getByTestId('app-ready').count()).toBe(0);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'first-run.png') });

    await page.getByTestId('first-run-demo').click();
    await page.getByTestId('app-ready').waitFor();
    await expect.poll(() => page.getByTestId('credit-meter').textContent()).toMatch(/^250 \/ 250 credits/);
    expect(licensingFile(app.dir)).toEqual({ mode: 'embedded' });

    await page.reload();
    await page.getByTestId('app-ready').waitFor();
    expect(await page.getByTestId('first-run').count()).toBe(0);
  });

  it('connects to the company’s licensing server, after saying why a wrong key or address failed', async () => {
    serverDir = tempDir('rowsmith-first-run-server-');
    server = await createServer({
      database: { kind: 'sqlite', path: join(serverDir.path, 'licensing.sqlite') },
      adminToken: ADMIN_TOKEN,
      logLevel: 'silent',
      rateLimit: false,
    });
    const url = await server.listen({ host: '127.0.0.1', port: 0 });
    const created = await new Client(url, ADMIN_TOKEN).post('/v1/admin/orgs', {
      name: 'Acme Analytics',
      monthlyAllowance: 4_000,
    });
    expect(created.status).toBe(201);
    const licenseKey = created.body.licenseKey as string;

    app = await startE2eApp(undefined, {}, { firstRun: true });
    const { page } = app;
    const error = page.getByTestId('first-run-error').getByRole('alert');

    await page.getByTestId('first-run-url').fill(url);
    await page.getByTestId('first-run-key').fill('not-the-key');
    await page.getByTestId('first-run-email').fill('ana@acme.example');
    await page.getByTestId('first-run-connect').click();
    await error.waitFor();
    expect((await error.textContent())?.length).toBeGreaterThan(10);
    expect(await page.getByTestId('first-run').count()).toBe(1);

    await page.getByTestId('first-run-url').fill(`http://127.0.0.1:${await closedPort()}`);
    await page.getByTestId('first-run-key').fill(licenseKey);
    await page.getByTestId('first-run-connect').click();
    await expect.poll(() => error.textContent()).toMatch(/cannot be reached/);

    await page.getByTestId('first-run-url').fill('http://licensing.acme.example');
    await page.getByTestId('first-run-connect').click();
    await expect.poll(() => error.textContent()).toBe('A remote licensing server must use https://.');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'first-run-error.png') });

    await page.getByTestId('first-run-url').fill(url);
    await page.getByTestId('first-run-connect').click();
    await page.getByTestId('app-ready').waitFor();
    await expect
      .poll(() => page.getByTestId('credit-meter').textContent())
      .toMatch(/^4,000 \/ 4,000 credits/);
    expect(licensingFile(app.dir)).toEqual({ mode: 'remote', serverUrl: new URL(url).origin });

    // The server knows the device, under the email given.
    const db = new Database(join(serverDir.path, 'licensing.sqlite'), { readonly: true });
    const emails = db
      .prepare('SELECT u.email FROM devices d JOIN users u ON u.id = d.user_id WHERE d.org_id = ?')
      .pluck()
      .all(created.body.id);
    db.close();
    expect(emails).toEqual(['ana@acme.example']);

    await page.reload();
    await page.getByTestId('app-ready').waitFor();
    expect(await page.getByTestId('first-run').count()).toBe(0);
  });
});
