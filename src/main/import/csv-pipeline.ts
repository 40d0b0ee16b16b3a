// Where a CSV import's reading, decoding, parsing and converting runs: in the import
// worker thread when its bundle sits beside the running code (the built app and CLI),
// so the job thread only binds and inserts while the next rows are being parsed; else
// in-thread (vitest runs the TypeScript sources, and a Worker cannot load those). Both
// yield the same packed batches; a worker that cannot start falls back to in-thread.
// It must never let the worker run ahead by more than a few batches (bounded memory),
// never leave a worker running after the import has ended, failed or been cancelled,
// and never import 'electron'.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError, deserializeError } from '@shared/errors';
import { createLogger } from '../logger';
import { cancelled } from './csv-source';
import {
  type PackedBatch,
  type PackSpec,
  packCsvRows,
  type WorkerInput,
  type WorkerMessage,
} from './packed-rows';

const log = createLogger('import');

/** The worker bundle's file name: the `import-worker` entry in electron.vite.config.ts. */
export const CSV_WORKER_FILE = 'import-worker.js';

/**
 * The import worker bundle, or null when there is none (running from sources). The code
 * calling this is bundled either into an entry file (out/main/*.js, beside the worker) or
 * into a shared chunk one folder down (out/main/chunks/), so both places are looked at.
 */
export function findCsvWorker(dir: string = __dirname): string | null {
  for (const candidate of [join(dir, CSV_WORKER_FILE), join(dir, '..', CSV_WORKER_FILE)]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * Packed batches of one CSV import, from a worker or from this thread. The worker is
 * started on creation, so that it boots while the import prepares its table; close()
 * must be called in every case (it stops the worker).
 */
export class CsvFeed {
  private readonly worker: Worker | null;
  private readonly taken = new Int32Array(new SharedArrayBuffer(4));
  private readonly queue: PackedBatch[] = [];
  private done = false;
  /** The worker has sent something: it loaded and ran, so a failure from now on is the import's. */
  private heard = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(workerPath: string | null) {
    this.worker = workerPath ? this.start(workerPath) : null;
  }

  batches(spec: PackSpec, signal?: AbortSignal): AsyncGenerator<PackedBatch> {
    return this.worker ? this.fromWorker(this.worker, spec, signal) : packCsvRows(spec, { signal });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  private start(path: string): Worker {
    const input: WorkerInput = { taken: this.taken.buffer as SharedArrayBuffer };
    const worker = new Worker(path, { workerData: input });
    worker.on('message', (m: WorkerMessage) => {
      this.heard = true;
      if (m.type === 'batch') this.queue.push(m.batch);
      else if (m.type === 'done') this.done = true;
      else this.failure ??= deserializeError(m.error);
      this.notify();
    });
    worker.on('error', (error) => {
      this.failure ??= error;
      this.notify();
    });
    worker.on('exit', (code) => {
      if (!this.done)
        this.failure ??= new AppError(
          'internal',
          `The import worker stopped unexpectedly (exit code ${code}).`,
        );
      this.notify();
    });
    return worker;
  }

  private readonly notify = (): void => {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  };

  private async *fromWorker(
    worker: Worker,
    spec: PackSpec,
    signal?: AbortSignal,
  ): AsyncGenerator<PackedBatch> {
    if (signal?.aborted) throw cancelled();
    worker.postMessage(spec);
    signal?.addEventListener('abort', this.notify);
    try {
      for (;;) {
        if (signal?.aborted) throw cancelled();
        const batch = this.queue.shift();
        if (batch) {
          // Taken off the queue: the worker may parse more while this one is written.
          Atomics.add(this.taken, 0, 1);
          Atomics.notify(this.taken, 0);
          yield batch;
          continue;
        }
        if (this.failure && !this.heard) {
          // The worker could not even start (a broken or unloadable bundle): the
          // import still runs, in this thread, and the log says why it is slower.
          log.warn('The CSV import worker failed to start; parsing in-thread instead', {
            error: this.failure.message,
          });
          yield* packCsvRows(spec, { signal });
          return;
        }
        if (this.failure) throw this.failure;
        if (this.done) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      signal?.removeEventListener('abort', this.notify);
    }
  }
}
