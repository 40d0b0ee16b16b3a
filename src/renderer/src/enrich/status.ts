// How enrichment cell states and runs are named on screen, in one place.
import type { CellStatus, RunInfo } from '@shared/enrichment';

export const STATUS_LABELS: Record<CellStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  not_found: 'Not found',
  error: 'Error',
  skipped: 'Skipped',
  out_of_credits: 'Out of credits',
  cancelled: 'Cancelled',
};

export const RUN_STATUS_LABELS: Record<RunInfo['status'], string> = {
  running: 'Running',
  stopping: 'Stopping',
  stopped: 'Stopped',
  done: 'Done',
  failed: 'Failed',
};

/** Rows a run has finished with, whatever the outcome. */
export const finishedRows = (run: RunInfo): number => run.done + run.notFound + run.errors + run.outOfCredits;

export const runPercent = (run: RunInfo): number =>
  run.total > 0 ? Math.min(100, Math.floor((finishedRows(run) / run.total) * 100)) : 100;
