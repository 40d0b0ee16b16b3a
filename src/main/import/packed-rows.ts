// Turns a CSV file into converted, insert-ready values packed for a cheap hand-over
// between threads: one string holding every text value of a batch, an Int32Array of
// where each value ends (or that it is a number or null), a Float64Array of the numbers.
// Structured-cloning one string and transferring two buffers costs the receiving thread
// almost nothing; cloning ten strings a row cost it ~1 s per million rows (measured).
// The same producer runs in the import worker and, where no worker bundle exists, in-thread.
// It must never keep row objects (records are converted as they complete), never hold
// more than one read chunk of rows, and never change what a value converts to.
import type { ColumnType } from '@shared/model';
import { importConverter, type Stored } from '../workbook/values';
import { CsvParser } from './csv-parser';
import { type CsvSettings, type FeedOptions, feedCsv } from './csv-source';
import { createChunkDecoder } from './encoding';
import type { SourceProblem } from './source';

/** `ends[i]` for a value that is a number (in `numbers[i]`). */
export const PACKED_NUMBER = -1;
/** `ends[i]` for an empty value. */
export const PACKED_NULL = -2;
/** Problems sent over in all; the rest are only counted (the import keeps 1,000). */
export const MAX_PROBLEMS_SENT = 1_000;

/** Rows of `width` values each, row-major. */
export interface PackedBatch {
  rows: number;
  /** Text values back to back: value i is text.slice(end of the previous text value, ends[i]). */
  text: string;
  ends: Int32Array;
  numbers: Float64Array;
  /** Bytes of the file read so far. */
  bytesRead: number;
  problems: SourceProblem[];
  /** Problems met in this batch, including those not sent. */
  problemCount: number;
}

export interface PackSpec {
  csv: CsvSettings;
  /** For each value of a packed row: the source field it comes from and the column type it converts to. */
  targets: { source: number; type: ColumnType }[];
}

/** Worker -> main. */
export type WorkerMessage =
  | { type: 'batch'; batch: PackedBatch }
  | { type: 'done' }
  | { type: 'error'; error: { name: string; code: string; message: string } };

/** What the worker is started with; it is then sent the PackSpec of its file. */
export interface WorkerInput {
  /**
   * One Int32: batches main has taken off its queue. Shared memory instead of an ack
   * message, which cost the job thread up to ~1 ms each on a busy machine.
   */
  taken: SharedArrayBuffer;
}

/** Batches the worker may have sent and main not yet taken: the queue's bound (backpressure). */
export const MAX_BATCHES_IN_FLIGHT = 8;

/** Converts records and appends their values to the batch being built. */
class RowPacker {
  /** Text values of the batch; reused (entries past `partCount` are stale). */
  private readonly parts: string[] = [];
  private partCount = 0;
  private textLength = 0;
  private values = 0;
  private rowCount = 0;
  private ends: Int32Array;
  private numbers: Float64Array;
  private readonly sources: Int32Array;
  private readonly converters: ((text: string) => Stored)[];

  constructor(targets: PackSpec['targets']) {
    this.sources = Int32Array.from(targets.map((t) => t.source));
    this.converters = targets.map((t) => importConverter(t.type));
    this.ends = new Int32Array(targets.length * 1024);
    this.numbers = new Float64Array(targets.length * 1024);
  }

  get rows(): number {
    return this.rowCount;
  }

  add(fields: string[]): void {
    const width = this.sources.length;
    if (this.values + width > this.ends.length) this.grow(this.values + width);
    const { ends, numbers, sources, converters, parts } = this;
    let v = this.values;
    let p = this.partCount;
    let textLength = this.textLength;
    for (let i = 0; i < width; i++, v++) {
      const value = (converters[i] as (text: string) => Stored)(fields[sources[i] as number] ?? '');
      if (typeof value === 'string') {
        parts[p++] = value;
        textLength += value.length;
        ends[v] = textLength;
      } else if (typeof value === 'number') {
        ends[v] = PACKED_NUMBER;
        numbers[v] = value;
      } else {
        ends[v] = PACKED_NULL;
      }
    }
    this.values = v;
    this.partCount = p;
    this.textLength = textLength;
    this.rowCount++;
  }

  /** The rows packed so far; the packer starts a new batch with buffers of the same size. */
  take(): Pick<PackedBatch, 'rows' | 'text' | 'ends' | 'numbers'> {
    if (this.parts.length !== this.partCount) this.parts.length = this.partCount;
    const taken = {
      rows: this.rowCount,
      text: this.parts.join(''),
      ends: this.ends.subarray(0, this.values),
      numbers: this.numbers.subarray(0, this.values),
    };
    // The buffers are handed over (transferred to another thread), so never reused here.
    const capacity = Math.max(this.ends.length, this.sources.length);
    this.ends = new Int32Array(capacity);
    this.numbers = new Float64Array(capacity);
    this.partCount = 0;
    this.textLength = 0;
    this.values = 0;
    this.rowCount = 0;
    return taken;
  }

  private grow(needed: number): void {
    let size = this.ends.length * 2;
    while (size < needed) size *= 2;
    const ends = new Int32Array(size);
    ends.set(this.ends.subarray(0, this.values));
    const numbers = new Float64Array(size);
    numbers.set(this.numbers.subarray(0, this.values));
    this.ends = ends;
    this.numbers = numbers;
  }
}

/** The file's data rows, converted and packed, one batch per chunk read (64 KiB). */
export async function* packCsvRows(spec: PackSpec, opts: FeedOptions = {}): AsyncGenerator<PackedBatch> {
  const packer = new RowPacker(spec.targets);
  let problems: SourceProblem[] = [];
  let problemCount = 0;
  let sent = 0;
  const parser = new CsvParser({
    delimiter: spec.csv.delimiter,
    header: spec.csv.hasHeader,
    fieldCount: spec.csv.fieldCount,
    onProblem: (p) => {
      problemCount++;
      if (sent < MAX_PROBLEMS_SENT) {
        sent++;
        problems.push(p);
      }
    },
    onRecord: (fields) => packer.add(fields),
  });
  const decoder = createChunkDecoder(spec.csv.encoding, spec.csv.tentative);
  for await (const bytesRead of feedCsv(spec.csv, parser, decoder, opts)) {
    yield { ...packer.take(), bytesRead, problems, problemCount };
    problems = [];
    problemCount = 0;
  }
}

/** Reads packed values back, in order: text, number or null. */
export class PackedReader {
  private text = '';
  private ends: Int32Array = new Int32Array(0);
  private numbers: Float64Array = new Float64Array(0);
  private index = 0;
  private textAt = 0;

  reset(batch: PackedBatch): void {
    this.text = batch.text;
    this.ends = batch.ends;
    this.numbers = batch.numbers;
    this.index = 0;
    this.textAt = 0;
  }

  /** Writes the next `count` values into `into` from `at`. */
  read(into: Stored[], at: number, count: number): void {
    const { text, ends, numbers } = this;
    let textAt = this.textAt;
    let v = this.index;
    for (let i = at, stop = at + count; i < stop; i++, v++) {
      const end = ends[v] as number;
      if (end >= 0) {
        into[i] = text.slice(textAt, end);
        textAt = end;
      } else {
        into[i] = end === PACKED_NUMBER ? (numbers[v] as number) : null;
      }
    }
    this.index = v;
    this.textAt = textAt;
  }
}
