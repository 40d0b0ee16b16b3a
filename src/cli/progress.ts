// A one-line terminal progress bar on stderr for CLI jobs; silent when stderr is not a
// terminal, so scripts and logs stay clean.
import type { RunInfo } from '@shared/enrichment';
import type { JobProgress } from '@shared/model';

export function progressLine(stream: NodeJS.WriteStream) {
  const tty = Boolean(stream.isTTY);
  let shown = false;
  return {
    update(p: JobProgress) {
      if (!tty) return;
      const fraction = p.total ? Math.min(1, p.processed / p.total) : 0;
      const width = 30;
      const filled = Math.round(fraction * width);
      const eta = p.etaMs === null ? '' : ` ${Math.ceil(p.etaMs / 1000)}s left`;
      const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0)}% ${p.rows.toLocaleString('en-US')} rows${eta}`;
      stream.write(`\r${line}\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

/** The same bar for an enrichment run: done / total, errors and credits spent. */
export function runProgressLine(stream: NodeJS.WriteStream) {
  const tty = Boolean(stream.isTTY);
  let shown = false;
  return {
    update(run: RunInfo) {
      if (!tty) return;
      const finished = run.done + run.notFound + run.errors + run.outOfCredits;
      const fraction = run.total ? Math.min(1, finished / run.total) : 0;
      const width = 30;
      const filled = Math.round(fraction * width);
      const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${finished.toLocaleString('en-US')} / ${run.total.toLocaleString('en-US')} rows, ${run.errors} errors, ${run.credits} credits`;
      stream.write(`\r${line}\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
