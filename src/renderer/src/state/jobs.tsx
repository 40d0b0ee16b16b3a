// Import and export jobs as the renderer sees them: live progress from `job/progress`,
// the final JobInfo from `job/finished`. Finished jobs are remembered, because a tiny
// file can finish before `import/start` has even returned its jobId to the dialog.
import type { JobInfo, JobKind, JobProgress } from '@shared/model';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { call, errorMessage, subscribe } from '../api';
import { useToast } from './toasts';

export interface JobEntry {
  jobId: string;
  kind: JobKind;
  title: string;
  progress: JobProgress | null;
  /** set once the job has finished (done, failed or cancelled) */
  finished: JobInfo | null;
}

export interface FinishedContext {
  /** a dialog is showing this job */
  watched: boolean;
  /** this window started the job */
  own: boolean;
}
type FinishedListener = (info: JobInfo, context: FinishedContext) => void;

export class JobStore {
  private jobs = new Map<string, JobEntry>();
  private snapshot: JobEntry[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly finishedListeners = new Set<FinishedListener>();
  /** jobs a dialog is showing; they need no toast of their own */
  private readonly watched = new Map<string, number>();
  private readonly own = new Set<string>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): JobEntry[] => this.snapshot;

  get(jobId: string): JobEntry | undefined {
    return this.jobs.get(jobId);
  }

  /**
   * This window started the job. If it already finished (the event can beat the reply
   * to `import/start`), the finish is announced again, now as our own.
   */
  track(jobId: string, kind: JobKind, title: string): void {
    this.own.add(jobId);
    const entry = this.jobs.get(jobId);
    if (!entry) {
      this.set({ jobId, kind, title, progress: null, finished: null });
    } else if (entry.finished) {
      this.announce(entry.finished);
    }
  }

  watch(jobId: string): () => void {
    this.watched.set(jobId, (this.watched.get(jobId) ?? 0) + 1);
    return () => {
      const n = (this.watched.get(jobId) ?? 1) - 1;
      if (n <= 0) this.watched.delete(jobId);
      else this.watched.set(jobId, n);
    };
  }

  onFinished(listener: FinishedListener): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  progress(p: JobProgress): void {
    const entry = this.jobs.get(p.jobId);
    if (entry?.finished) return;
    this.set({
      jobId: p.jobId,
      kind: p.kind,
      title: entry?.title ?? defaultTitle(p.kind),
      progress: p,
      finished: null,
    });
  }

  finish(info: JobInfo): void {
    const entry = this.jobs.get(info.jobId);
    if (entry?.finished) return;
    this.set({
      jobId: info.jobId,
      kind: info.kind,
      title: info.title || entry?.title || defaultTitle(info.kind),
      progress: info.progress ?? entry?.progress ?? null,
      finished: info,
    });
    this.announce(info);
  }

  private announce(info: JobInfo): void {
    const context = { watched: this.watched.has(info.jobId), own: this.own.has(info.jobId) };
    for (const listener of this.finishedListeners) listener(info, context);
  }

  seed(list: JobInfo[]): void {
    for (const info of list) {
      if (this.jobs.has(info.jobId) || info.status !== 'running') continue;
      this.set({
        jobId: info.jobId,
        kind: info.kind,
        title: info.title,
        progress: info.progress,
        finished: null,
      });
    }
  }

  private set(entry: JobEntry): void {
    this.jobs.set(entry.jobId, entry);
    // Forget old finished jobs so the map does not grow all day.
    if (this.jobs.size > 50) {
      for (const [id, job] of this.jobs) {
        if (job.finished && this.jobs.size > 50) {
          this.jobs.delete(id);
          this.own.delete(id);
        }
      }
    }
    this.snapshot = [...this.jobs.values()];
    for (const listener of this.listeners) listener();
  }
}

const defaultTitle = (kind: JobKind): string => (kind === 'import' ? 'Import' : 'Export');

const JobsContext = createContext<JobStore | null>(null);

export function JobsProvider({ children }: { children: ReactNode }) {
  const store = useMemo(() => new JobStore(), []);
  const toast = useToast();

  useEffect(() => {
    const offProgress = subscribe('job/progress', (p) => store.progress(p));
    const offFinished = subscribe('job/finished', (info) => store.finish(info));
    call('jobs/list', {})
      .then((list) => store.seed(list))
      .catch((error) => toast.error(error, 'Could not list running jobs'));
    return () => {
      offProgress();
      offFinished();
    };
  }, [store, toast]);

  return <JobsContext.Provider value={store}>{children}</JobsContext.Provider>;
}

export function useJobStore(): JobStore {
  const store = useContext(JobsContext);
  if (!store) throw new Error('useJobStore outside JobsProvider');
  return store;
}

export function useJobs(): JobEntry[] {
  const store = useJobStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** One job's live state. */
export function useJob(jobId: string | null): JobEntry | null {
  const jobs = useJobs();
  return jobId ? (jobs.find((j) => j.jobId === jobId) ?? null) : null;
}

/**
 * For a dialog that starts a job and shows its end itself: returns `begin(jobId, ...)`,
 * which marks the job as shown (so the app does not toast it too) before tracking it.
 */
export function useOwnJob(kind: JobKind) {
  const store = useJobStore();
  const [jobId, setJobId] = useState<string | null>(null);
  const unwatch = useRef<(() => void) | null>(null);
  useEffect(() => () => unwatch.current?.(), []);
  const begin = useCallback(
    (id: string, title: string) => {
      unwatch.current?.();
      unwatch.current = store.watch(id);
      store.track(id, kind, title);
      setJobId(id);
    },
    [store, kind],
  );
  return { jobId, job: useJob(jobId), begin };
}

/**
 * The flow every job dialog has (import, export, LinkedIn import): start one job at a
 * time, its failure to start as the dialog's error; follow it; cancel it, a failure to
 * cancel as a toast. `run` asks the main process to start and names the job, or gives
 * null when the user backed out (a save dialog closed).
 */
export function useJobDialog(kind: JobKind, cancelFailed: string) {
  const toast = useToast();
  const own = useOwnJob(kind);
  const [starting, setStarting] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const { begin, jobId } = own;

  const start = useCallback(
    async (run: () => Promise<{ jobId: string; title: string } | null>) => {
      setStarting(true);
      setStartError(null);
      try {
        const started = await run();
        if (started) begin(started.jobId, started.title);
      } catch (error) {
        setStartError(errorMessage(error));
      } finally {
        setStarting(false);
      }
    },
    [begin],
  );

  const cancel = useCallback(async () => {
    if (!jobId) return;
    setCancelling(true);
    try {
      await cancelJob(jobId);
    } catch (error) {
      toast.error(error, cancelFailed);
      setCancelling(false);
    }
  }, [jobId, toast, cancelFailed]);

  return { jobId, job: own.job, starting, cancelling, startError, start, cancel };
}

export async function cancelJob(jobId: string): Promise<boolean> {
  const { cancelled } = await call('jobs/cancel', { jobId });
  return cancelled;
}
