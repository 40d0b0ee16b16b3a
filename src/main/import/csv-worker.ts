// The import worker thread (bundled as out/main/import-worker.js): reads, decodes, parses
// and converts a CSV file and posts the packed rows to the job thread, which inserts them.
// It must never touch the workbook (the job thread owns the one transaction), never run
// more than MAX_BATCHES_IN_FLIGHT batches ahead of the inserts, and never import 'electron'.
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '@shared/errors';
import { MAX_BATCHES_IN_FLIGHT, type PackSpec, packCsvRows, type WorkerMessage } from './packed-rows';

const port = parentPort;
if (!port) throw new Error('csv-worker runs as a worker thread only');

let credits = MAX_BATCHES_IN_FLIGHT;
let wake: (() => void) | null = null;
port.on('message', () => {
  credits++;
  const w = wake;
  wake = null;
  w?.();
});

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function run(spec: PackSpec): Promise<void> {
  try {
    for await (const batch of packCsvRows(spec)) {
      while (credits === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      credits--;
      post({ type: 'batch', batch }, [batch.ends.buffer as ArrayBuffer, batch.numbers.buffer as ArrayBuffer]);
    }
    post({ type: 'done' });
  } catch (error) {
    post({ type: 'error', error: serializeError(error) });
  }
}

void run(workerData as PackSpec);
