// Streams an export to a CSV file that Excel, Numbers, LibreOffice and scripts all open
// the same way:
// - UTF-8 with a byte-order mark (EF BB BF). Without the BOM, Excel on Windows reads a
//   CSV in the local ANSI code page and mangles every accented name.
// - CRLF line ends and RFC 4180 quoting: a field is quoted when it contains a comma, a
//   double quote (doubled inside), CR or LF, or starts or ends with a space or tab (which
//   some readers would otherwise trim). A header row holds the column names.
// - Numbers as JavaScript prints them, booleans as true/false, null as an empty field.
// - With neutraliseFormulas on, text cells and column names follow formula-guard.ts.
//
// The file is written under a hidden temporary name beside the destination and renamed
// into place only when complete, so a cancelled or failed export never leaves a
// truncated file behind, nor clobbers an existing file the user chose to overwrite.
//
// Must never: hold the table in memory (rows come from a live SQLite iterator), ignore
// the file stream's backpressure, or leave a partial file after a cancel or an error.
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { CellValue } from '@shared/api';
import { AppError } from '@shared/errors';
import type { ColumnType } from '@shared/model';
import { neutraliseFormula } from './formula-guard';

export interface ExportColumn {
  name: string;
  type: ColumnType;
}

export interface WriteOptions {
  neutraliseFormulas: boolean;
  /** Abort to cancel: the writer stops, deletes the partial file and throws AppError('cancelled'). */
  signal?: AbortSignal;
  /** Rows written so far; called at most every ~100 ms, and once at the end. */
  onProgress?: (rowsWritten: number) => void;
}

/** Text is handed to the file stream in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;
const STREAM_HIGH_WATER_MARK = 1024 * 1024;
const PROGRESS_INTERVAL_MS = 100;
const BOM = '\uFEFF';
const NEEDS_QUOTES = /[",\r\n]|^[ \t]|[ \t]$/;

export async function writeCsv(
  path: string,
  columns: ExportColumn[],
  rows: Iterable<CellValue[]>,
  opts: WriteOptions,
): Promise<{ rows: number }> {
  const { signal, neutraliseFormulas: neutralise } = opts;
  throwIfCancelled(signal);
  const file = await OutputFile.open(path);
  const progress = progressReporter(opts.onProgress);
  const width = columns.length;
  let count = 0;
  const header = columns.map((column) => csvField(column.name, neutralise)).join(',');
  let chunk = `${BOM}${header}\r\n`;
  try {
    for (const row of rows) {
      throwIfCancelled(signal);
      let line = '';
      for (let i = 0; i < width; i++) {
        if (i > 0) line += ',';
        line += csvCell(row[i] ?? null, neutralise);
      }
      // A lone empty field would be a blank line, which most readers skip: quote it.
      if (width === 1 && line === '') line = '""';
      chunk += `${line}\r\n`;
      count++;
      if (chunk.length >= CHUNK_CHARS) {
        await file.write(chunk, signal);
        chunk = '';
        progress(count);
      }
    }
    if (chunk.length > 0) await file.write(chunk, signal);
    throwIfCancelled(signal);
    await file.commit();
  } catch (error) {
    await file.discard();
    throw error;
  }
  progress(count, true);
  return { rows: count };
}

/** One CSV field for a cell value. Only text is ever neutralised or quoted. */
export function csvCell(value: CellValue, neutralise: boolean): string {
  if (value === null) return '';
  if (typeof value === 'string') return csvField(value, neutralise);
  if (typeof value === 'number') return String(value);
  return value ? 'true' : 'false';
}

function csvField(text: string, neutralise: boolean): string {
  const value = neutralise ? neutraliseFormula(text) : text;
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

// ---- Shared with xlsx-writer.ts: cancellation, progress and the temporary output file. ----

export function cancelledError(): AppError {
  return new AppError('cancelled', 'The export was cancelled; the partial file was deleted.');
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError();
}

/** Throttles progress callbacks to one per PROGRESS_INTERVAL_MS; `final` always reports. */
export function progressReporter(
  onProgress: ((rows: number) => void) | undefined,
): (rows: number, final?: boolean) => void {
  let last = 0;
  return (rows, final = false) => {
    if (!onProgress) return;
    const now = Date.now();
    if (!final && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    onProgress(rows);
  };
}

interface DrainSource {
  once(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

/**
 * A destination written under a temporary sibling name and renamed into place by
 * commit(); discard() closes and deletes it. The stream's errors are captured so that a
 * full disk surfaces at the next write instead of as an unhandled 'error' event.
 */
export class OutputFile {
  private failure: Error | null = null;

  private constructor(
    readonly path: string,
    readonly tempPath: string,
    readonly stream: WriteStream,
  ) {
    stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  static async open(path: string): Promise<OutputFile> {
    const tempPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
    const stream = createWriteStream(tempPath, { flags: 'wx', highWaterMark: STREAM_HIGH_WATER_MARK });
    const file = new OutputFile(path, tempPath, stream);
    await new Promise<void>((resolve, reject) => {
      stream.once('ready', () => resolve());
      stream.once('error', reject);
    });
    return file;
  }

  /** Writes text, waiting for the disk to catch up when the stream's buffer is full. */
  async write(text: string, signal: AbortSignal | undefined): Promise<void> {
    this.throwIfFailed();
    if (!this.stream.write(text)) await this.waitForDrain(this.stream, signal);
  }

  /**
   * Resolves on the source's 'drain'; rejects when the export is cancelled or the file
   * stream fails (so a waiting writer can never hang on a dead stream).
   */
  waitForDrain(source: DrainSource, signal: AbortSignal | undefined): Promise<void> {
    this.throwIfFailed();
    throwIfCancelled(signal);
    return new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        source.off('drain', onDrain);
        this.stream.off('error', onError);
        this.stream.off('close', onClose);
        signal?.removeEventListener('abort', onAbort);
      };
      const onDrain = (): void => {
        cleanup();
        resolve();
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(error);
      };
      const onClose = (): void => {
        cleanup();
        reject(this.failure ?? new AppError('internal', 'The export file was closed unexpectedly.'));
      };
      const onAbort = (): void => {
        cleanup();
        reject(cancelledError());
      };
      source.once('drain', onDrain);
      this.stream.once('error', onError);
      this.stream.once('close', onClose);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Ends the stream if nobody has, waits for the file to be closed, renames it into place. */
  async commit(): Promise<void> {
    this.throwIfFailed();
    await new Promise<void>((resolve, reject) => {
      if (this.stream.closed) {
        if (this.failure) reject(this.failure);
        else resolve();
        return;
      }
      this.stream.once('error', reject);
      this.stream.once('close', () => (this.failure ? reject(this.failure) : resolve()));
      if (!this.stream.writableEnded) this.stream.end();
    });
    try {
      await rename(this.tempPath, this.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EBUSY' && code !== 'EPERM' && code !== 'EACCES') throw error;
      // Windows refuses to replace a file another program (usually Excel) has open.
      throw new AppError(
        'conflict',
        `Could not replace ${basename(this.path)}: it may be open in another program. Close it and export again.`,
      );
    }
  }

  /** Closes the stream without finishing it and deletes the temporary file. Never throws. */
  async discard(): Promise<void> {
    if (!this.stream.closed) {
      await new Promise<void>((resolve) => {
        this.stream.once('close', () => resolve());
        this.stream.destroy();
      });
    }
    await rm(this.tempPath, { force: true }).catch(() => undefined);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
