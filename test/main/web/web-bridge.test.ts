// The browser side of the web shell, run for real: web-bridge.ts is bundled with esbuild,
// served by the web shell (under its CSP) and driven in Debian's Chromium.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FileRef } from '@shared/api';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileRegistry } from '../../../src/main/files/file-registry';
import { EventBus } from '../../../src/main/ipc/event-bus';
import { startWebShell, type WebShell } from '../../../src/main/web/server';
import { fakeHandlers } from './helpers';

const CHROMIUM = '/usr/bin/chromium';

/** What the test page defines; page functions run in Chromium, so they reach it via globalThis. */
interface PageGlobals {
  bridge: import('@shared/api').RowsmithBridge;
  seen: unknown[];
  sessionStorage: { getItem(key: string): string | null };
}
type Win = typeof globalThis & PageGlobals;

describe.skipIf(!existsSync(CHROMIUM))('createWebBridge in Chromium', () => {
  let root: string;
  let staticDir: string;
  let browser: Browser;
  let page: Page;
  let shell: WebShell;
  const events = new EventBus();
  const files = new FileRegistry();
  const busListeners = () => (events as unknown as { listeners: Set<unknown> }).listeners.size;

  const startShell = async (opts: { port?: number; token?: string; maxUploadBytes?: number } = {}) => {
    shell = await startWebShell({
      handlers: fakeHandlers(),
      events,
      files,
      staticDir,
      uploadsDir: join(root, 'uploads'),
      ...opts,
    });
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rowsmith-bridge-'));
    staticDir = join(root, 'static');
    await mkdir(join(staticDir, 'assets'), { recursive: true });
    await writeFile(
      join(staticDir, 'index.html'),
      '<!doctype html><html><head><script type="module" src="/assets/bridge.js"></script></head><body>bridge test</body></html>',
    );
    await build({
      stdin: {
        contents:
          "import { createWebBridge } from './src/renderer/src/bridge/web-bridge';\nwindow.bridge = createWebBridge();\nwindow.seen = [];\n",
        resolveDir: resolve('.'),
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      alias: { '@shared': resolve('src/shared') },
      outfile: join(staticDir, 'assets', 'bridge.js'),
      logLevel: 'silent',
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await rm(root, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await startShell();
    page = await browser.newPage();
    await page.goto(shell.url);
    await page.waitForFunction(() => 'bridge' in globalThis);
  });

  afterEach(async () => {
    await page.close();
    await shell.close();
  });

  it('takes the token from the address, keeps it for the tab and hides it from the address bar', async () => {
    expect(new URL(page.url()).search).toBe('');
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as Win).sessionStorage.getItem('rowsmith.webShellToken'),
      ),
    ).toBe(shell.token);
    expect(await page.evaluate(() => (globalThis as unknown as Win).bridge.shell)).toBe('web');
    // After a reload (no token in the address) the tab still works.
    await page.reload();
    await page.waitForFunction(() => 'bridge' in globalThis);
    const info = await page.evaluate(() => (globalThis as unknown as Win).bridge.invoke('app/info', {}));
    expect(info).toMatchObject({ version: '9.9.9', shell: 'web' });
  });

  it('invokes channels and rebuilds failures as AppError with their code', async () => {
    const table = await page.evaluate(() =>
      (globalThis as unknown as Win).bridge.invoke('tables/get', { tableId: 5 }),
    );
    expect(table).toMatchObject({ id: 5, name: 'Companies' });
    const failure = await page.evaluate(async () => {
      try {
        await (globalThis as unknown as Win).bridge.invoke('tables/get', { tableId: -1 });
        return null;
      } catch (error) {
        const e = error as { name: string; code: string; message: string };
        return { name: e.name, code: e.code, message: e.message, isError: error instanceof Error };
      }
    });
    expect(failure).toMatchObject({ name: 'AppError', code: 'invalid_input', isError: true });
  });

  it('delivers bus events to listeners over one shared stream, and reconnects after a restart', async () => {
    await page.evaluate(() => {
      const w = globalThis as unknown as Win;
      w.bridge.on('tables/changed', (payload) => w.seen.push(['a', payload]));
      w.bridge.on('tables/changed', (payload) => w.seen.push(['b', payload]));
      w.bridge.on('job/finished', (payload) => w.seen.push(['job', payload]));
    });
    // One shared stream for all three listeners; once it is subscribed, events arrive.
    await vi.waitFor(() => expect(busListeners()).toBe(1));
    events.emit('tables/changed', { tableId: 1, what: 'rows' });
    await page.waitForFunction(() => (globalThis as unknown as Win).seen.length >= 2);
    expect(await page.evaluate(() => (globalThis as unknown as Win).seen)).toEqual([
      ['a', { tableId: 1, what: 'rows' }],
      ['b', { tableId: 1, what: 'rows' }],
    ]);
    expect(busListeners()).toBe(1);

    const { port, token } = shell;
    await shell.close();
    await page.evaluate(() => {
      (globalThis as unknown as Win).seen.length = 0;
    });
    await startShell({ port, token });
    // After reconnecting, views are told to reload what they may have missed.
    await page.waitForFunction(() => (globalThis as unknown as Win).seen.length >= 6, undefined, {
      timeout: 20_000,
    });
    const seen = await page.evaluate(() => (globalThis as unknown as Win).seen);
    expect(seen).toContainEqual(['a', { tableId: null, what: 'rows' }]);
    expect(seen).toContainEqual(['b', { tableId: null, what: 'tables' }]);
    await vi.waitFor(() => expect(busListeners()).toBe(1));
    events.emit('job/finished', {
      jobId: 'j9',
      kind: 'export',
      status: 'done',
      title: 'Export',
      progress: null,
      result: null,
      error: null,
    });
    await page.waitForFunction(() =>
      (globalThis as unknown as Win).seen.some((entry) => (entry as string[])[0] === 'job'),
    );
  }, 40_000);

  it('opens the stream with the first listener and closes it with the last', async () => {
    expect(busListeners()).toBe(0);
    await page.evaluate(() => {
      const w = globalThis as unknown as Win & { offs: (() => void)[] };
      w.offs = [w.bridge.on('tables/changed', () => undefined), w.bridge.on('job/progress', () => undefined)];
    });
    await vi.waitFor(() => expect(busListeners()).toBe(1));
    await page.evaluate(() => (globalThis as unknown as { offs: (() => void)[] }).offs[0]?.());
    expect(busListeners()).toBe(1);
    await page.evaluate(() => (globalThis as unknown as { offs: (() => void)[] }).offs[1]?.());
    await vi.waitFor(() => expect(busListeners()).toBe(0));
  });

  it('uploads a file with progress and registers it for import', async () => {
    const result = await page.evaluate(async () => {
      const w = globalThis as unknown as Win;
      const progress: number[] = [];
      const file = new File(['name\nAcme\n'.repeat(100_000)], 'leads.csv', { type: 'text/csv' });
      const ref = await w.bridge.fileFromDrop(file);
      const again = await w.bridge.upload?.(new File(['x'], 'tiny.txt'), (sent) => progress.push(sent));
      return { ref, again, progress };
    });
    const ref = result.ref as FileRef;
    expect(ref).toMatchObject({ name: 'leads.csv', size: 1_000_000 });
    const registered = files.get(ref.fileId, 'import');
    expect(await readFile(registered.path, 'utf8')).toBe('name\nAcme\n'.repeat(100_000));
    expect(result.again).toMatchObject({ name: 'tiny.txt', size: 1 });
    expect(result.progress.at(-1)).toBe(1);
  });

  it('reports a too-large upload as an AppError', async () => {
    await shell.close();
    await startShell({ maxUploadBytes: 1024 });
    await page.goto(shell.url);
    await page.waitForFunction(() => 'bridge' in globalThis);
    const code = await page.evaluate(async () => {
      try {
        await (globalThis as unknown as Win).bridge.upload?.(new File(['x'.repeat(200_000)], 'big.csv'));
        return 'uploaded';
      } catch (error) {
        return (error as { code: string }).code;
      }
    });
    expect(code).toBe('file_too_large');
  });

  it('builds download URLs that work with the page cookie alone', async () => {
    const path = join(root, 'export.csv');
    await writeFile(path, 'a,b\r\n1,2\r\n');
    const file = files.register(path, 'download', { name: 'export.csv' });
    const body = await page.evaluate(async (id) => {
      const url = (globalThis as unknown as Win).bridge.downloadUrl?.(id) ?? '';
      const res = await fetch(url);
      return {
        url,
        status: res.status,
        text: await res.text(),
        disposition: res.headers.get('content-disposition'),
      };
    }, file.fileId);
    expect(body).toEqual({
      url: `/api/download/${file.fileId}`,
      status: 200,
      text: 'a,b\r\n1,2\r\n',
      disposition: `attachment; filename="export.csv"; filename*=UTF-8''export.csv`,
    });
  });
});
