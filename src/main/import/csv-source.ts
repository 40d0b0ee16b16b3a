// Reads a CSV file that source.ts has already sniffed (encoding, BOM, delimiter, header
// width): bytes -> text -> records, chunk by chunk. The settings are plain data, so the
// same reading runs in the import worker thread as well as in-thread. It must never hold
// a whole file in memory and never stop at a bad record (the parser reports and skips it).
import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { AppError } from '@shared/errors';
import { CsvParser } from './csv-parser';
import { type ChunkDecoder, createChunkDecoder, type TextEncoding } from './encoding';
import type { BatchOptions, SourceRow, TableSource } from './source';

/** Everything needed to read a sniffed CSV file again; structured-cloneable. */
export interface CsvSettings {
  path: string;
  sizeBytes: number;
  delimiter: string;
  /** Fields every data row has: fewer are padded, more are reported. */
  fieldCount: number;
  hasHeader: boolean;
  encoding: TextEncoding;
  /** UTF-8 guessed from an ASCII-only head: may switch to Windows-1252 while reading. */
  tentative: boolean;
  bomLength: number;
}

/**
 * Bytes read at a time. 64 KiB keeps each chunk's text and buffers below V8's large-object
 * size, so they come from the young generation instead of fresh pages: a 1 MiB chunk made
 * a 1,000,000-row import touch six times as many new pages (and ~100 MB more peak RSS).
 */
const READ_CHUNK = 64 * 1024;
const DEFAULT_BATCH = 5_000;

export const cancelled = (): AppError => new AppError('cancelled', 'The import was cancelled.');

export interface FeedOptions {
  signal?: AbortSignal;
  /** Read with blocking calls: for a worker thread, which has nothing else to do meanwhile. */
  blocking?: boolean;
}

/**
 * Streams the file (after its BOM) through `decoder` into `parser`, yielding the bytes
 * read so far after each chunk; the last yield comes after the parser has been ended.
 * One buffer is reused for every chunk: decoding copies the bytes into a string.
 */
export async function* feedCsv(
  csv: CsvSettings,
  parser: CsvParser,
  decoder: ChunkDecoder,
  opts: FeedOptions = {},
): AsyncGenerator<number> {
  const { signal, blocking = false } = opts;
  if (signal?.aborted) throw cancelled();
  const handle = await open(csv.path, 'r');
  const buffer = Buffer.allocUnsafe(READ_CHUNK);
  let bytesRead = csv.bomLength;
  try {
    for (;;) {
      const n = blocking
        ? readSync(handle.fd, buffer, 0, READ_CHUNK, bytesRead)
        : (await handle.read(buffer, 0, READ_CHUNK, bytesRead)).bytesRead;
      if (n === 0) break;
      if (signal?.aborted) throw cancelled();
      bytesRead += n;
      parser.push(decoder.decode(buffer.subarray(0, n)));
      yield bytesRead;
    }
    parser.push(decoder.end());
    parser.end();
    yield bytesRead;
  } finally {
    await handle.close();
  }
}

/** Cuts a stream of rows into batches of exactly `size` (the last may be shorter). */
class Batcher {
  private carry: SourceRow[] = [];
  constructor(private readonly size: number) {}

  *add(rows: SourceRow[]): Generator<SourceRow[]> {
    const all = this.carry.length === 0 ? rows : this.carry.concat(rows);
    let i = 0;
    while (all.length - i >= this.size) {
      yield all.slice(i, i + this.size);
      i += this.size;
    }
    this.carry = i === 0 ? all : all.slice(i);
  }

  *flush(): Generator<SourceRow[]> {
    if (this.carry.length > 0) yield this.carry;
    this.carry = [];
  }
}

export class CsvSource implements TableSource {
  readonly format = 'csv' as const;
  readonly sheets: string[] = [];
  readonly sheet = null;
  private decoder: ChunkDecoder | null = null;

  constructor(
    readonly csv: CsvSettings,
    readonly headers: string[],
  ) {}

  get sizeBytes(): number {
    return this.csv.sizeBytes;
  }

  get delimiter(): string {
    return this.csv.delimiter;
  }

  /** A guessed UTF-8 may turn out to be Windows-1252 while reading; this says what was used last. */
  get encoding(): string {
    return this.decoder?.encoding ?? this.csv.encoding;
  }

  async *batches(opts: BatchOptions): AsyncGenerator<SourceRow[]> {
    const { signal, onProgress } = opts;
    const batcher = new Batcher(Math.max(1, opts.batchSize ?? DEFAULT_BATCH));
    const decoder = createChunkDecoder(this.csv.encoding, this.csv.tentative);
    this.decoder = decoder;
    const parser = new CsvParser({
      delimiter: this.csv.delimiter,
      header: this.csv.hasHeader,
      fieldCount: this.csv.fieldCount,
      onProblem: opts.onProblem,
    });
    for await (const bytesRead of feedCsv(this.csv, parser, decoder, { signal })) {
      onProgress?.(bytesRead);
      if (parser.pendingRows === 0) continue;
      for (const batch of batcher.add(parser.take())) {
        if (signal?.aborted) throw cancelled();
        yield batch;
      }
    }
    yield* batcher.flush();
  }
}
