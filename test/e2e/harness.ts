// End-to-end harness: the real built app (out/main/web.js: real SQLite, real handlers)
// behind the loopback web shell, and the real built renderer in Debian's Chromium driven
// by playwright-core. Each test gets its own user-data folder and waits for the app's
// readiness marker instead of sleeping.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { tempDir } from '../helpers/temp';

const ROOT = resolve(__dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface E2eApp {
  page: Page;
  url: string;
  dir: string;
  workbook: string;
  downloads: string;
  /** Runs the CLI against this app's workbook (before the shell starts, or for checks). */
  cli(args: string[]): string;
  /** Closes the browser and stops the web shell, keeping the folder (the CLI can then check the workbook). */
  stop(): Promise<void>;
  /** stop(), then removes the folder; fails if the page threw. */
  close(): Promise<void>;
}

export function cli(workbook: string, args: string[]): string {
  return execFileSync(process.execPath, [join(ROOT, 'out/main/cli.js'), ...args, '--workbook', workbook], {
    encoding: 'utf8',
    env: { ...process.env, ROWSMITH_USER_DATA: dirname(workbook) },
  });
}

/**
 * Starts a web shell on a fresh workbook; `prepare` may fill the workbook first (via the CLI).
 * The licensing choice counts as made (the embedded demo server) unless `firstRun` is set:
 * then the page shows the first-run screen and the harness waits for that instead.
 */
export async function startE2eApp(
  prepare?: (workbook: string) => void,
  env: Record<string, string> = {},
  options: { firstRun?: boolean } = {},
): Promise<E2eApp> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  const dir = tempDir('rowsmith-e2e-');
  const workbook = join(dir.path, 'workbook.rowsmith');
  if (!options.firstRun) writeFileSync(join(dir.path, 'licensing.json'), '{ "mode": "embedded" }\n');
  prepare?.(workbook);
  const server = spawn(process.execPath, [join(ROOT, 'out/main/web.js')], {
    env: { ...process.env, ROWSMITH_USER_DATA: dir.path, ROWSMITH_WORKBOOK: workbook, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let browser: Browser | null = null;
  const errors: string[] = [];
  let stopped = false;
  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    await browser?.close();
    await stop(server);
  };
  const stopChecked = async () => {
    await stopAll();
    const thrown = errors.splice(0);
    if (thrown.length) throw new Error(`The page threw: ${thrown.join('; ')}`);
  };
  try {
    const url = await waitForUrl(server);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        // A fake camera and microphone, so a page's request for them meets a policy, not a missing device.
        '--use-fake-device-for-media-stream',
      ],
    });
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await page.getByTestId(options.firstRun ? 'first-run' : 'app-ready').waitFor({ timeout: 30_000 });
    return {
      page,
      url,
      dir: dir.path,
      workbook,
      downloads: dir.path,
      cli: (args) => cli(workbook, args),
      stop: stopChecked,
      async close() {
        try {
          await stopChecked();
        } finally {
          dir.cleanup();
        }
      },
    };
  } catch (error) {
    // A shell or browser that did not come up must not outlive the test.
    await stopAll().catch(() => {});
    dir.cleanup();
    throw error;
  }
}

function waitForUrl(server: ChildProcess): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    let err = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolvePromise(match[1]);
    });
    server.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    server.on('exit', (code) => reject(new Error(`web shell exited (${code}): ${err}`)));
  });
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await exited;
}
