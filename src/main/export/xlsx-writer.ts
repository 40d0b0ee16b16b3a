// Streams an export to an .xlsx workbook with exceljs's streaming writer, so a
// million-row table never sits in memory: each row is committed (serialised and handed
// to the zip) as soon as it is built.
//
// What the user gets:
// - One sheet, header row bold and frozen, a sensible column width from the header.
// - Typed cells: numbers as numbers, booleans as booleans, ISO dates in a date column as
//   real Excel dates (yyyy-mm-dd, plus hh:mm:ss when the value has a time; times with a
//   Z or offset are shown in UTC, as they are stored), json and everything else as text.
//   Text in a date column that is not a valid ISO date (or is before 1900, which Excel
//   cannot show) stays text.
// - With neutraliseFormulas on, text cells and column names follow formula-guard.ts.
//   exceljs never writes a string as a formula, but users copy cells into other tools,
//   so CSV and XLSX follow one rule.
// - Excel's limits are enforced, never silently: a sheet holds 1,048,576 rows including
//   the header, so the 1,048,576th data row fails the export with AppError
//   ('file_too_large') asking for CSV (the row count should also be checked up front);
//   more than 16,384 columns fail the same way. A cell holds at most 32,767 characters,
//   so longer text is truncated to that length (CSV keeps the full text).
//
// Backpressure: exceljs's internal buffer (StreamBuf) ignores it (its write() always
// returns true), so the XML would pile up in memory whenever deflate or the disk is
// slower than row generation. The writer watches the buffer exceljs feeds into the zip
// and waits for it to drain, and yields to the event loop regularly so a long export
// never freezes the process. The file is written under a temporary name and renamed
// into place when complete (see OutputFile in csv-writer.ts).
//
// Must never: hold the table in memory, write more rows than Excel can open, or leave a
// partial file after a cancel or an error.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CellValue } from '@shared/api';
import { AppError } from '@shared/errors';
import type ExcelJS from 'exceljs';
import {
  type ExportColumn,
  OutputFile,
  progressReporter,
  throwIfCancelled,
  type WriteOptions,
} from './csv-writer';
import { neutraliseFormula } from './formula-guard';

export type { ExportColumn, WriteOptions } from './csv-writer';

/** Excel's sheet limits (rows include the header row). */
export const XLSX_MAX_ROWS = 1_048_576;
export const XLSX_MAX_DATA_ROWS = XLSX_MAX_ROWS - 1;
export const XLSX_MAX_COLUMNS = 16_384;
export const XLSX_MAX_CELL_CHARS = 32_767;

