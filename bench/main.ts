// `npm run bench`: the foundation's performance targets, measured on this machine and
// reported as ratios against a baseline run in the same session where one exists.
// Prints a table and writes bench/results.json. Not part of `npm test`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { ViewInput } from '@shared/model';
import { createApp } from '../src/main/app/create-app';
import { configureLogging } from '../src/main/logger';
import { benchEngine } from './engine';
import { generateCsv } from './generate';
import { benchServer } from './server';

configureLogging({ level: 'error' });
const ROOT = resolve(__dirname, '..');
const DATA = join(ROOT, 'bench', 'data');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CLI = join(ROOT, 'bin', 'rowsmith.js');
/** `BENCH_ONLY=engine npm run bench` runs one part (foundation, engine, server). */
const ONLY = process.env.BENCH_ONLY ?? '';
const runs = (part: string) => ONLY === '' || ONLY.split(',').includes(part);

interface Result {
  /** which part of the benchmark measured it */
  part?: string;
  name: string;
  value: number;
  unit: string;
  target?: string;
  pass?: boolean;
  note?: string;
}
const results: Result[] = [];
let part = 'foundation';
let fileMiB: number | null = null;
const record = (r: Result) => {
  results.push({ part, ...r });
  const status = r.pass === undefined ? '' : r.pass ? 'PASS' : 'MISS';
  console.log(
    `${r.name.padEnd(58)} ${String(r.value).padStart(10)} ${r.unit.padEnd(6)} ${(r.target ?? '').padEnd(14)} ${status}`,
  );
};

