import { join } from 'node:path';
import { AppError } from '@shared/errors';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type OpenSourceOptions,
  openTableSource,
  previewTableSource,
  type SourceRow,
} from '../../../src/main/import/source';
import { cellToString, excelDateToIso } from '../../../src/main/import/xlsx-reader';
import { tempDir } from '../../helpers/temp';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir('rowsmith-xlsx-');
});
afterEach(() => temp.cleanup());

/** A workbook like one a user exports: two sheets, typed cells, a sparse row. */
async function writeWorkbook(name = 'contacts.xlsx'): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const people = wb.addWorksheet('People');
  people.addRow([
    'Name',
    'Age',
    'Born',
    'Active',
    'Website',
    'Note',
    'Double age',
    'Check',
    'Last call',
    '  Name ',
  ]);
  people.addRow([
    'Ann',
    42,
    new Date(Date.UTC(1990, 4, 17)),
    true,
    { text: 'Acme', hyperlink: 'https://acme.com' },
    { richText: [{ text: 'Very ' }, { font: { bold: true }, text: 'important' }] },
    { formula: 'B2*2', result: 84 },
    { error: '#N/A' },
    new Date(Date.UTC(2024, 0, 2, 10, 30, 5)),
    'dup',
  ]);
  people.getCell('C2').numFmt = 'yyyy-mm-dd';
  people.getCell('I2').numFmt = 'yyyy-mm-dd hh:mm:ss';
  // Row 3 left out entirely; row 4 has only its first and fifth cells.
  people.getCell('A4').value = 'Bob';
  people.getCell('E4').value = 'bob.example.com';
  people.addRow(['Cy', 0.1, null, false]);
  const second = wb.addWorksheet('Second');
  second.addRow(['sku', 'qty']);
  second.addRow(['A-1', 3]);
  second.addRow(['A-2', 5, 'stray note']);
  const path = join(temp.path, name);
  await wb.xlsx.writeFile(path);
  return path;
}

async function readAll(path: string, opts: Partial<OpenSourceOptions> = {}) {
  const source = await openTableSource(path, { fileName: 'contacts.xlsx', hasHeader: true, ...opts });
  const rows: SourceRow[] = [];
  const problems: { line: number; reason: string }[] = [];
  for await (const batch of source.batches({ onProblem: (p) => problems.push(p) })) rows.push(...batch);
  return { source, rows, problems };
}

