// Reads XLSX workbooks row by row with exceljs's streaming reader and turns every cell
// into the text a user sees (numbers, ISO dates, true/false, rich text, formula results).
// It must never load a whole workbook into memory, never evaluate formulas (cached results
// only) and never follow hyperlinks or external references.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { AppError } from '@shared/errors';
import type { SourceRow } from './source';

// ---- Is this zip an XLSX workbook? ----------------------------------------------------

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const MAX_CENTRAL_DIRECTORY = 32 * 1024 * 1024;

async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Entry names of a zip file from its central directory (or, for unusual zips, from its tail). */
async function zipEntryNames(path: string, size: number): Promise<string[] | Buffer> {
  const tailLength = Math.min(size, 65_557);
  const tail = await readAt(path, size - tailLength, tailLength);
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIGNATURE) continue;
    const cdSize = tail.readUInt32LE(i + 12);
    const cdOffset = tail.readUInt32LE(i + 16);
    if (cdOffset + cdSize > size || cdSize > MAX_CENTRAL_DIRECTORY) return tail; // zip64 or damaged
    const cd = await readAt(path, cdOffset, cdSize);
    const names: string[] = [];
    for (let p = 0; p + 46 <= cd.length && cd.readUInt32LE(p) === CENTRAL_SIGNATURE; ) {
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      names.push(cd.toString('utf8', p + 46, p + 46 + nameLength));
      p += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  }
  return tail;
}

/** 'xlsx' for an Excel workbook, otherwise what kind of zip this looks like (for the error message). */
export async function inspectZip(path: string, size: number): Promise<'xlsx' | string> {
  const found = await zipEntryNames(path, size);
  const has = (name: string): boolean =>
    Array.isArray(found) ? found.some((n) => n.toLowerCase() === name) : found.includes(name);
  if (has('xl/workbook.xml')) return 'xlsx';
  if (has('xl/workbook.bin')) return 'an Excel binary workbook (.xlsb)';
  if (has('word/document.xml')) return 'a Word document';
  if (has('ppt/presentation.xml')) return 'a PowerPoint presentation';
  if (has('content.xml') && has('mimetype')) return 'an OpenDocument file (.ods, .odt)';
  return 'a ZIP archive';
}

// ---- Cells to text --------------------------------------------------------------------

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Excel dates carry no time zone: the wall-clock value is kept, without a "Z". */
export function excelDateToIso(date: Date): string {
  const time = date.getTime();
  if (!Number.isFinite(time)) return '';
  const hms = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const ms = date.getUTCMilliseconds();
  const clock = ms === 0 ? hms : `${hms}.${pad(ms, 3)}`;
  // Serial numbers below 1 are times of day, which exceljs places on 1899-12-30.
  if (time < Date.UTC(1899, 11, 31) && time >= Date.UTC(1899, 11, 30)) return clock;
  const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  return time % 86_400_000 === 0 ? day : `${day}T${clock}`;
}

/** The text of a cell value as exceljs reports it. */
export function cellToString(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? String(value) : ''; // NaN: a formula whose cached result is an error
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return '';
      if (value instanceof Date) return excelDateToIso(value);
      const v = value as Record<string, unknown>;
      if (Array.isArray(v.richText)) {
        return v.richText
          .map((run: { text?: unknown }) => (typeof run?.text === 'string' ? run.text : ''))
          .join('');
      }
      if ('formula' in v || 'sharedFormula' in v) return cellToString(v.result);
      if ('error' in v) return String(v.error);
      if ('text' in v) return cellToString(v.text); // hyperlink
      return '';
    }
    default:
      return '';
  }
}

/** Fields of a row from exceljs's 1-based, possibly sparse values array. */
function rowFields(values: unknown[]): string[] {
  const n = values.length > 0 ? values.length - 1 : 0;
  const fields: string[] = [];
  for (let c = 1; c <= n; c++) fields.push(cellToString(values[c]));
  while (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
  return fields;
}

// ---- Streaming rows -------------------------------------------------------------------

interface SheetInfo {
  name: string;
  state?: string;
}

interface ReaderInternals {
  model?: { sheets?: SheetInfo[] };
}

export interface XlsxRowsOptions {
  fileName: string;
  /** Sheet to read; default the first visible one. */
  sheet?: string;
  signal?: AbortSignal;
  onProgress?: (bytesRead: number) => void;
  /** Called once, as soon as the workbook's sheet list is known. */
  onSheets?: (sheets: string[], chosen: string) => void;
}

const cancelled = (): AppError => new AppError('cancelled', 'The import was cancelled.');

function chooseSheet(sheets: SheetInfo[], wanted: string | undefined, fileName: string): string {
  if (wanted !== undefined) {
    if (sheets.some((s) => s.name === wanted)) return wanted;
    const list = sheets.map((s) => `"${s.name}"`).join(', ');
    throw new AppError('not_found', `${fileName} has no sheet named "${wanted}". Its sheets are ${list}.`);
  }
  const first = sheets.find((s) => (s.state ?? 'visible') === 'visible') ?? sheets[0];
  if (!first) throw new AppError('not_a_table', `${fileName} has no sheets to import.`);
  return first.name;
}

/**
 * The non-blank rows of one sheet, in order, with their sheet row numbers. Stops reading
 * the file as soon as that sheet is done or the caller stops iterating.
 */
export async function* readXlsxRows(path: string, options: XlsxRowsOptions): AsyncGenerator<SourceRow> {
  const { signal, onProgress, fileName } = options;
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  // Loaded on first use: exceljs takes ~0.2 s to load, which CSV work should not pay.
  const { default: excel } = await import('exceljs');
  const reader = new excel.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Styles are needed to tell dates from numbers (the number format says which is which).
    styles: 'cache',
    entries: 'ignore',
  });
  let target: string | null = null;
  let sheets: SheetInfo[] = [];
  try {
    for await (const worksheet of reader) {
      if (signal?.aborted) throw cancelled();
      if (target === null) {
        sheets = (reader as unknown as ReaderInternals).model?.sheets ?? [];
        target = chooseSheet(sheets, options.sheet, fileName);
        options.onSheets?.(
          sheets.map((s) => s.name),
          target,
        );
      }
      if ((worksheet as unknown as SheetInfo).name !== target) {
        // Drain a sheet we skip: exceljs may have spooled it to a temp file that it deletes
        // as soon as we move on; an unread stream would then fail to open outside any
        // listener and crash the process (seen under load in CI).
        for await (const _row of worksheet) {
          if (signal?.aborted) throw cancelled();
        }
        continue;
      }
      let rows = 0;
      for await (const row of worksheet) {
        if (signal?.aborted) throw cancelled();
        const fields = rowFields(row.values as unknown[]);
        if (fields.length > 0) yield { line: row.number, fields };
        if (onProgress && ++rows % 1000 === 0) onProgress(input.bytesRead);
      }
      onProgress?.(input.bytesRead);
      return;
    }
    // No worksheet part for the sheet (an empty workbook or a chart sheet): no rows.
    if (target === null) {
      const all = (reader as unknown as ReaderInternals).model?.sheets ?? [];
      const chosen = chooseSheet(all, options.sheet, fileName);
      options.onSheets?.(
        all.map((s) => s.name),
        chosen,
      );
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (signal?.aborted) throw cancelled();
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('unsupported_file', `${fileName} could not be read as an XLSX workbook (${reason}).`);
  } finally {
    input.destroy();
  }
}
