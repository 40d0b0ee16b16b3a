// Where a CSV import's reading, decoding, parsing and converting runs: in the import
// worker thread when its bundle sits beside the running code (the built app and CLI),
// so the job thread only binds and inserts while the next rows are being parsed; else
// in-thread (vitest runs the TypeScript sources, and a Worker cannot load those). Both
// yield the same packed batches. It must never let the worker run ahead by more than a
// few batches (bounded memory), never leave a worker running after the import has
// ended, failed or been cancelled, and never import 'electron'.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError, deserializeError } from '@shared/errors';
import { cancelled } from './csv-source';
import {
  type PackedBatch,
  type PackSpec,
  packCsvRows,
  type WorkerAck,
  type WorkerMessage,
} from './packed-rows';

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

/** Packed batches of the file's rows, from `workerPath` or (null) from this thread. */
export function packedBatches(
  spec: PackSpec,
  opts: { workerPath: string | null; signal?: AbortSignal },
): AsyncGenerator<PackedBatch> {
  return opts.workerPath ? viaWorker(opts.workerPath, spec, opts.signal) : packCsvRows(spec, opts.signal);
}

async function* viaWorker(path: string, spec: PackSpec, signal?: AbortSignal): AsyncGenerator<PackedBatch> {
  if (signal?.aborted) throw cancelled();
  const worker = new Worker(path, {
    workerData: spec,
    // A roomier young generation: the parser's short-lived strings then die without
    // being copied around (about 15% less time in the worker). The heap stays small.
    resourceLimits: { maxYoungGenerationSizeMb: 48 },
  });
  const queue: PackedBatch[] = [];
  let done = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'batch') queue.push(m.batch);
    else if (m.type === 'done') done = true;
    else failure ??= deserializeError(m.error);
    notify();
  });
  worker.on('error', (error) => {
    failure ??= error;
    notify();
  });
  worker.on('exit', (code) => {
    if (!done)
      failure ??= new AppError('internal', `The import worker stopped unexpectedly (exit code ${code}).`);
    notify();
  });
  signal?.addEventListener('abort', notify);
  const ack: WorkerAck = { type: 'ack' };
  try {
    for (;;) {
      if (signal?.aborted) throw cancelled();
      const batch = queue.shift();
      if (batch) {
        // Taken off the queue: the worker may parse the next one while this one is written.
        worker.postMessage(ack);
        yield batch;
        continue;
      }
      if (failure) throw failure;
      if (done) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal?.removeEventListener('abort', notify);
    await worker.terminate();
  }
}
