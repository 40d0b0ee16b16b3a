// Long jobs (imports, exports) have a lifecycle: start -> progress -> done | cancelled
// | failed, each with an AbortController so Cancel stops the work at once. Progress
// events are coalesced to at most ~10 a second per job so the renderer never drowns.
import { randomUUID } from 'node:crypto';
import { AppError, serializeError } from '@shared/errors';
import type { ExportResult, ImportResult, JobInfo, JobKind, JobProgress } from '@shared/model';
import type { EventBus } from '../ipc/event-bus';
import { createLogger } from '../logger';

const log = createLogger('jobs');
const PROGRESS_INTERVAL_MS = 100;
const KEEP_FINISHED = 20;

export interface JobContext {
  signal: AbortSignal;
  /** Reports progress; cheap to call often (coalesced). */
  progress(update: Omit<JobProgress, 'jobId' | 'kind' | 'etaMs'>): void;
}

interface Job {
  info: JobInfo;
  controller: AbortController;
  startedAt: number;
  lastEmit: number;
  pending: JobProgress | null;
  timer: NodeJS.Timeout | null;
}

export class JobManager {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly events: EventBus) {}

  /** Starts a job and returns its id at once; the work runs in the background. */
  start(
    kind: JobKind,
    title: string,
    work: (ctx: JobContext) => Promise<ImportResult | ExportResult>,
  ): string {
    const jobId = randomUUID();
    const job: Job = {
      info: { jobId, kind, status: 'running', title, progress: null, result: null, error: null },
      controller: new AbortController(),
      startedAt: performance.now(),
      lastEmit: 0,
      pending: null,
      timer: null,
    };
    this.jobs.set(jobId, job);
    const ctx: JobContext = {
      signal: job.controller.signal,
      progress: (update) => this.progress(job, update),
    };
    void this.run(job, work, ctx);
    return jobId;
  }

  /** Resolves when the job has finished, with its final info. */
  async wait(jobId: string): Promise<JobInfo> {
    const job = this.jobs.get(jobId);
    if (!job) throw new AppError('not_found', 'No such job.');
    if (job.info.status !== 'running') return job.info;
    return new Promise((resolve) => {
      const off = this.events.subscribe((event, payload) => {
        if (event === 'job/finished' && (payload as JobInfo).jobId === jobId) {
          off();
          resolve(payload as JobInfo);
        }
      });
    });
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => j.info);
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (job?.info.status !== 'running') return false;
    job.controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const job of this.jobs.values()) job.controller.abort();
  }

  private async run(
    job: Job,
    work: (ctx: JobContext) => Promise<ImportResult | ExportResult>,
    ctx: JobContext,
  ) {
    try {
      job.info.result = await work(ctx);
      // A job that keeps what it did before a Stop (a LinkedIn import) answers its result: stopped all the same.
      job.info.status = job.controller.signal.aborted ? 'cancelled' : 'done';
    } catch (error) {
      const cancelled =
        job.controller.signal.aborted || (error instanceof AppError && error.code === 'cancelled');
      job.info.status = cancelled ? 'cancelled' : 'failed';
      if (!cancelled) {
        // A user's bad file is not an app failure: only unexpected errors log as errors.
        if (error instanceof AppError && error.code !== 'internal')
          log.info(`${job.info.kind} job failed`, error);
        else log.error(`${job.info.kind} job failed`, error);
        const { code, message } = serializeError(error);
        job.info.error = { code, message };
      }
    }
    if (job.timer) clearTimeout(job.timer);
    this.flush(job);
    this.events.emit('job/finished', job.info);
    this.prune();
  }

  private progress(job: Job, update: Omit<JobProgress, 'jobId' | 'kind' | 'etaMs'>): void {
    const elapsed = performance.now() - job.startedAt;
    const fraction = update.total ? update.processed / update.total : 0;
    const etaMs = fraction > 0.01 && elapsed > 500 ? Math.round((elapsed / fraction) * (1 - fraction)) : null;
    job.pending = { jobId: job.info.jobId, kind: job.info.kind, etaMs, ...update };
    const wait = job.lastEmit + PROGRESS_INTERVAL_MS - performance.now();
    if (wait <= 0) this.flush(job);
    else if (!job.timer) {
      job.timer = setTimeout(() => {
        job.timer = null;
        this.flush(job);
      }, wait);
    }
  }

  private flush(job: Job): void {
    if (!job.pending) return;
    job.info.progress = job.pending;
    job.pending = null;
    job.lastEmit = performance.now();
    this.events.emit('job/progress', job.info.progress);
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.info.status !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
      this.jobs.delete(job.info.jobId);
  }
}