describe('XLSX import', () => {
  it('reads the first sheet with cells as the user sees them, sparse rows padded', async () => {
    const { source, rows, problems } = await readAll(await writeWorkbook());
    expect(source.format).toBe('xlsx');
    expect(source.encoding).toBeNull();
    expect(source.delimiter).toBeNull();
    expect(source.sheets).toEqual(['People', 'Second']);
    expect(source.sheet).toBe('People');
    expect(source.headers).toEqual([
      'Name',
      'Age',
      'Born',
      'Active',
      'Website',
      'Note',
      'Double age',
      'Check',
      'Last call',
      'Name (2)',
    ]);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        fields: [
          'Ann',
          '42',
          '1990-05-17',
          'true',
          'Acme',
          'Very important',
          '84',
          '#N/A',
          '2024-01-02T10:30:05',
          'dup',
        ],
      },
      { line: 4, fields: ['Bob', '', '', '', 'bob.example.com', '', '', '', '', ''] },
      { line: 5, fields: ['Cy', '0.1', '', 'false', '', '', '', '', '', ''] },
    ]);
  });

  it('reads a chosen sheet, naming a data column that has no header', async () => {
    const { source, rows, problems } = await readAll(await writeWorkbook(), { sheet: 'Second' });
    expect(source.sheet).toBe('Second');
    expect(source.headers).toEqual(['sku', 'qty', 'Column 3']);
    expect(rows).toEqual([
      { line: 2, fields: ['A-1', '3', ''] },
      { line: 3, fields: ['A-2', '5', 'stray note'] },
    ]);
    expect(problems).toEqual([]);
  });

  it('reports a row with data beyond the columns seen in the first 1,000 rows, and imports the rest', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Data');
    sheet.addRow(['id', 'name']);
    for (let i = 1; i <= 1_200; i++) sheet.addRow(i === 1_100 ? [i, 'wide', 'extra'] : [i, `n${i}`]);
    const path = join(temp.path, 'wide.xlsx');
    await wb.xlsx.writeFile(path);
    const { source, rows, problems } = await readAll(path);
    expect(source.headers).toEqual(['id', 'name']);
    expect(problems).toEqual([{ line: 1_101, reason: 'data in 3 columns, expected 2' }]);
    expect(rows).toHaveLength(1_199);
  });

  it('numbers the columns of a sheet without a header row', async () => {
    const { source, rows } = await readAll(await writeWorkbook(), { sheet: 'Second', hasHeader: false });
    expect(source.headers).toEqual(['Column 1', 'Column 2', 'Column 3']);
    expect(rows.map((r) => r.fields)).toEqual([
      ['sku', 'qty', ''],
      ['A-1', '3', ''],
      ['A-2', '5', 'stray note'],
    ]);
  });

  it('says which sheets exist when the chosen one does not', async () => {
    const path = await writeWorkbook();
    const error = await openTableSource(path, {
      fileName: 'contacts.xlsx',
      hasHeader: true,
      sheet: 'Nope',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('not_found');
    expect((error as AppError).message).toContain('"People", "Second"');
  });

  it('previews with guessed types', async () => {
    const preview = await previewTableSource(await writeWorkbook(), {
      fileName: 'contacts.xlsx',
      hasHeader: true,
    });
    expect(preview.sample).toHaveLength(3);
    // Website holds a hyperlink's text ('Acme') and a bare domain: not all URLs, so text.
    expect(preview.guessedTypes.slice(0, 5)).toEqual(['text', 'number', 'date', 'boolean', 'text']);
  });

  it('batches large sheets, reports progress and can be cancelled', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Big');
    sheet.addRow(['id', 'name']);
    for (let i = 1; i <= 2_500; i++) sheet.addRow([i, `Name ${i}`]);
    const path = join(temp.path, 'big.xlsx');
    await wb.xlsx.writeFile(path);
    const source = await openTableSource(path, { fileName: 'big.xlsx', hasHeader: true });
    const sizes: number[] = [];
    const progress: number[] = [];
    for await (const batch of source.batches({
      batchSize: 1_000,
      onProblem: () => {},
      onProgress: (b) => progress.push(b),
    })) {
      sizes.push(batch.length);
    }
    expect(sizes).toEqual([1_000, 1_000, 500]);
    expect(progress.at(-1)).toBe(source.sizeBytes);

    const controller = new AbortController();
    const run = async () => {
      for await (const _ of source.batches({
        batchSize: 1_000,
        signal: controller.signal,
        onProblem: () => {},
      })) {
        controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('cell text', () => {
  it('renders each kind of exceljs value', () => {
    expect(cellToString(null)).toBe('');
    expect(cellToString(undefined)).toBe('');
    expect(cellToString(1e21)).toBe('1e+21');
    expect(cellToString(-0.5)).toBe('-0.5');
    expect(cellToString(Number.NaN)).toBe('');
    expect(cellToString({ formula: 'A1', result: 'text' })).toBe('text');
    expect(cellToString({ sharedFormula: 'A1', result: true })).toBe('true');
    expect(cellToString({ formula: 'A1/0', result: { error: '#DIV/0!' } })).toBe('#DIV/0!');
    expect(cellToString({ text: { richText: [{ text: 'a' }, { text: 'b' }] }, hyperlink: 'x' })).toBe('ab');
  });

  it('writes Excel dates as ISO, without a zone, and times of day alone', () => {
    expect(excelDateToIso(new Date(Date.UTC(2024, 1, 29)))).toBe('2024-02-29');
    expect(excelDateToIso(new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 500)))).toBe('2024-02-29T23:59:59.500');
    expect(excelDateToIso(new Date(Date.UTC(1899, 11, 30, 8, 15)))).toBe('08:15:00');
  });
});