// Every data cell gets one of these shared style objects: exceljs caches a style's id per
// object, so sharing them avoids re-serialising a fresh style for each cell (~30% faster).
// They must never be mutated.
const PLAIN_STYLE: Partial<ExcelJS.Style> = {};
const DATE_STYLE: Partial<ExcelJS.Style> = { numFmt: 'yyyy-mm-dd' };
const DATE_TIME_STYLE: Partial<ExcelJS.Style> = { numFmt: 'yyyy-mm-dd hh:mm:ss' };
/** Unflushed XML allowed between exceljs and the zip before the writer waits. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;
const CHECK_EVERY_ROWS = 256;
const YIELD_EVERY_MS = 50;
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

type XlsxValue = string | number | boolean | Date | null;

/** The parts of exceljs's streaming writer we rely on that its typings do not declare. */
interface WorkbookInternals {
  zip?: { abort?: () => void; on?: (event: 'error', listener: (error: Error) => void) => unknown };
}
interface SheetInternals {
  stream?: { pipes?: unknown[] };
}
interface PendingBuffer {
  writableLength?: number;
  _writableState?: { length?: number };
  once(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

export async function writeXlsx(
  path: string,
  columns: ExportColumn[],
  rows: Iterable<CellValue[]>,
  opts: WriteOptions & { sheetName?: string },
): Promise<{ rows: number }> {
  const { signal, neutraliseFormulas: neutralise } = opts;
  throwIfCancelled(signal);
  if (columns.length > XLSX_MAX_COLUMNS) {
    throw new AppError(
      'file_too_large',
      `An Excel sheet holds at most ${XLSX_MAX_COLUMNS.toLocaleString('en-US')} columns; this export has ${columns.length.toLocaleString('en-US')}. Export as CSV instead.`,
    );
  }
  const file = await OutputFile.open(path);
  const progress = progressReporter(opts.onProgress);
  // Loaded on first use: exceljs takes ~0.2 s to load, which CSV work should not pay.
  const { default: excel } = await import('exceljs');
  const workbook = new excel.stream.xlsx.WorkbookWriter({
    stream: file.stream,
    useSharedStrings: false,
    useStyles: true,
  });
  const zip = (workbook as unknown as WorkbookInternals).zip;
  // A zip failure destroys the file stream, which wakes any writer waiting on a drain.
  zip?.on?.('error', (error) => file.stream.destroy(error));
  let count = 0;
  try {
    const sheet = workbook.addWorksheet(safeSheetName(opts.sheetName), {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = columns.map((column) => ({ width: columnWidth(column) }));
    const header = sheet.addRow(columns.map((column) => cellText(column.name, neutralise)));
    header.font = { bold: true };
    header.commit();

    const width = columns.length;
    const dateColumns = columns.flatMap((column, index) => (column.type === 'date' ? [index] : []));
    let lastYield = Date.now();
    for (const row of rows) {
      throwIfCancelled(signal);
      if (count >= XLSX_MAX_DATA_ROWS) {
        throw new AppError(
          'file_too_large',
          `An Excel sheet holds at most ${XLSX_MAX_DATA_ROWS.toLocaleString('en-US')} rows below its header, and this export has more. Export as CSV instead, or filter the table to fewer rows.`,
        );
      }
      const values: XlsxValue[] = new Array(width);
      for (let i = 0; i < width; i++) values[i] = xlsxValue(row[i] ?? null, neutralise);
      const styles: Partial<ExcelJS.Style>[] = [];
      for (const index of dateColumns) {
        const text = row[index];
        const date = typeof text === 'string' ? parseIsoDate(text) : null;
        if (!date) continue;
        values[index] = date.value;
        styles[index + 1] = date.hasTime ? DATE_TIME_STYLE : DATE_STYLE;
      }
      const added = sheet.addRow(values);
      added.eachCell((cell, column) => {
        cell.style = styles[column] ?? PLAIN_STYLE;
      });
      added.commit();
      count++;

      if (count % CHECK_EVERY_ROWS === 0) {
        const pending = pendingBuffer(sheet);
        if (pending && pendingBytes(pending) > MAX_PENDING_BYTES) {
          await file.waitForDrain(pending, signal);
          lastYield = Date.now();
        } else if (Date.now() - lastYield >= YIELD_EVERY_MS) {
          await nextTurn();
          lastYield = Date.now();
        }
        progress(count);
      }
    }
    throwIfCancelled(signal);
    sheet.commit();
    await workbook.commit();
    throwIfCancelled(signal);
    await file.commit();
  } catch (error) {
    zip?.abort?.();
    await file.discard();
    throw error;
  }
  progress(count, true);
  return { rows: count };
}

/** A non-date cell: numbers and booleans stay typed; text is neutralised and capped. */
function xlsxValue(value: CellValue, neutralise: boolean): XlsxValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  return cellText(value, neutralise);
}

function cellText(text: string, neutralise: boolean): string {
  const value = neutralise ? neutraliseFormula(text) : text;
  if (value.length <= XLSX_MAX_CELL_CHARS) return value;
  // Never cut a surrogate pair in half.
  const end = /[\uD800-\uDBFF]/.test(value[XLSX_MAX_CELL_CHARS - 1] ?? '')
    ? XLSX_MAX_CELL_CHARS - 1
    : XLSX_MAX_CELL_CHARS;
  return value.slice(0, end);
}

/**
 * An ISO 8601 date or date-time as a Date that exceljs turns into an Excel serial (it
 * converts through UTC, so a value without a zone keeps its wall-clock time), or null
 * when the text is not a date Excel can show.
 */
export function parseIsoDate(text: string): { value: Date; hasTime: boolean } | null {
  const match = ISO_DATE.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second, zone] = match;
  const [y, mo, d] = [Number(year), Number(month), Number(day)];
  // Reject rollovers such as 2024-02-31, which Date would quietly turn into March.
  const calendar = new Date(Date.UTC(y, mo - 1, d));
  if (calendar.getUTCFullYear() !== y || calendar.getUTCMonth() !== mo - 1 || calendar.getUTCDate() !== d)
    return null;
  const hasTime = hour !== undefined;
  if (hasTime && (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59)) return null;
  const iso = hasTime
    ? `${year}-${month}-${day}T${hour}:${minute}:${second ?? '00'}${normaliseZone(zone)}`
    : `${year}-${month}-${day}T00:00:00Z`;
  const value = new Date(iso);
  if (Number.isNaN(value.getTime())) return null;
  const yearOut = value.getUTCFullYear();
  if (yearOut < 1900 || yearOut > 9999) return null;
  return { value, hasTime };
}

function normaliseZone(zone: string | undefined): string {
  if (zone === undefined || zone === 'Z') return 'Z';
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

/** Excel: at most 31 characters, none of : \ / ? * [ ], not starting or ending with '. */
export function safeSheetName(name: string | undefined): string {
  const cleaned = (name ?? '')
    .replace(/[:\\/?*[\]\p{Cc}]/gu, ' ')
    .replace(/^'+|'+$/g, '')
    .trim()
    .slice(0, 31)
    .trim();
  return cleaned.length > 0 && cleaned.toLowerCase() !== 'history' ? cleaned : 'Sheet1';
}

function columnWidth(column: ExportColumn): number {
  const minimum = column.type === 'date' ? 20 : 10;
  return Math.min(60, Math.max(minimum, column.name.length + 2));
}

/** The stream exceljs writes the sheet's XML into (archiver's entry buffer), if reachable. */
function pendingBuffer(sheet: ExcelJS.Worksheet): PendingBuffer | null {
  const target = (sheet as unknown as SheetInternals).stream?.pipes?.[0] as
    | Partial<PendingBuffer>
    | undefined;
  if (!target || typeof target.once !== 'function' || typeof target.off !== 'function') return null;
  return target as PendingBuffer;
}

function pendingBytes(buffer: PendingBuffer): number {
  return buffer.writableLength ?? buffer._writableState?.length ?? 0;
}
