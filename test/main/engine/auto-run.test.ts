// Auto-run columns: new and changed rows go through them by themselves, only when the
// changed column is one they read, and never past the column's credit cap.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { columnKey, type TableInfo } from '@shared/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HttpFake, startHttpFake } from '../../fakes/http-fake';
import { startTestApp, type TestApp } from '../../helpers/app';

let t: TestApp;
let fake: HttpFake;
let table: TableInfo;
let nameColumn: number;
let noteColumn: number;

beforeEach(async () => {
  t = await startTestApp({ engine: { concurrency: 4, timeoutMs: 5_000 } });
  fake = await startHttpFake({
    handler: (req) => {
      const name = new URL(req.url, 'http://x').searchParams.get('name') ?? '';
      return { status: 200, body: JSON.stringify({ length: name.length }) };
    },
  });
  table = await t.call('tables/create', { name: 'People' });
  nameColumn = table.columns[0]?.id as number;
  noteColumn = (await t.call('columns/add', { tableId: table.id, name: 'Note', type: 'text' })).id;
});
afterEach(async () => {
  await t.close();
  await fake.close();
});

async function addAutoColumn(creditCap: number | null) {
  return t.call('enrichments/add', {
    tableId: table.id,
    name: 'Name length',
    config: {
      actionId: 'http.request',
      options: {
        method: 'GET',
        url: `${fake.url}/len?name={{Name}}`,
        outputs: [{ key: 'length', path: 'length' }],
        ratePerSecond: 1000,
      },
      outputs: [{ key: 'length', name: 'Length', type: 'number' }],
      autoRun: true,
      creditCap,
    },
  });
}

const cell = async (rowId: number, columnId: number) =>
  (await t.call('rows/get', { tableId: table.id, rowIds: [rowId] })).rows[0]?.cells[columnKey(columnId)];

describe('auto-run', () => {
  it('needs a credit cap', async () => {
    await expect(addAutoColumn(null)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('runs a new row, and an edited input again, but not an edit of a column it does not read', async () => {
    const enrichment = await addAutoColumn(100);
    const length = enrichment.columns.length as number;
    const { row } = await t.call('rows/insert', {
      tableId: table.id,
      values: { [columnKey(nameColumn)]: 'Ada' },
    });
    await t.app.engine.idle();
    expect(await cell(row.id, length)).toBe(3);

    await t.call('rows/update-cell', {
      tableId: table.id,
      rowId: row.id,
      columnId: nameColumn,
      value: 'Grace',
    });
    await t.app.engine.idle();
    expect(await cell(row.id, length)).toBe(5);
    expect(fake.requests).toBe(2);

    await t.call('rows/update-cell', { tableId: table.id, rowId: row.id, columnId: noteColumn, value: 'hi' });
    await t.app.engine.idle();
    expect(fake.requests).toBe(2);
    const runs = await t.call('runs/list', {});
    expect(runs.map((r) => r.trigger)).toEqual(['auto', 'auto']);
    expect(runs[0]).toMatchObject({ name: 'Name length', done: 1, credits: 1 });
  });

  it('runs the rows an import adds to the table', async () => {
    const enrichment = await addAutoColumn(1_000);
    const file = join(t.dir, 'people.csv');
    writeFileSync(file, 'Name\nAlan\nBarbara\nClaude\n');
    const fileId = t.app.files.register(file, 'import').fileId;
    const { jobId } = await t.call('import/start', {
      fileId,
      target: { kind: 'existing', tableId: table.id },
      mapping: [{ source: 0, target: { kind: 'column', columnId: nameColumn } }],
    });
    await t.app.jobs.wait(jobId);
    await t.app.engine.idle();
    const { rows } = await t.call('rows/block', { view: { tableId: table.id }, start: 0, end: 10 });
    expect(rows.map((r) => r.cells[columnKey(enrichment.columns.length as number)])).toEqual([4, 7, 6]);
    expect(rows.every((r) => r.runs?.[String(enrichment.id)]?.status === 'done')).toBe(true);
  });

  it('never spends past the credit cap, and says so on the rows it left', async () => {
    const enrichment = await addAutoColumn(3);
    const ids: number[] = [];
    for (const name of ['a', 'bb', 'ccc', 'dddd', 'eeeee']) {
      const { row } = await t.call('rows/insert', {
        tableId: table.id,
        values: { [columnKey(nameColumn)]: name },
      });
      ids.push(row.id);
    }
    await t.app.engine.idle();
    expect(fake.requests).toBe(3);
    const credits = t.app.workbook.conn
      .prepare('SELECT COALESCE(SUM(credits), 0) FROM credit_ledger')
      .pluck()
      .get();
    expect(credits).toBe(3);
    const states = (await t.call('rows/get', { tableId: table.id, rowIds: ids })).rows.map(
      (r) => r.runs?.[String(enrichment.id)],
    );
    expect(states.filter((s) => s?.status === 'done')).toHaveLength(3);
    const left = states.filter((s) => s?.status === 'out_of_credits');
    expect(left).toHaveLength(2);
    expect(left[0]?.error).toMatch(/credit cap/);
  });

  it('keeps rows that arrive during a run for the next run of the column', async () => {
    fake.setLatency(100);
    const enrichment = await addAutoColumn(100);
    const first = await t.call('rows/insert', {
      tableId: table.id,
      values: { [columnKey(nameColumn)]: 'x' },
    });
    await fake.waitFor(() => fake.inFlight === 1);
    const second = await t.call('rows/insert', {
      tableId: table.id,
      values: { [columnKey(nameColumn)]: 'yy' },
    });
    await t.app.engine.idle();
    const rows = (await t.call('rows/get', { tableId: table.id, rowIds: [first.row.id, second.row.id] }))
      .rows;
    expect(rows.map((r) => r.cells[columnKey(enrichment.columns.length as number)])).toEqual([1, 2]);
    expect((await t.call('runs/list', {})).length).toBe(2);
  });
});
