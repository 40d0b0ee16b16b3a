import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ImportMapping } from '@shared/api';
import { columnKey, type ImportResult, type JobInfo } from '@shared/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app';

const SPECTRUM = resolve(__dirname, '../../../../shared/conformance/csv-spectrum');

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

function file(name: string, content: string | Buffer): string {
  const path = join(t.dir, name);
  writeFileSync(path, content);
  return t.app.files.register(path, 'import').fileId;
}

async function importAndWait(input: Parameters<TestApp['call']>[1] & object): Promise<JobInfo> {
  const { jobId } = await t.call('import/start', input as never);
  return t.app.jobs.wait(jobId);
}

async function readTable(tableId: number) {
  const table = await t.call('tables/get', { tableId });
  const { rows } = await t.call('rows/block', { view: { tableId }, start: 0, end: 1_000 });
  return rows.map((r) => Object.fromEntries(table.columns.map((c) => [c.name, r.cells[columnKey(c.id)]])));
}

describe('import into a new table', () => {
  it('creates typed columns and rows, and reports malformed lines without losing the rest', async () => {
    const fileId = file(
      'people.csv',
      'Name,Age,Joined\nAnn,31,2024-01-05\nBob,x,y,z\n"Cy, Jr",40,2023-12-31\n',
    );
    const preview = await t.call('import/preview', { fileId });
    expect(preview.headers).toEqual(['Name', 'Age', 'Joined']);
    expect(preview.guessedTypes).toEqual(['text', 'number', 'date']);
    const mapping: ImportMapping[] = preview.headers.map((name, source) => ({
      source,
      target: { kind: 'new', name, type: preview.guessedTypes[source] ?? 'text' },
    }));
    const job = await importAndWait({ fileId, target: { kind: 'new', name: 'People' }, mapping });
    expect(job.status).toBe('done');
    const result = job.result as ImportResult;
    expect(result).toMatchObject({ inserted: 2, skipped: 0, problemCount: 1 });
    expect(result.problems[0]).toEqual({ line: 3, reason: expect.stringContaining('4 fields') });
    expect(await readTable(result.tableId)).toEqual([
      { Name: 'Ann', Age: 31, Joined: '2024-01-05' },
      { Name: 'Cy, Jr', Age: 40, Joined: '2023-12-31' },
    ]);
  });

  it('imports every csv-spectrum file to exactly its JSON', async () => {
    // Two upstream fixture defects are covered (and explained) in conformance.test.ts.
    const defective = new Set(['newlines_crlf', 'location_coordinates']);
    const names = readdirSync(join(SPECTRUM, 'csvs'))
      .map((n) => n.replace(/\.csv$/, ''))
      .filter((n) => !defective.has(n));
    expect(names.length).toBeGreaterThanOrEqual(10);
    for (const name of names) {
      const fileId = file(`${name}.csv`, readFileSync(join(SPECTRUM, 'csvs', `${name}.csv`)));
      const preview = await t.call('import/preview', { fileId });
      const mapping: ImportMapping[] = preview.headers.map((header, source) => ({
        source,
        target: { kind: 'new', name: header, type: 'text' },
      }));
      const job = await importAndWait({ fileId, target: { kind: 'new', name: `spectrum ${name}` }, mapping });
      const result = job.result as ImportResult;
      expect(result.problemCount, name).toBe(0);
      const rows = (await readTable(result.tableId)).map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v ?? ''])),
      );
      expect(rows, name).toEqual(JSON.parse(readFileSync(join(SPECTRUM, 'json', `${name}.json`), 'utf8')));
    }
  });

  it('gives a clear error for a file that is not a table, and creates nothing', async () => {
    const fileId = file('report.csv', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n', 'latin1'));
    await expect(t.call('import/preview', { fileId })).rejects.toMatchObject({ code: 'not_a_table' });
    const job = await importAndWait({
      fileId,
      target: { kind: 'new', name: 'Report' },
      mapping: [{ source: 0, target: { kind: 'new', name: 'A', type: 'text' } }],
    });
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('not_a_table');
    expect((await t.call('tables/list', {})).map((x) => x.name)).toEqual(['Companies', 'Contacts']);
  });
});

