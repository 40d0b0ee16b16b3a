// The import worker thread (bundled as out/main/import-worker.js): reads, decodes, parses
// and converts a CSV file and posts the packed rows to the job thread, which inserts them.
// It must never touch the workbook (the job thread owns the one transaction), never run
// more than MAX_BATCHES_IN_FLIGHT batches ahead of the inserts, and never import 'electron'.
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '@shared/errors';
import {
  MAX_BATCHES_IN_FLIGHT,
  type PackSpec,
  packCsvRows,
  type WorkerInput,
  type WorkerMessage,
} from './packed-rows';

const port = parentPort;
if (!port) throw new Error('csv-worker runs as a worker thread only');

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function run(spec: PackSpec, input: WorkerInput): Promise<void> {
  const taken = new Int32Array(input.taken);
  let posted = 0;
  try {
    for await (const batch of packCsvRows(spec, { blocking: true })) {
      // Blocking is fine here: this thread has nothing to do until main takes a batch.
      // The timeout only bounds how long a missed wake-up could stall it.
      for (let seen = Atomics.load(taken, 0); posted - seen >= MAX_BATCHES_IN_FLIGHT; ) {
        Atomics.wait(taken, 0, seen, 100);
        seen = Atomics.load(taken, 0);
      }
      posted++;
      post({ type: 'batch', batch }, [batch.ends.buffer as ArrayBuffer, batch.numbers.buffer as ArrayBuffer]);
    }
    post({ type: 'done' });
  } catch (error) {
    post({ type: 'error', error: serializeError(error) });
  }
}

// Started before the import knows its columns (to boot meanwhile); the spec follows.
port.once('message', (spec: PackSpec) => void run(spec, workerData as WorkerInput));
