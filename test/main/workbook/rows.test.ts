import { type ColumnFilter, columnKey, type TableInfo, type ViewInput } from '@shared/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkbook } from '../../../src/main/workbook/database';
import { startTestApp, type TestApp } from '../../helpers/app';

let t: TestApp;
let table: TableInfo;
let name: number;
let score: number;
let joined: number;
let active: number;
interface Expected {
  id: number;
  name: string;
  score: number | null;
  joined: string;
  active: boolean;
}
const expected: Expected[] = [];
const N = 5_000;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

beforeEach(async () => {
  t = await startTestApp();
  table = await t.call('tables/create', { name: 'People' });
  name = table.columns[0]?.id as number;
  score = (await t.call('columns/add', { tableId: table.id, name: 'Score', type: 'number' })).id;
  joined = (await t.call('columns/add', { tableId: table.id, name: 'Joined', type: 'date' })).id;
  active = (await t.call('columns/add', { tableId: table.id, name: 'Active', type: 'boolean' })).id;
  const insert = t.app.workbook.conn.prepare(
    `INSERT INTO rows_${table.id} (id, c${name}, c${score}, c${joined}, c${active}) VALUES (?, ?, ?, ?, ?)`,
  );
  expected.length = 0;
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  t.app.workbook.conn.transaction(() => {
    for (let id = 1; id <= N; id++) {
      const row: Expected = {
        id,
        name: `${['alice', 'Bob', 'carol', 'Dave'][Math.floor(rand() * 4)]} ${Math.floor(rand() * 1000)}`,
        score: rand() < 0.1 ? null : Math.floor(rand() * 500) - 100,
        joined: `2026-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-15`,
        active: rand() < 0.5,
      };
      expected.push(row);
      insert.run(id, row.name, row.score, row.joined, row.active ? 1 : 0);
    }
  })();
  t.app.rows.changed(table.id);
});
afterEach(async () => {
  await t.close();
});

async function allIds(view: ViewInput): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; ; start += 700) {
    const { rows, rowCount } = await t.call('rows/block', { view, start, end: start + 700 });
    ids.push(...rows.map((r) => r.id));
    if (start + 700 >= rowCount) return ids;
  }
}

