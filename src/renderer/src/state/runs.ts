// Enrichment runs as the renderer sees them: the latest state of every run this window
// has heard of (loaded from `runs/list`, kept fresh by `run/progress` and `run/finished`),
// and the credit balance, refreshed as runs spend. Headers, the runs panel and the
// status bar read it; nothing here decides anything.
import type { CreditStatus, RunInfo } from '@shared/enrichment';
import { useSyncExternalStore } from 'react';
import { call, subscribe } from '../api';

type RowsListener = (tableId: number, rowIds: number[]) => void;

class RunStore {
  private runs = new Map<number, RunInfo>();
  private snapshot: RunInfo[] = [];
  private credits: CreditStatus | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly rowListeners = new Set<RowsListener>();
  private started = false;
  private creditTimer: ReturnType<typeof setTimeout> | undefined;

  subscribe = (listener: () => void): (() => void) => {
    this.start();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RunInfo[] => this.snapshot;
  getCredits = (): CreditStatus | null => this.credits;

  /** Rows whose cells a run changed, per table (the grid refreshes just those). */
  onRows(listener: RowsListener): () => void {
    this.start();
    this.rowListeners.add(listener);
    return () => this.rowListeners.delete(listener);
  }

  /** A run this window just started: shown at once, before its first progress event. */
  add(run: RunInfo): void {
    this.put(run);
    this.refreshCredits();
  }

  setCredits(credits: CreditStatus): void {
    this.credits = credits;
    this.emit();
  }

  refreshCredits(): void {
    clearTimeout(this.creditTimer);
    this.creditTimer = setTimeout(() => {
      call('credits/status', {})
        .then((credits) => {
          this.credits = credits;
          this.emit();
        })
        .catch(() => {});
    }, 100);
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    subscribe('run/progress', ({ run, rowIds }) => {
      this.put(run);
      if (rowIds.length > 0) for (const l of this.rowListeners) l(run.tableId, rowIds);
      this.refreshCredits();
    });
    subscribe('run/finished', (run) => {
      this.put(run);
      this.refreshCredits();
    });
    subscribe('credits/changed', (credits) => {
      this.credits = credits;
      this.emit();
    });
    call('runs/list', {})
      .then((runs) => {
        for (const run of runs) if (!this.runs.has(run.id)) this.runs.set(run.id, run);
        this.publish();
      })
      .catch(() => {});
    this.refreshCredits();
  }

  private put(run: RunInfo): void {
    const known = this.runs.get(run.id);
    // Events can overtake each other; a finished run never goes back to running.
    if (known?.finishedAt && !run.finishedAt) return;
    this.runs.set(run.id, run);
    this.publish();
  }

  private publish(): void {
    this.snapshot = [...this.runs.values()].sort((a, b) => b.id - a.id);
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export const runStore = new RunStore();

export const useRuns = (): RunInfo[] => useSyncExternalStore(runStore.subscribe, runStore.getSnapshot);

export const useCredits = (): CreditStatus | null =>
  useSyncExternalStore(runStore.subscribe, runStore.getCredits);

export const isActive = (run: RunInfo): boolean => run.status === 'running' || run.status === 'stopping';

/** The newest run of an enrichment column, if any. */
export function useLatestRun(enrichmentId: number | null): RunInfo | null {
  const runs = useRuns();
  if (enrichmentId === null) return null;
  return runs.find((r) => r.enrichmentId === enrichmentId) ?? null;
}

export function stopRun(runId: number): Promise<{ stopped: boolean }> {
  return call('runs/stop', { runId });
}
