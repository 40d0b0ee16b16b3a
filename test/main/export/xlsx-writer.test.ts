import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CellValue } from '@shared/api';
import { AppError } from '@shared/errors';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ExportColumn,
  parseIsoDate,
  safeSheetName,
  writeXlsx,
  XLSX_MAX_CELL_CHARS,
  XLSX_MAX_DATA_ROWS,
} from '../../../src/main/export/xlsx-writer';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rowsmith-xlsx-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readSheet(path: string): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no sheet');
  return sheet;
}

const columns: ExportColumn[] = [
  { name: 'Name', type: 'text' },
  { name: 'Employees', type: 'number' },
  { name: 'Public', type: 'boolean' },
  { name: 'Founded', type: 'date' },
  { name: 'Raw', type: 'json' },
];

describe('writeXlsx', () => {
  it('writes typed cells under a bold, frozen header', async () => {
    const path = join(dir, 'typed.xlsx');
    const rows: CellValue[][] = [
      ['Acme, Inc.', 120, true, '2019-03-04', '{"a":1}'],
      ['Zoë Ltd', -5.5, false, '2024-05-01T13:45:30Z', '[1,2]'],
      ['Nulls', null, null, null, null],
      ['Bad date', 1, true, 'last spring', null],
      ['Wall clock', 2, false, '2024-05-01T09:30', null],
    ];
    const result = await writeXlsx(path, columns, rows, { neutraliseFormulas: true, sheetName: 'Companies' });
    expect(result).toEqual({ rows: 5 });

    const sheet = await readSheet(path);
    expect(sheet.name).toBe('Companies');
    expect(sheet.rowCount).toBe(6);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const header = sheet.getRow(1);
    expect(header.values).toEqual([undefined, 'Name', 'Employees', 'Public', 'Founded', 'Raw']);
    expect(header.getCell(1).font?.bold).toBe(true);

    const acme = sheet.getRow(2);
    expect(acme.getCell(1).value).toBe('Acme, Inc.');
    expect(acme.getCell(2).value).toBe(120);
    expect(acme.getCell(3).value).toBe(true);
    expect(acme.getCell(4).value).toEqual(new Date('2019-03-04T00:00:00Z'));
    expect(acme.getCell(4).numFmt).toBe('yyyy-mm-dd');
    expect(acme.getCell(5).value).toBe('{"a":1}');

    const zoe = sheet.getRow(3);
    expect(zoe.getCell(2).value).toBe(-5.5);
    expect(zoe.getCell(3).value).toBe(false);
    expect(zoe.getCell(4).value).toEqual(new Date('2024-05-01T13:45:30Z'));
    expect(zoe.getCell(4).numFmt).toBe('yyyy-mm-dd hh:mm:ss');

    expect(sheet.getRow(4).getCell(2).value).toBeNull();
    expect(sheet.getRow(5).getCell(4).value).toBe('last spring');
    // No zone: the wall-clock time is kept as written, whatever the machine's zone.
    expect(sheet.getRow(6).getCell(4).value).toEqual(new Date('2024-05-01T09:30:00Z'));
  });

  it('neutralises formula triggers in text cells and names, never in stored numbers', async () => {
    const path = join(dir, 'guarded.xlsx');
    await writeXlsx(
      path,
      [
        { name: '@who', type: 'text' },
        { name: 'Amount', type: 'number' },
      ],
      [
        ['=1+2', -5],
        ['-5', 3],
        ['plain', 0],
      ],
      { neutraliseFormulas: true },
    );
    const sheet = await readSheet(path);
    expect(sheet.getRow(1).values).toEqual([undefined, "'@who", 'Amount']);
    expect(sheet.getRow(2).values).toEqual([undefined, "'=1+2", -5]);
    expect(sheet.getRow(3).values).toEqual([undefined, '-5', 3]);
    expect(sheet.getRow(4).values).toEqual([undefined, 'plain', 0]);
    expect(sheet.getRow(2).getCell(1).type).toBe(ExcelJS.ValueType.String);
  });

  it('writes text as stored when neutralisation is off (still a string, never a formula)', async () => {
    const path = join(dir, 'raw.xlsx');
    await writeXlsx(path, [{ name: '=H', type: 'text' }], [['=1+2']], { neutraliseFormulas: false });
    const cell = (await readSheet(path)).getRow(2).getCell(1);
    expect(cell.value).toBe('=1+2');
    expect(cell.type).toBe(ExcelJS.ValueType.String);
  });

  it('truncates text to the 32,767 characters an Excel cell can hold', async () => {
    const path = join(dir, 'long.xlsx');
    await writeXlsx(
      path,
      [{ name: 'bio', type: 'text' }],
      [['x'.repeat(40_000)], [`${'y'.repeat(XLSX_MAX_CELL_CHARS - 1)}😀`]],
      {
        neutraliseFormulas: true,
      },
    );
    const sheet = await readSheet(path);
    expect(sheet.getRow(2).getCell(1).value).toBe('x'.repeat(XLSX_MAX_CELL_CHARS));
    // An emoji straddling the limit is dropped whole rather than cut in half.
    expect(sheet.getRow(3).getCell(1).value).toBe('y'.repeat(XLSX_MAX_CELL_CHARS - 1));
  });

  it('on cancel, deletes the partial file and throws AppError(cancelled)', async () => {
    const path = join(dir, 'cancel.xlsx');
    const controller = new AbortController();
    function* rows(): Generator<CellValue[]> {
      for (let i = 0; i < 1_000_000; i++) {
        if (i === 20_000) controller.abort();
        yield [`row ${i}`, i, i % 2 === 0, '2024-01-01', null];
      }
    }
    const error = await writeXlsx(path, columns, rows(), {
      neutraliseFormulas: true,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('cancelled');
    expect(await readdir(dir)).toEqual([]);
  });

  it('a cancel leaves a file the user chose to overwrite untouched', async () => {
    const path = join(dir, 'keep.xlsx');
    await writeFile(path, 'previous export');
    const controller = new AbortController();
    function* rows(): Generator<CellValue[]> {
      yield ['a', 1, true, null, null];
      controller.abort();
      yield ['b', 2, true, null, null];
    }
    await expect(
      writeXlsx(path, columns, rows(), { neutraliseFormulas: true, signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'cancelled',
    });
    expect(await readdir(dir)).toEqual(['keep.xlsx']);
  });

  it('streams 200k generated rows to disk as it goes and reports progress', async () => {
    const path = join(dir, 'big.xlsx');
    const total = 200_000;
    let partialBytesMidway = 0;
    function* rows(): Generator<CellValue[]> {
      for (let i = 0; i < total; i++) {
        if (i === 150_000) {
          const partial = readdirSync(dir).find((name) => name.endsWith('.partial'));
          partialBytesMidway = partial ? statSync(join(dir, partial)).size : 0;
        }
        yield [`company ${i}`, i];
      }
    }
    const progress: number[] = [];
    const result = await writeXlsx(
      path,
      [
        { name: 'name', type: 'text' },
        { name: 'n', type: 'number' },
      ],
      rows(),
      { neutraliseFormulas: true, onProgress: (n) => progress.push(n) },
    );
    expect(result.rows).toBe(total);
    expect(partialBytesMidway).toBeGreaterThan(500_000);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(total);
    const sheet = await readSheet(path);
    expect(sheet.rowCount).toBe(total + 1);
    expect(sheet.getRow(total + 1).values).toEqual([undefined, `company ${total - 1}`, total - 1]);
  }, 60_000);

  it('refuses the row that would not fit in a sheet, asks for CSV, and leaves no file', async () => {
    const path = join(dir, 'huge.xlsx');
    let produced = 0;
    function* rows(): Generator<CellValue[]> {
      for (let i = 0; i < XLSX_MAX_DATA_ROWS + 10; i++) {
        produced++;
        yield [i];
      }
    }
    const error = await writeXlsx(path, [{ name: 'n', type: 'number' }], rows(), {
      neutraliseFormulas: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('file_too_large');
    expect((error as AppError).message).toMatch(/CSV/);
    expect(produced).toBe(XLSX_MAX_DATA_ROWS + 1);
    expect(await readdir(dir)).toEqual([]);
  }, 120_000);
});

describe('parseIsoDate', () => {
  it('accepts ISO dates and date-times Excel can show, and nothing else', () => {
    expect(parseIsoDate('2024-02-29')).toEqual({ value: new Date('2024-02-29T00:00:00Z'), hasTime: false });
    expect(parseIsoDate('2024-05-01T10:00:00+02:00')?.value).toEqual(new Date('2024-05-01T08:00:00Z'));
    expect(parseIsoDate('2024-05-01 10:00')?.hasTime).toBe(true);
    expect(parseIsoDate('2023-02-29')).toBeNull();
    expect(parseIsoDate('2024-02-31')).toBeNull();
    expect(parseIsoDate('2024-05-01T25:00')).toBeNull();
    expect(parseIsoDate('1850-01-01')).toBeNull();
    expect(parseIsoDate('01/05/2024')).toBeNull();
  });
});

describe('safeSheetName', () => {
  it('keeps names Excel accepts and repairs the rest', () => {
    expect(safeSheetName('Companies')).toBe('Companies');
    expect(safeSheetName('Q1/Q2 [draft]?')).toBe('Q1 Q2  draft');
    expect(safeSheetName("'quoted'")).toBe('quoted');
    expect(safeSheetName('x'.repeat(40))).toHaveLength(31);
    expect(safeSheetName('')).toBe('Sheet1');
    expect(safeSheetName('History')).toBe('Sheet1');
  });
});
