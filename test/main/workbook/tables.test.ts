import { isAppError } from '@shared/errors';
import { columnKey } from '@shared/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('a new workbook', () => {
  it('starts with linked Companies and Contacts tables', async () => {
    const tables = await t.call('tables/list', {});
    expect(tables.map((x) => [x.name, x.kind])).toEqual([
      ['Companies', 'companies'],
      ['Contacts', 'contacts'],
    ]);
    const contacts = tables[1];
    const link = contacts?.columns.find((c) => c.system === 'company_link');
    expect(link?.name).toBe('Company');
  });

  it('links a contact to a company and clears the link when the company is deleted', async () => {
    const [companies, contacts] = await t.call('tables/list', {});
    if (!companies || !contacts) throw new Error('missing tables');
    const nameCol = companies.columns[0]?.id as number;
    const link = contacts.columns.find((c) => c.system)?.id as number;
    const { row: acme } = await t.call('rows/insert', {
      tableId: companies.id,
      values: { [columnKey(nameCol)]: 'Acme' },
    });
    const { row: ann } = await t.call('rows/insert', { tableId: contacts.id, values: {} });
    await t.call('rows/update-cell', { tableId: contacts.id, rowId: ann.id, columnId: link, value: acme.id });
    await expect(
      t.call('rows/update-cell', { tableId: contacts.id, rowId: ann.id, columnId: link, value: 999 }),
    ).rejects.toMatchObject({ code: 'invalid_value' });
    await t.call('rows/delete', { tableId: companies.id, selection: { kind: 'ids', ids: [acme.id] } });
    const { rows } = await t.call('rows/block', { view: { tableId: contacts.id }, start: 0, end: 10 });
    expect(rows[0]?.cells[columnKey(link)]).toBeNull();
  });

  it('refuses to delete the linked tables or to delete/retype the link column', async () => {
    const [companies, contacts] = await t.call('tables/list', {});
    await expect(t.call('tables/delete', { tableId: companies?.id as number })).rejects.toMatchObject({
      code: 'forbidden',
    });
    const link = contacts?.columns.find((c) => c.system)?.id as number;
    await expect(t.call('columns/delete', { columnId: link })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(t.call('columns/update', { columnId: link, type: 'text' })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});

describe('tables and columns', () => {
  it('creates, renames and deletes tables, refusing duplicate names', async () => {
    const leads = await t.call('tables/create', { name: 'Leads' });
    expect(leads.columns.map((c) => c.name)).toEqual(['Name']);
    await expect(t.call('tables/create', { name: 'leads' })).rejects.toMatchObject({ code: 'conflict' });
    const renamed = await t.call('tables/rename', { tableId: leads.id, name: 'Prospects' });
    expect(renamed.name).toBe('Prospects');
    await t.call('tables/delete', { tableId: leads.id });
    expect((await t.call('tables/list', {})).map((x) => x.name)).toEqual(['Companies', 'Contacts']);
  });

  it('adds, renames, hides, reorders and deletes columns', async () => {
    const table = await t.call('tables/create', { name: 'Leads' });
    const score = await t.call('columns/add', { tableId: table.id, name: 'Score', type: 'number' });
    const city = await t.call('columns/add', { tableId: table.id, name: 'City', type: 'text' });
    await expect(
      t.call('columns/add', { tableId: table.id, name: 'city', type: 'text' }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    await t.call('columns/update', { columnId: city.id, name: 'Town', hidden: true, width: 180 });
    const nameId = table.columns[0]?.id as number;
    const reordered = await t.call('columns/reorder', {
      tableId: table.id,
      columnIds: [city.id, nameId, score.id],
    });
    expect(reordered.columns.map((c) => [c.name, c.hidden, c.width])).toEqual([
      ['Town', true, 180],
      ['Name', false, null],
      ['Score', false, null],
    ]);
    await t.call('columns/delete', { columnId: score.id });
    expect((await t.call('tables/get', { tableId: table.id })).columns.map((c) => c.name)).toEqual([
      'Town',
      'Name',
    ]);
  });

  it('retypes a column, converting what fits and keeping the rest as text', async () => {
    const table = await t.call('tables/create', { name: 'Leads' });
    const nameId = table.columns[0]?.id as number;
    for (const value of ['12', '3.5', 'n/a', '', '1,200']) {
      await t.call('rows/insert', { tableId: table.id, values: { [columnKey(nameId)]: value } });
    }
    const { column, unconverted } = await t.call('columns/update', { columnId: nameId, type: 'number' });
    expect(column.type).toBe('number');
    expect(unconverted).toBe(1);
    const { rows } = await t.call('rows/block', { view: { tableId: table.id }, start: 0, end: 10 });
    expect(rows.map((r) => r.cells[columnKey(nameId)])).toEqual([12, 3.5, 'n/a', null, 1200]);
  });

  it('drops a sorted (indexed) column without error', async () => {
    const table = await t.call('tables/create', { name: 'Big' });
    const col = table.columns[0]?.id as number;
    const insert = t.app.workbook.conn.prepare(`INSERT INTO rows_${table.id} (c${col}) VALUES (?)`);
    t.app.workbook.conn.transaction(() => {
      for (let i = 0; i < 25_000; i++) insert.run(`v${i}`);
    })();
    t.app.rows.changed(table.id);
    await t.call('rows/block', {
      view: { tableId: table.id, sort: [{ columnId: col, dir: 'asc' }] },
      start: 0,
      end: 5,
    });
    const extra = await t.call('columns/add', { tableId: table.id, name: 'Extra', type: 'text' });
    expect(extra.name).toBe('Extra');
    await t.call('columns/delete', { columnId: col });
    expect((await t.call('tables/get', { tableId: table.id })).columns.map((c) => c.name)).toEqual(['Extra']);
  });
});

describe('the handler map', () => {
  it('rejects input that fails the channel schema with invalid_input', async () => {
    const bad: [string, unknown][] = [
      ['tables/create', { name: '' }],
      ['tables/get', { tableId: -1 }],
      ['rows/block', { view: { tableId: 1 }, start: 'a', end: 10 }],
      ['columns/add', { tableId: 1, name: 'X', type: 'spreadsheet' }],
      ['app/info', { extra: true }],
    ];
    for (const [channel, input] of bad) {
      const handler = t.app.handlers[channel as 'tables/create'];
      const error = await handler(input).catch((e: unknown) => e);
      expect(isAppError(error, 'invalid_input'), `${channel} should reject ${JSON.stringify(input)}`).toBe(
        true,
      );
    }
  });
});

describe('every channel', () => {
  it('rejects input that fails its schema before any logic runs', async () => {
    const { CHANNELS } = await import('@shared/api');
    for (const channel of CHANNELS) {
      for (const input of [42, 'x', [1], { unexpected: { nested: true }, tableId: 'one' }]) {
        const error = await t.app.handlers[channel](input).catch((e: unknown) => e);
        expect(isAppError(error, 'invalid_input'), `${channel} accepted ${JSON.stringify(input)}`).toBe(true);
      }
    }
  });
});