/** Runs a command, returning wall time in ms and its peak RSS in MB (polled from /proc). */
async function timed(cmd: string, args: string[]): Promise<{ ms: number; peakMb: number }> {
  const started = performance.now();
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  let peak = 0;
  const poll = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
    } catch {
      // the process has exited
    }
  }, 25);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearInterval(poll);
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code}`);
  return { ms: performance.now() - started, peakMb: Math.round(peak) };
}

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.95) - 1] ?? 0;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  if (runs('foundation')) await benchFoundation();
  if (runs('engine')) {
    part = 'engine';
    console.log('\nenrichment engine\n');
    for (const r of await benchEngine(ROOT, DATA, Number(process.env.BENCH_ENGINE_ROWS ?? 100_000)))
      record(r);
  }
  if (runs('server')) {
    part = 'server';
    console.log('\nlicensing server\n');
    for (const r of await benchServer()) record(r);
  }
  writeResults();
}

async function benchFoundation(): Promise<void> {
  const csv = join(DATA, `companies-${ROWS}.csv`);
  if (!existsSync(csv)) {
    console.log(`generating ${csv}…`);
    await generateCsv(csv, ROWS);
  }
  const sizeMb = round(statSync(csv).size / 2 ** 20);
  fileMiB = sizeMb;
  console.log(
    `\n${ROWS.toLocaleString('en-US')} rows, 10 columns, ${sizeMb} MiB; ${cpus().length} cores, ${round(totalmem() / 2 ** 30)} GiB\n`,
  );

  // 1. Import: the CLI vs sqlite3 .import of the same file (both into a fresh file).
  const sqliteDb = join(DATA, 'baseline.sqlite');
  const workbook = join(DATA, 'bench.rowsmith');
  const best = async (run: () => Promise<{ ms: number; peakMb: number }>, before: () => void) => {
    const times: { ms: number; peakMb: number }[] = [];
    for (let i = 0; i < 2; i++) {
      before();
      times.push(await run());
    }
    return times.sort((a, b) => a.ms - b.ms)[0] as { ms: number; peakMb: number };
  };
  const clean = (path: string) => () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
  };
  const baseline = await best(
    () => timed('sqlite3', [sqliteDb, '.mode csv', `.import ${csv} companies`]),
    clean(sqliteDb),
  );
  const ours = await best(
    () => timed(process.execPath, [CLI, 'import', csv, '--workbook', workbook, '--table', 'Companies']),
    clean(workbook),
  );
  record({ name: 'import: sqlite3 .import (baseline)', value: Math.round(baseline.ms), unit: 'ms' });
  record({
    name: 'import: rowsmith CLI',
    value: Math.round(ours.ms),
    unit: 'ms',
    note: `peak RSS ${ours.peakMb} MB`,
  });
  const ratio = round(ours.ms / baseline.ms, 2);
  record({
    name: 'import ratio (rowsmith / sqlite3)',
    value: ratio,
    unit: 'x',
    target: '<= 1.3x',
    pass: ratio <= 1.3,
  });

  // 2. Blocks of 100 rows at 20 random positions after a sort and after a filter.
  const rssBefore = process.memoryUsage().rss;
  const app = await createApp({
    userDataDir: join(DATA, 'user-data'),
    workbookPath: workbook,
    version: 'bench',
    platform: { shell: 'cli' },
  });
  const table = (await app.handlers['tables/list']({})).find((t) => t.name === 'Companies');
  if (!table) throw new Error('import did not create the table');
  const col = (name: string) => table.columns.find((c) => c.name === name)?.id as number;
  const fetchBlocks = async (label: string, view: ViewInput) => {
    let started = performance.now();
    const first = await app.handlers['rows/block']({ view, start: 0, end: 100 });
    const firstMs = performance.now() - started;
    const times: number[] = [];
    let seed = 3;
    for (let i = 0; i < 20; i++) {
      seed = (seed * 48271) % 2147483647;
      const start = Math.floor((seed / 2147483647) * Math.max(1, first.rowCount - 100));
      started = performance.now();
      await app.handlers['rows/block']({ view, start, end: start + 100 });
      times.push(performance.now() - started);
    }
    record({
      name: `${label}: first block (builds the view)`,
      value: Math.round(firstMs),
      unit: 'ms',
      note: `${first.rowCount} rows`,
    });
    record({
      name: `${label}: p95 of 20 random 100-row blocks`,
      value: round(p95(times), 2),
      unit: 'ms',
      target: '< 100 ms',
      pass: p95(times) < 100,
    });
  };
  await fetchBlocks('unsorted', { tableId: table.id });
  await fetchBlocks('sort by Company desc', {
    tableId: table.id,
    sort: [{ columnId: col('Company'), dir: 'desc' }],
  });
  await fetchBlocks('sort by Employees asc', {
    tableId: table.id,
    sort: [{ columnId: col('Employees'), dir: 'asc' }],
  });
  await fetchBlocks('filter Industry contains "tech"', {
    tableId: table.id,
    filter: { [`c${col('Industry')}`]: { filterType: 'text', type: 'contains', filter: 'tech' } },
  });
  await fetchBlocks('filter Employees > 25000, sort Founded', {
    tableId: table.id,
    filter: { [`c${col('Employees')}`]: { filterType: 'number', type: 'greaterThan', filter: 25_000 } },
    sort: [{ columnId: col('Founded'), dir: 'asc' }],
  });
  const rss = process.memoryUsage().rss;
  record({
    name: 'main-process RSS with the 1M-row table open',
    value: Math.round(rss / 2 ** 20),
    unit: 'MB',
    target: '< 300 MB',
    pass: rss < 300 * 2 ** 20,
    note: `${Math.round(rssBefore / 2 ** 20)} MB before opening`,
  });
  await app.close();

  // 3. Exports of the whole table through the CLI: time and peak RSS.
  for (const format of ['csv', 'xlsx']) {
    const out = join(DATA, `export.${format}`);
    rmSync(out, { force: true });
    const run = await timed(process.execPath, [
      CLI,
      'export',
      '--workbook',
      workbook,
      '--table',
      'Companies',
      '--out',
      out,
    ]);
    record({ name: `export ${format.toUpperCase()}: time`, value: Math.round(run.ms), unit: 'ms' });
    record({
      name: `export ${format.toUpperCase()}: peak RSS`,
      value: run.peakMb,
      unit: 'MB',
      note: `${round(statSync(out).size / 2 ** 20)} MiB file`,
    });
  }
}

/** Writes bench/results.json, keeping the figures of parts that did not run this time. */
function writeResults(): void {
  const file = join(ROOT, 'bench', 'results.json');
  const ran = new Set(results.map((r) => r.part));
  let kept: Result[] = [];
  let previous: { fileMiB?: number } = {};
  if (existsSync(file)) {
    previous = JSON.parse(readFileSync(file, 'utf8')) as { fileMiB?: number; results?: Result[] };
    kept = ((previous as { results?: Result[] }).results ?? [])
      .map((r) => ({ part: 'foundation', ...r }))
      .filter((r) => !ran.has(r.part));
  }
  const sqliteVersion = execFileSync('sqlite3', ['--version']).toString().split(' ')[0];
  const all = [...kept, ...results];
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), rows: ROWS, fileMiB: fileMiB ?? previous.fileMiB ?? null, node: process.version, sqlite3: sqliteVersion, cores: cpus().length, results: all }, null, 2)}\n`,
  );
  console.log('\nwrote bench/results.json');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
