// Kill -9 a process running a 10,000-row run at random moments, restart it each time,
// and check that every row ends done exactly once, the credits captured equal the
// successes, and the workbook is intact.
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../../src/main/app/create-app';
import { configureLogging } from '../../../src/main/logger';
import { startHttpFake } from '../../fakes/http-fake';
import { tempDir } from '../../helpers/temp';

configureLogging({ level: 'error' });
const ROWS = 10_000;
const KILLS = 6;
let dir: { path: string; cleanup(): void };
let runner: string;

beforeAll(async () => {
  dir = tempDir('rowsmith-crash-');
  runner = join(dir.path, 'run-child.cjs');
  const root = resolve(__dirname, '../../..');
  await build({
    entryPoints: [join(__dirname, 'fixtures', 'run-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: runner,
    packages: 'external',
    nodePaths: [join(root, 'node_modules')],
    alias: { '@shared': join(root, 'src', 'shared') },
    logLevel: 'error',
  });
});
afterAll(() => dir.cleanup());

function startChild(
  workbook: string,
  mode: 'start' | 'resume',
): { child: ChildProcess; exited: Promise<number | null>; running: Promise<void> } {
  const child = spawn(process.execPath, [runner, workbook, join(dir.path, 'user-data'), mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_PATH: resolve(__dirname, '../../../node_modules') },
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const running = new Promise<void>((resolveRunning, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      if (c.toString().includes('running')) resolveRunning();
    });
    child.on('exit', (code) =>
      code === 0 ? resolveRunning() : reject(new Error(`child exited ${code}: ${err}`)),
    );
  });
  return { child, exited, running };
}

/** Rows the run has committed as finished, read beside the running process (WAL). */
function progress(workbook: string): number {
  const probe = new Database(workbook, { readonly: true, timeout: 5_000 });
  try {
    return (probe.prepare('SELECT done + not_found FROM runs').pluck().get() as number | undefined) ?? 0;
  } finally {
    probe.close();
  }
}

it('survives kill -9 at random moments without running or charging a row twice', async () => {
  const fake = await startHttpFake({
    latencyMs: 1,
    handler: (req) => {
      const id = Number(new URL(req.url, 'http://x').searchParams.get('id'));
      return id % 7 === 0
        ? { status: 404, body: '{"error":"none"}' }
        : { status: 200, body: JSON.stringify({ value: id * 2 }) };
    },
  });
  const workbook = join(dir.path, 'crash.rowsmith');
  const app = await createApp({
    userDataDir: join(dir.path, 'setup'),
    workbookPath: workbook,
    version: 'test',
    platform: { shell: 'cli' },
  });
  const table = await app.handlers['tables/create']({ name: 'Rows' });
  const name = table.columns[0]?.id as number;
  const insert = app.workbook.conn.prepare(`INSERT INTO rows_${table.id} (id, c${name}) VALUES (?, ?)`);
  app.workbook.conn.transaction(() => {
    for (let id = 1; id <= ROWS; id++) insert.run(id, String(id));
  })();
  app.localLedger.setAllowance(1_000_000);
  const enrichment = await app.handlers['enrichments/add']({
    tableId: table.id,
    name: 'Doubled',
    config: {
      actionId: 'http.request',
      options: {
        method: 'GET',
        url: `${fake.url}/v?id={{Name}}`,
        headers: {},
        body: null,
        outputs: [{ key: 'v', path: 'value' }],
        ratePerSecond: 100_000,
      },
      outputs: [{ key: 'v', name: 'Doubled', type: 'number' }],
    },
  });
  await app.close();

  let mode: 'start' | 'resume' = 'start';
  let kills = 0;
  const progressAtKills: number[] = [];
  for (let attempt = 0; attempt < 40; attempt++) {
    const { child, exited, running } = startChild(workbook, mode);
    await running;
    mode = 'resume';
    if (kills < KILLS) {
      // Kill only after this process has committed some rows of its own (a loaded machine
      // can take longer than any fixed delay to get there), then at a random moment.
      const before = progressAtKills.at(-1) ?? 0;
      while (child.exitCode === null && progress(workbook) <= before) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, Math.random() * 200));
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        kills++;
      }
      await exited;
      progressAtKills.push(progress(workbook));
      continue;
    }
    expect(await exited).toBe(0);
    break;
  }
  expect(kills).toBe(KILLS);
  // The kills really landed mid-run: progress was made, and the run was not over yet.
  const midRun = progressAtKills.filter((n) => n > 0 && n < ROWS);
  expect(midRun.length, `progress at each kill: ${progressAtKills.join(', ')}`).toBeGreaterThanOrEqual(5);

  const db = new Database(workbook, { readonly: true });
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  const statuses = db
    .prepare('SELECT status, COUNT(*) AS n FROM cell_runs GROUP BY status ORDER BY status')
    .all();
  const notFound = Math.floor(ROWS / 7);
  expect(statuses).toEqual([
    { status: 'done', n: ROWS - notFound },
    { status: 'not_found', n: notFound },
  ]);
  // Exactly one charge per successful row, and nothing else charged.
  const charges = db
    .prepare(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT idempotency_key) AS keys, SUM(credits) AS total FROM credit_ledger',
    )
    .get();
  expect(charges).toEqual({ n: ROWS - notFound, keys: ROWS - notFound, total: ROWS - notFound });
  const runs = db.prepare('SELECT status, done, not_found, credits FROM runs').all();
  expect(runs).toEqual([
    { status: 'done', done: ROWS - notFound, not_found: notFound, credits: ROWS - notFound },
  ]);
  const wrong = db
    .prepare(
      `SELECT COUNT(*) FROM rows_${table.id} WHERE id % 7 <> 0 AND c${enrichment.columns.v} IS NOT id * 2`,
    )
    .pluck()
    .get();
  expect(wrong).toBe(0);
  expect(db.prepare('SELECT COUNT(*) FROM run_items').pluck().get()).toBe(0);
  db.close();
  await fake.close();
}, 120_000);
