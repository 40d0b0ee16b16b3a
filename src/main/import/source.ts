// Opens a user's file as a table: tells CSV from XLSX (and from PDFs, images and other
// non-tables) by content, works out encoding, delimiter and header, and streams the data
// rows in batches for the import service. It must never hold a whole file in memory,
// never trust a file's extension alone, and never stop at a bad row: bad rows are
// reported with their line and skipped.
import { open, stat } from 'node:fs/promises';
import { AppError } from '@shared/errors';
import type { ColumnType } from '@shared/model';
import { CsvParser } from './csv-parser';
import { type CsvSettings, CsvSource, cancelled } from './csv-source';
import { detectDelimiter } from './dialect';
import {
  bomLengthFor,
  createChunkDecoder,
  describeBinary,
  detectEncoding,
  isZip,
  type TextEncoding,
} from './encoding';
import { guessColumnType } from './type-guess';
import { inspectZip, readXlsxRows } from './xlsx-reader';

export interface SourceRow {
  /** 1-based physical line where the record starts (CSV), or the sheet row number (XLSX) */
  line: number;
  fields: string[];
}

export interface OpenSourceOptions {
  /** The name the user knows the file by, for messages. */
  fileName: string;
  sheet?: string;
  delimiter?: ',' | ';' | '\t' | '|';
  encoding?: TextEncoding;
  hasHeader: boolean;
}

export interface SourceProblem {
  line: number;
  reason: string;
}

export interface BatchOptions {
  batchSize?: number;
  signal?: AbortSignal;
  onProblem: (p: SourceProblem) => void;
  onProgress?: (bytesRead: number) => void;
}

export interface TableSource {
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  sheets: string[];
  sheet: string | null;
  /** Header row (trimmed; blanks become "Column N"; duplicates get " (2)", " (3)"), or "Column 1..N" without a header. */
  headers: string[];
  sizeBytes: number;
  /** The data rows after the header, streamed in batches (default 5,000 rows). Never holds the file in memory. */
  batches(opts: BatchOptions): AsyncGenerator<SourceRow[]>;
  /** How to read a CSV source again elsewhere (e.g. in a worker thread); absent for XLSX. */
  readonly csv?: CsvSettings;
}

const HEAD_BYTES = 1 << 20;
const HEAD_PARSE_STEP = 64 * 1024;
export const DEFAULT_BATCH = 5_000;
/** Rows looked at to size a table without a header row. */
const WIDTH_SAMPLE = 1_000;
const MAX_HEADER_LENGTH = 120;

const notATable = (fileName: string, what: string): AppError =>
  new AppError(
    'not_a_table',
    `${fileName} is not a table: it looks like ${what}. Import a CSV or XLSX file.`,
  );

