// The CSV import worker as the built app runs it: bundled (here with esbuild, as
// electron-vite does for out/main/import-worker.js) and driven by the import service.
// Every import is run twice, through the worker and in-thread, and must give the same
// table to the last value and type, the same counts and the same reported problems.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ImportMapping } from '@shared/api';
import type { ColumnType } from '@shared/model';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CSV_WORKER_FILE, findCsvWorker } from '../../../src/main/import/csv-pipeline';
import { type ImportHooks, ImportService } from '../../../src/main/import/import-service';
import { openTableSource } from '../../../src/main/import/source';
import { configureLogging } from '../../../src/main/logger';
import { rowsTable } from '../../../src/main/workbook/schema';
import { startTestApp, type TestApp } from '../../helpers/app';
import { tempDir } from '../../helpers/temp';

const ROOT = resolve(__dirname, '../../..');
let bundle: { path: string; cleanup(): void };
let workerPath: string;

beforeAll(async () => {
  bundle = tempDir('rowsmith-csv-worker-');
  workerPath = join(bundle.path, CSV_WORKER_FILE);
  await build({
    entryPoints: [join(ROOT, 'src', 'main', 'import', 'csv-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: workerPath,
    packages: 'external',
    nodePaths: [join(ROOT, 'node_modules')],
    alias: { '@shared': join(ROOT, 'src', 'shared') },
    logLevel: 'error',
  });
});
afterAll(() => bundle.cleanup());

let t: TestApp;
/** Warnings logged during a test: a worker that silently fell back to in-thread would warn. */
let warnings: string[];
beforeEach(async () => {
  t = await startTestApp();
  warnings = [];
  configureLogging({
    level: 'warn',
    sinks: [(level, _scope, message) => level === 'warn' && warnings.push(message)],
  });
});
afterEach(async () => {
  configureLogging({
    level: 'error',
    sinks: [(level, scope, message) => process.stderr.write(`${level} [${scope}] ${message}\n`)],
  });
  await t.close();
});

const TYPES: ColumnType[] = ['text', 'number', 'boolean', 'date', 'url', 'email', 'phone', 'json'];

/** A CSV over several read chunks with every column type, quotes, blanks and bad lines. */
function mixedCsv(rows: number): string {
  const lines = ['Name,Amount,Active,Day,Site,Mail,Phone,Data'];
  for (let i = 1; i <= rows; i++) {
    const name =
      i % 7 === 0
        ? `"Firm ${i}, ""quoted""\r\nsecond line"`
        : i % 11 === 0
          ? `Zoë ${i} 😀 Ünïcode`
          : `Firm ${i}`;
    const amount = i % 13 === 0 ? 'n/a' : i % 17 === 0 ? '' : i % 19 === 0 ? '"1,500"' : String(i * 1.25);
    const active = ['yes', 'no', 'maybe', '', 'TRUE', '0'][i % 6];
    const day = ['2024-01-05', '31.12.2023', 'soon', '', '5 March 2021'][i % 5];
    const site = i % 3 === 0 ? ` firm${i}.example ` : `https://firm${i}.example/path`;
    const phone = i % 4 === 0 ? '' : `+44 20 7946 ${String(i % 10_000).padStart(4, '0')}`;
    const data = i % 9 === 0 ? '"{""a"": 1}"' : i % 10 === 0 ? 'not json' : '[1,2]';
    lines.push(`${name},${amount},${active},${day},${site},info@firm${i}.example,${phone},${data}`);
    if (i % 5_000 === 0) lines.push('', 'too,many,fields,a,b,c,d,e,f,g'); // a blank line and a bad one
  }
  lines.push('"never closed,1,yes,,,,,');
  return `${lines.join('\r\n')}\r\n`;
}

function writeFile(name: string, content: string | Buffer): string {
  const path = join(t.dir, name);
  writeFileSync(path, content);
  return path;
}

/** Imports `path` into a new table through the given worker (null: in-thread); returns what a user would see. */
async function importWith(
  csvWorker: string | null,
  path: string,
  tableName: string,
  hooks: ImportHooks = {},
) {
  const source = await openTableSource(path, { fileName: 'data.csv', hasHeader: true });
  const mapping: ImportMapping[] = source.headers.map((name, i) => ({
    source: i,
    target: { kind: 'new', name, type: TYPES[i] ?? 'text' },
  }));
  const service = new ImportService(t.app.workbook, t.app.tables, t.app.rows, { csvWorker });
  const result = await service.run(
    { path, fileName: 'data.csv', hasHeader: true, target: { kind: 'new', name: tableName }, mapping },
    hooks,
  );
  return { result, rows: storedRows(result.tableId) };
}

/** Every stored value with its SQLite type (quote() tells 27114.0 from 27114 and '27114'). */
function storedRows(tableId: number): string[][] {
  const table = rowsTable(tableId);
  const columns = (
    t.app.workbook.conn.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]
  ).map((c) => `quote(${c.name})`);
  return t.app.workbook.conn
    .prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY id`)
    .raw()
    .all() as string[][];
}

describe('finding the worker bundle', () => {
  it('looks beside the calling bundle and one folder up (shared chunks), and gives null from sources', () => {
    expect(findCsvWorker(bundle.path)).toBe(workerPath);
    expect(findCsvWorker(join(bundle.path, 'chunks'))).toBe(workerPath);
    expect(findCsvWorker(join(ROOT, 'src', 'main', 'import'))).toBeNull();
  });
});

describe('importing through the worker', () => {
  it('stores exactly what the in-thread import stores, with the same counts and problems', async () => {
    const path = writeFile('mixed.csv', mixedCsv(40_000));
    const viaWorker = await importWith(workerPath, path, 'Via worker');
    const inThread = await importWith(null, path, 'In thread');
    expect(viaWorker.result.inserted).toBe(40_000);
    expect(viaWorker.result.problemCount).toBe(9);
    expect(viaWorker.result.problems.at(-1)).toMatchObject({ reason: 'unterminated quote' });
    expect({ ...viaWorker.result, tableId: 0 }).toEqual({ ...inThread.result, tableId: 0 });
    expect(viaWorker.rows).toEqual(inThread.rows);
    expect(warnings).toEqual([]); // the worker really ran
    // Spot checks that the conversions really happened (the same on both paths).
    expect(viaWorker.rows[6]?.slice(1, 3)).toEqual(['\'Firm 7, "quoted"\r\nsecond line\'', '8.75']);
    expect(viaWorker.rows[12]?.[2]).toBe("'n/a'");
  });

  it('switches a guessed UTF-8 file to Windows-1252 inside the worker, as in-thread', async () => {
    const ascii = Array.from(
      { length: 40_000 },
      (_, i) => `Firm ${i},${i},yes,2024-01-05,a.example,a@b.example,1,1`,
    );
    const bytes = Buffer.concat([
      Buffer.from(`Name,Amount,Active,Day,Site,Mail,Phone,Data\n${ascii.join('\n')}\n`, 'latin1'),
      Buffer.from('Caf\xe9 \x80,1,no,,,,,\n', 'latin1'),
    ]);
    expect(bytes.length).toBeGreaterThan(1 << 20);
    const path = writeFile('cp1252.csv', bytes);
    const viaWorker = await importWith(workerPath, path, 'Via worker');
    const inThread = await importWith(null, path, 'In thread');
    expect(viaWorker.rows).toEqual(inThread.rows);
    expect(viaWorker.rows.at(-1)?.[1]).toBe("'Café €'");
    expect(warnings).toEqual([]);
  });

  it('reports progress up to the file size and stops the worker when cancelled, leaving nothing behind', async () => {
    const path = writeFile('big.csv', mixedCsv(60_000));
    const seen: number[] = [];
    const done = await importWith(workerPath, path, 'Progress', {
      onProgress: (p) => seen.push(p.processed),
    });
    expect(done.result.inserted).toBe(60_000);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(
      (await openTableSource(path, { fileName: 'big.csv', hasHeader: true })).sizeBytes,
    );

    const tablesBefore = (await t.call('tables/list', {})).map((x) => x.name);
    const controller = new AbortController();
    const cancelled = importWith(workerPath, path, 'Cancelled', {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    expect((await t.call('tables/list', {})).map((x) => x.name)).toEqual(tablesBefore);
  });

  it('imports in-thread, with a warning, when the worker cannot start', async () => {
    const broken = join(bundle.path, 'broken-worker.js');
    writeFileSync(broken, "throw new Error('worker exploded');\n");
    const path = writeFile('mixed.csv', mixedCsv(3_000));
    const viaBroken = await importWith(broken, path, 'Broken worker');
    expect(warnings).toEqual([expect.stringContaining('failed to start; parsing in-thread')]);
    const viaWorker = await importWith(workerPath, path, 'Via worker');
    expect(warnings).toHaveLength(1); // the real worker started
    expect(viaBroken.rows).toEqual(viaWorker.rows);
  });

  it('fails the import cleanly when the worker dies mid-file, leaving the table as it was', async () => {
    // A worker that sends one batch of garbage and then crashes.
    const dying = join(bundle.path, 'dying-worker.js');
    writeFileSync(
      dying,
      [
        "const { parentPort } = require('node:worker_threads');",
        "parentPort.once('message', () => {",
        "  parentPort.postMessage({ type: 'batch', batch: { rows: 0, text: '', ends: new Int32Array(0), numbers: new Float64Array(0), bytesRead: 10, problems: [], problemCount: 0 } });",
        "  setTimeout(() => { throw new Error('worker died'); }, 20);",
        '});',
      ].join('\n'),
    );
    const path = writeFile('small.csv', 'Name\nAcme\n');
    const tablesBefore = (await t.call('tables/list', {})).map((x) => x.name);
    await expect(importWith(dying, path, 'Dying')).rejects.toThrow('worker died');
    expect((await t.call('tables/list', {})).map((x) => x.name)).toEqual(tablesBefore);
  });
});