describe('import into an existing table', () => {
  it('maps to existing columns and skips or merges rows by a key column', async () => {
    const [companies] = await t.call('tables/list', {});
    if (!companies) throw new Error('no Companies table');
    const col = (name: string) => companies.columns.find((c) => c.name === name)?.id as number;
    const first = file('a.csv', 'Company,Site\nAcme,acme.example\nGlobex,\n');
    const map = (sources: [number, string][]): ImportMapping[] =>
      sources.map(([source, name]) => ({ source, target: { kind: 'column', columnId: col(name) } }));
    await importAndWait({
      fileId: first,
      target: { kind: 'existing', tableId: companies.id },
      mapping: map([
        [0, 'Name'],
        [1, 'Website'],
      ]),
    });

    const second = file(
      'b.csv',
      'Company,Site\nGlobex,globex.example\nAcme,\nInitech,initech.example\nInitech,dupe.example\n',
    );
    const skip = await importAndWait({
      fileId: second,
      target: { kind: 'existing', tableId: companies.id },
      mapping: map([
        [0, 'Name'],
        [1, 'Website'],
      ]),
      key: { source: 0, onDuplicate: 'skip' },
    });
    expect(skip.result).toMatchObject({ inserted: 1, skipped: 3, updated: 0 });

    const merge = await importAndWait({
      fileId: second,
      target: { kind: 'existing', tableId: companies.id },
      mapping: map([
        [0, 'Name'],
        [1, 'Website'],
      ]),
      key: { source: 0, onDuplicate: 'merge' },
    });
    expect(merge.result).toMatchObject({ inserted: 0, updated: 4 });
    const rows = await readTable(companies.id);
    expect(rows.map((r) => [r.Name, r.Website])).toEqual([
      ['Acme', 'acme.example'], // a blank in the file never erases a value
      ['Globex', 'globex.example'],
      ['Initech', 'dupe.example'],
    ]);
  });

  it('leaves the table exactly as it was when the import is cancelled', async () => {
    const lines = ['Name'];
    for (let i = 0; i < 200_000; i++) lines.push(`Company ${i}`);
    const fileId = file('big.csv', lines.join('\n'));
    const [companies] = await t.call('tables/list', {});
    const nameCol = companies?.columns[0]?.id as number;
    const { jobId } = await t.call('import/start', {
      fileId,
      target: { kind: 'existing', tableId: companies?.id as number },
      mapping: [{ source: 0, target: { kind: 'column', columnId: nameCol } }],
    });
    await new Promise<void>((resolveProgress) => {
      const off = t.app.events.subscribe((event) => {
        if (event === 'job/progress') {
          off();
          resolveProgress();
        }
      });
    });
    await t.call('jobs/cancel', { jobId });
    const job = await t.app.jobs.wait(jobId);
    expect(job.status).toBe('cancelled');
    const { rowCount } = await t.call('rows/count', { view: { tableId: companies?.id as number } });
    expect(rowCount).toBe(0);
  });

  it('keeps the UI responsive and reading the old state while an import writes', async () => {
    const lines = ['Name'];
    for (let i = 0; i < 300_000; i++) lines.push(`Company ${i}`);
    const fileId = file('big.csv', lines.join('\n'));
    const table = await t.call('tables/create', { name: 'Live' });
    const nameCol = table.columns[0]?.id as number;
    await t.call('rows/insert', { tableId: table.id, values: { [columnKey(nameCol)]: 'existing' } });
    const { jobId } = await t.call('import/start', {
      fileId,
      target: { kind: 'existing', tableId: table.id },
      mapping: [{ source: 0, target: { kind: 'column', columnId: nameCol } }],
    });
    let readsDuringImport = 0;
    let busyEdits = 0;
    const finished = t.app.jobs.wait(jobId);
    let done = false;
    void finished.then(() => {
      done = true;
    });
    while (!done) {
      const { rowCount } = await t.call('rows/count', { view: { tableId: table.id } });
      if (!done) {
        expect(rowCount).toBe(1);
        readsDuringImport++;
        const edit = await t
          .call('rows/update-cell', { tableId: table.id, rowId: 1, columnId: nameCol, value: 'edited' })
          .catch((e: { code: string }) => e);
        if ('code' in edit && edit.code === 'busy') busyEdits++;
      }
      await new Promise((r) => setImmediate(r));
    }
    expect(readsDuringImport).toBeGreaterThan(0);
    expect(busyEdits).toBeGreaterThan(0);
    const job = await finished;
    expect(job.result).toMatchObject({ inserted: 300_000 });
    const { rowCount } = await t.call('rows/count', { view: { tableId: table.id } });
    expect(rowCount).toBe(300_001);
  });

  it('refuses a second import while one is writing, with a clear reason', async () => {
    const lines = ['Name'];
    for (let i = 0; i < 300_000; i++) lines.push(`Company ${i}`);
    const big = file('big.csv', lines.join('\n'));
    const small = file('small.csv', 'Name\nAcme\n');
    const table = await t.call('tables/create', { name: 'Twice' });
    const mapping: ImportMapping[] = [
      { source: 0, target: { kind: 'column', columnId: table.columns[0]?.id as number } },
    ];
    const first = await t.call('import/start', {
      fileId: big,
      target: { kind: 'existing', tableId: table.id },
      mapping,
    });
    await new Promise<void>((resolveProgress) => {
      const off = t.app.events.subscribe((event) => {
        if (event === 'job/progress') {
          off();
          resolveProgress();
        }
      });
    });
    const second = await importAndWait({
      fileId: small,
      target: { kind: 'existing', tableId: table.id },
      mapping,
    });
    expect(second.status).toBe('failed');
    expect(second.error).toMatchObject({ code: 'busy', message: expect.stringContaining('Another import') });
    expect((await t.app.jobs.wait(first.jobId)).result).toMatchObject({ inserted: 300_000 });
  });
});