/** Header names a user can map: trimmed, never blank, unique ignoring case, at most 120 characters. */
export function normaliseHeaders(raw: readonly string[]): string[] {
  const used = new Set<string>();
  return raw.map((value, i) => {
    let base = value.replace(/\s+/g, ' ').trim().slice(0, MAX_HEADER_LENGTH).trim();
    if (base === '') base = `Column ${i + 1}`;
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base} (${n})`;
    used.add(name.toLowerCase());
    return name;
  });
}

const numberedHeaders = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `Column ${i + 1}`);

/** Fields up to the last non-empty one. */
function contentWidth(fields: readonly string[]): number {
  let n = fields.length;
  while (n > 0 && fields[n - 1] === '') n--;
  return n;
}

/** The content width shared by at least half of the records (0 when none is). */
function modalWidth(records: readonly SourceRow[]): number {
  const counts = new Map<number, number>();
  for (const r of records) {
    const w = contentWidth(r.fields);
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  for (const [width, seen] of counts) if (seen * 2 >= records.length) return width;
  return 0;
}

/** Header names for `width` columns: the header row's, then "Column N" for unnamed data columns. */
const withMissingNames = (header: readonly string[], width: number): string[] =>
  normaliseHeaders(
    width > header.length ? [...header, ...Array<string>(width - header.length).fill('')] : header,
  );

async function readHead(path: string, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

class XlsxSource implements TableSource {
  readonly format = 'xlsx' as const;
  readonly encoding = null;
  readonly delimiter = null;

  constructor(
    private readonly path: string,
    private readonly fileName: string,
    readonly sizeBytes: number,
    readonly sheets: string[],
    readonly sheet: string,
    readonly headers: string[],
    /** Sheet row of the header; data rows come after it. 0 without a header. */
    private readonly headerRow: number,
  ) {}

  async *batches(opts: BatchOptions): AsyncGenerator<SourceRow[]> {
    const { signal } = opts;
    if (signal?.aborted) throw cancelled();
    const size = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
    const width = this.headers.length;
    let batch: SourceRow[] = [];
    const rows = readXlsxRows(this.path, {
      fileName: this.fileName,
      sheet: this.sheet,
      signal,
      onProgress: opts.onProgress,
    });
    for await (const row of rows) {
      if (row.line <= this.headerRow) continue;
      const fields = row.fields;
      if (fields.length > width) {
        // Trailing empty cells are already dropped, so these columns hold data.
        opts.onProblem({ line: row.line, reason: `data in ${fields.length} columns, expected ${width}` });
        continue;
      }
      while (fields.length < width) fields.push('');
      batch.push(row);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}

/**
 * The first `wanted` records of the head (fewer if it holds fewer). Parses only as much
 * of it as they need: every import opens its file twice (preview, then import).
 */
function headRecords(sample: string, complete: boolean, delimiter: string, wanted: number): SourceRow[] {
  const parser = new CsvParser({ delimiter });
  const records: SourceRow[] = [];
  for (let at = 0; at < sample.length && records.length < wanted; at += HEAD_PARSE_STEP) {
    parser.push(sample.slice(at, at + HEAD_PARSE_STEP));
    for (const record of parser.take()) records.push(record);
  }
  if (complete && records.length < wanted) {
    parser.end();
    for (const record of parser.take()) records.push(record);
  }
  return records;
}

async function openCsv(
  path: string,
  size: number,
  head: Buffer,
  opts: OpenSourceOptions,
): Promise<TableSource> {
  const { fileName } = opts;
  const complete = head.length >= size;
  const guess = detectEncoding(head, complete);
  if (!guess && !opts.encoding?.startsWith('utf-16')) throw notATable(fileName, 'a binary file, not text');
  const encoding: TextEncoding = opts.encoding ?? guess?.encoding ?? 'utf-8';
  const tentative = opts.encoding === undefined && (guess?.tentative ?? false);
  const bomLength = bomLengthFor(head, encoding);
  const decoder = createChunkDecoder(encoding, tentative);
  let sample = decoder.decode(head.subarray(bomLength));
  if (complete) sample += decoder.end();
  const delimiter = opts.delimiter ?? detectDelimiter(sample, complete, fileName);

  const records = headRecords(sample, complete, delimiter, WIDTH_SAMPLE + 1);
  const first = records[0];
  if (!first) {
    if (complete)
      throw new AppError('not_a_table', `${fileName} has no rows to import: it holds only blank lines.`);
    throw notATable(fileName, 'text whose first line is longer than 1 MiB');
  }
  let headers: string[];
  if (opts.hasHeader) {
    // A header row shorter than most data rows is missing names, not the rows malformed.
    const dataWidth = modalWidth(records.slice(1, WIDTH_SAMPLE + 1));
    headers = withMissingNames(first.fields, dataWidth);
  } else {
    let width = 0;
    for (const record of records.slice(0, WIDTH_SAMPLE)) width = Math.max(width, contentWidth(record.fields));
    headers = numberedHeaders(width);
  }
  return new CsvSource(
    {
      path,
      sizeBytes: size,
      delimiter,
      fieldCount: headers.length,
      hasHeader: opts.hasHeader,
      encoding,
      tentative,
      bomLength,
    },
    headers,
  );
}

async function openXlsx(path: string, size: number, opts: OpenSourceOptions): Promise<TableSource> {
  let sheets: string[] = [];
  let sheet = '';
  const head: SourceRow[] = [];
  const want = WIDTH_SAMPLE + (opts.hasHeader ? 1 : 0);
  const rows = readXlsxRows(path, {
    fileName: opts.fileName,
    sheet: opts.sheet,
    onSheets: (names, chosen) => {
      sheets = names;
      sheet = chosen;
    },
  });
  for await (const row of rows) {
    head.push(row);
    if (head.length >= want) break;
  }
  let headers: string[] = [];
  let headerRow = 0;
  const first = head[0];
  // Spreadsheet columns cannot be misaligned, so any sampled column holding data gets a name.
  let width = 0;
  for (const row of head.slice(opts.hasHeader ? 1 : 0)) width = Math.max(width, row.fields.length);
  if (first && opts.hasHeader) {
    headers = withMissingNames(first.fields, width);
    headerRow = first.line;
  } else if (first) {
    headers = numberedHeaders(width);
  }
  return new XlsxSource(path, opts.fileName, size, sheets, sheet, headers, headerRow);
}

/** Opens a CSV or XLSX file: its format, encoding, delimiter, sheets and header, without reading it all. */
export async function openTableSource(path: string, opts: OpenSourceOptions): Promise<TableSource> {
  const { fileName } = opts;
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    throw new AppError('not_found', `${fileName} could not be opened: it may have been moved or deleted.`);
  }
  if (size === 0) throw new AppError('not_a_table', `${fileName} is empty: there is nothing to import.`);
  const head = await readHead(path, Math.min(size, HEAD_BYTES));
  if (isZip(head)) {
    const kind = await inspectZip(path, size);
    if (kind !== 'xlsx') throw notATable(fileName, kind);
    return openXlsx(path, size, opts);
  }
  const binary = describeBinary(head);
  if (binary) throw notATable(fileName, binary);
  return openCsv(path, size, head, opts);
}

export interface TablePreview {
  source: TableSource;
  sample: string[][];
  guessedTypes: ColumnType[];
  problems: SourceProblem[];
}

const TYPE_SAMPLE = 1_000;
const MAX_PREVIEW_PROBLEMS = 100;

/** The source plus its first rows (default 100), a type guess per column and the problems met on the way. */
export async function previewTableSource(
  path: string,
  opts: OpenSourceOptions & { sampleRows?: number },
): Promise<TablePreview> {
  const source = await openTableSource(path, opts);
  const sampleRows = Math.max(0, opts.sampleRows ?? 100);
  const wanted = Math.max(sampleRows, TYPE_SAMPLE);
  const rows: string[][] = [];
  const problems: SourceProblem[] = [];
  const onProblem = (p: SourceProblem): void => {
    if (problems.length < MAX_PREVIEW_PROBLEMS) problems.push(p);
  };
  for await (const batch of source.batches({ batchSize: Math.min(wanted, DEFAULT_BATCH), onProblem })) {
    for (const row of batch) {
      if (rows.length < wanted) rows.push(row.fields);
    }
    if (rows.length >= wanted) break;
  }
  const guessedTypes = source.headers.map((_, i) => guessColumnType(rows.map((r) => r[i] ?? '')));
  return { source, sample: rows.slice(0, sampleRows), guessedTypes, problems };
}