describe('row blocks', () => {
  it('returns any block of the unsorted table with the total count', async () => {
    const { rows, rowCount } = await t.call('rows/block', {
      view: { tableId: table.id },
      start: 4_950,
      end: 5_050,
    });
    expect(rowCount).toBe(N);
    expect(rows.map((r) => r.id)).toEqual(expected.slice(4_950).map((r) => r.id));
    expect(rows[0]?.cells[columnKey(active)]).toBe(expected[4_950]?.active);
  });

  it('sorts numbers numerically with blanks first, ties in row order, both directions', async () => {
    const asc = await allIds({ tableId: table.id, sort: [{ columnId: score, dir: 'asc' }] });
    const want = [...expected]
      .sort((a, b) => (a.score ?? -Infinity) - (b.score ?? -Infinity) || a.id - b.id)
      .map((r) => r.id);
    expect(asc).toEqual(want);
    const desc = await allIds({ tableId: table.id, sort: [{ columnId: score, dir: 'desc' }] });
    expect(desc).toEqual([...want].reverse());
  });

  it('sorts text case-insensitively with a second sort key', async () => {
    const ids = await allIds({
      tableId: table.id,
      sort: [
        { columnId: name, dir: 'asc' },
        { columnId: score, dir: 'desc' },
      ],
    });
    const want = [...expected]
      .sort(
        (a, b) =>
          cmp(a.name.toLowerCase(), b.name.toLowerCase()) ||
          (b.score ?? -Infinity) - (a.score ?? -Infinity) ||
          a.id - b.id,
      )
      .map((r) => r.id);
    expect(ids).toEqual(want);
  });

  it('filters with AG Grid text, number, date and boolean filter models, plus search', async () => {
    const cases: [Record<string, ColumnFilter>, string, (r: Expected) => boolean][] = [
      [
        { [columnKey(name)]: { filterType: 'text', type: 'contains', filter: 'BOB' } },
        '',
        (r) => /bob/i.test(r.name),
      ],
      [
        { [columnKey(name)]: { filterType: 'text', type: 'startsWith', filter: 'a' } },
        '',
        (r) => /^a/i.test(r.name),
      ],
      [
        { [columnKey(score)]: { filterType: 'number', type: 'inRange', filter: 10, filterTo: 50 } },
        '',
        (r) => r.score !== null && r.score >= 10 && r.score <= 50,
      ],
      [{ [columnKey(score)]: { filterType: 'number', type: 'blank' } }, '', (r) => r.score === null],
      [
        {
          [columnKey(score)]: {
            filterType: 'number',
            operator: 'OR',
            conditions: [
              { filterType: 'number', type: 'lessThan', filter: -50 },
              { filterType: 'number', type: 'greaterThan', filter: 350 },
            ],
          },
        },
        '',
        (r) => r.score !== null && (r.score < -50 || r.score > 350),
      ],
      [
        { [columnKey(joined)]: { filterType: 'date', type: 'greaterThan', dateFrom: '2026-06-30 00:00:00' } },
        '',
        (r) => r.joined > '2026-06-30',
      ],
      [{ [columnKey(active)]: { filterType: 'text', type: 'equals', filter: 'true' } }, '', (r) => r.active],
      [{}, 'carol 1', (r) => r.name.toLowerCase().includes('carol 1')],
      [{ [columnKey(name)]: { filterType: 'text', type: 'contains', filter: '%' } }, '', () => false],
    ];
    for (const [filter, search, predicate] of cases) {
      const ids = await allIds({ tableId: table.id, filter, search });
      expect(ids, JSON.stringify(filter) + search).toEqual(expected.filter(predicate).map((r) => r.id));
    }
  });

  it('deletes selected rows, or every row in the filter except the unticked ones', async () => {
    const view = {
      tableId: table.id,
      filter: {
        [columnKey(name)]: { filterType: 'text' as const, type: 'contains' as const, filter: 'dave' },
      },
    };
    const daves = expected.filter((r) => /dave/i.test(r.name)).map((r) => r.id);
    const keep = daves.slice(0, 3);
    const { deleted } = await t.call('rows/delete', {
      tableId: table.id,
      selection: { kind: 'view', view, exceptIds: keep },
    });
    expect(deleted).toBe(daves.length - 3);
    expect(await allIds(view)).toEqual(keep);
    await t.call('rows/delete', { tableId: table.id, selection: { kind: 'ids', ids: [1, 2] } });
    const { rowCount } = await t.call('rows/count', { view: { tableId: table.id } });
    expect(rowCount).toBe(
      N - (daves.length - 3) - [1, 2].filter((id) => !daves.includes(id) || keep.includes(id)).length,
    );
  });
});

describe('cell edits', () => {
  it('persists an edit at once (visible after reopening the file)', async () => {
    await t.call('rows/update-cell', { tableId: table.id, rowId: 7, columnId: score, value: '1,234' });
    const { row } = await t.call('rows/update-cell', {
      tableId: table.id,
      rowId: 7,
      columnId: name,
      value: 'Zoë',
    });
    expect(row.cells[columnKey(score)]).toBe(1234);
    const path = t.app.workbook.path;
    await t.app.close();
    const reopened = await openWorkbook(path);
    const stored = reopened.conn
      .prepare(`SELECT c${name} AS n, c${score} AS s FROM rows_${table.id} WHERE id = 7`)
      .get();
    expect(stored).toEqual({ n: 'Zoë', s: 1234 });
    await reopened.close();
    t = await startTestApp(); // afterEach closes a fresh one
  });

  it('rejects a value that does not fit the column type with a clear message', async () => {
    await expect(
      t.call('rows/update-cell', { tableId: table.id, rowId: 1, columnId: score, value: 'lots' }),
    ).rejects.toMatchObject({ code: 'invalid_value', message: '“lots” is not a number.' });
    await expect(
      t.call('rows/update-cell', { tableId: table.id, rowId: 1, columnId: joined, value: 'someday' }),
    ).rejects.toMatchObject({ code: 'invalid_value' });
    await expect(
      t.call('rows/update-cell', { tableId: table.id, rowId: 99_999, columnId: name, value: 'x' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});
