// Runs one run's provider calls: at most `concurrency` in flight, each provider's rate
// limit (a token bucket shared by all its calls), a timeout per attempt, and retries
// with exponential backoff and full jitter that honour a provider's Retry-After.
// Stop is one AbortSignal: in-flight attempts are aborted, nothing queued starts and
// nothing is retried, so a stopped run stops spending at once. It must never start a
// call after the signal fired, nor hold more than `concurrency` calls in flight.
//
// Built for ≥10,000 calls/s: a free slot and a free token are taken synchronously, the
// semaphore is a counter plus a FIFO, and timeouts share a single timer (every attempt
// has the same time limit, so deadlines come in start order: a linked list whose head
// is always the next to expire, no timer per call).
import { AppError } from '@shared/errors';
import { Fifo, TokenBucket } from './token-bucket';

export type CallErrorKind = 'timeout' | 'http' | 'network' | 'invalid_response' | 'cancelled';

/** A Retry-After longer than this is cut to it: a run should not sleep for hours. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** A provider call that failed, and whether trying again may help. */
export class CallError extends Error {
  override readonly name = 'CallError';
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly retryable: boolean;
  /** A short excerpt of the response body, for the cell's audit. */
  readonly body: string | undefined;

  constructor(
    readonly kind: CallErrorKind,
    message: string,
    opts: { status?: number; retryAfterMs?: number; retryable?: boolean; body?: string } = {},
  ) {
    super(message);
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.body = opts.body;
    this.retryable = opts.retryable ?? defaultRetryable(kind, opts.status);
  }
}

function defaultRetryable(kind: CallErrorKind, status: number | undefined): boolean {
  if (kind === 'timeout' || kind === 'network') return true;
  if (kind !== 'http' || status === undefined) return false;
  return (
    status === 408 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504
  );
}

/**
 * Milliseconds to wait from a Retry-After header: delay-seconds or an HTTP-date.
 * Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface SchedulerOptions {
  /** Max calls in flight for this run. */
  concurrency: number;
  /** Stop: in-flight calls are aborted, nothing queued starts, nothing new is retried. */
  signal: AbortSignal;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** Default 4. */
  maxAttempts?: number;
  /** Exponential backoff with full jitter (defaults 500 ms / 30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Milliseconds, monotonic; shared with the rate limits (tests inject one). */
  clock?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: CallError }) => void;
}

interface Task {
  bucket: TokenBucket;
  fn: (signal: AbortSignal) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Attempts started. */
  attempt: number;
  /** The running attempt's controller; null between attempts and once it timed out. */
  controller: AbortController | null;
  deadline: number;
  prev: Task | null;
  next: Task | null;
}

export class Scheduler {
  private readonly concurrency: number;
  private readonly signal: AbortSignal;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly clock: () => number;
  private readonly onRetry: SchedulerOptions['onRetry'];

  private readonly buckets = new Map<string, TokenBucket>();
  private active = 0;
  private readonly waitingForSlot = new Fifo<Task>();
  /** Attempts in flight, oldest (earliest deadline) first. */
  private head: Task | null = null;
  private tail: Task | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private cancelledError: CallError | null = null;
  private startedCount = 0;

  constructor(opts: SchedulerOptions) {
    if (!(opts.concurrency >= 1)) {
      throw new AppError('invalid_value', `Concurrency must be at least 1, not ${opts.concurrency}.`);
    }
    this.concurrency = opts.concurrency;
    this.signal = opts.signal;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 4);
    this.baseDelayMs = opts.baseDelayMs ?? 500;
    this.maxDelayMs = opts.maxDelayMs ?? 30_000;
    this.random = opts.random ?? Math.random;
    this.sleep = opts.sleep ?? abortableSleep;
    this.clock = opts.clock ?? (() => performance.now());
    this.onRetry = opts.onRetry;
    if (!this.signal.aborted) this.signal.addEventListener('abort', () => this.stop(), { once: true });
  }

  /** Calls started so far (attempts), for tests/metrics. */
  get started(): number {
    return this.startedCount;
  }

  /** Calls in flight or waiting for a slot, for progress and tests. */
  get pending(): { active: number; queued: number } {
    return { active: this.active, queued: this.waitingForSlot.size };
  }

  /**
   * Per-provider limit shared by every call for that provider within this scheduler (a
   * token bucket). Calling it again changes the limit; calls already waiting keep their turn.
   */
  limit(providerId: string, ratePerSecond: number, burst?: number): void {
    const b = burst ?? Math.max(1, Math.min(ratePerSecond, 1_000_000));
    const existing = this.buckets.get(providerId);
    if (existing) existing.setRate(ratePerSecond, b);
    else this.buckets.set(providerId, new TokenBucket(ratePerSecond, b, this.clock));
  }

  /**
   * Runs fn(signal) when a concurrency slot and a token for providerId are free; retries
   * retryable CallErrors with backoff and jitter (Retry-After pauses the whole provider)
   * up to maxAttempts; non-retryable errors reject at once, other errors pass through
   * untouched. After abort: rejects with CallError('cancelled') and fn never (re)starts.
   */
  run<T>(providerId: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.signal.aborted) return Promise.reject(this.cancelled());
    let bucket = this.buckets.get(providerId);
    if (!bucket) {
      // No limit set: unlimited, but still a place to honour the provider's Retry-After.
      bucket = new TokenBucket(Number.POSITIVE_INFINITY, 1, this.clock);
      this.buckets.set(providerId, bucket);
    }
    return new Promise<T>((resolve, reject) => {
      const task: Task = {
        bucket: bucket,
        fn,
        resolve: resolve as (value: unknown) => void,
        reject,
        attempt: 0,
        controller: null,
        deadline: 0,
        prev: null,
        next: null,
      };
      this.enqueue(task);
    });
  }

  private enqueue(task: Task): void {
    if (this.signal.aborted) {
      task.reject(this.cancelled());
    } else if (this.active < this.concurrency) {
      this.active++;
      this.withSlot(task);
    } else {
      this.waitingForSlot.push(task);
    }
  }

  /** The task holds a slot: wait for its provider's token, then start it. */
  private withSlot(task: Task): void {
    if (task.bucket.tryTake()) {
      this.start(task);
      return;
    }
    task.bucket.take(this.signal).then(
      () => this.start(task),
      () => {
        this.releaseSlot();
        task.reject(this.cancelled());
      },
    );
  }

  private releaseSlot(): void {
    const next = this.waitingForSlot.shift();
    if (next) this.withSlot(next);
    else this.active--;
  }

  private start(task: Task): void {
    if (this.signal.aborted) {
      this.releaseSlot();
      task.reject(this.cancelled());
      return;
    }
    this.startedCount++;
    task.attempt++;
    const controller = new AbortController();
    task.controller = controller;
    task.deadline = this.clock() + this.timeoutMs;
    this.append(task);
    if (this.watchdog === null) this.armWatchdog(task.deadline);
    let promise: Promise<unknown>;
    try {
      promise = task.fn(controller.signal);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (value) => {
        this.releaseSlot();
        // Already timed out or cancelled: that outcome stands, the late answer is dropped.
        if (controller.signal.aborted) return;
        this.remove(task);
        task.controller = null;
        task.resolve(value);
      },
      (error) => {
        this.releaseSlot();
        if (controller.signal.aborted) return;
        this.remove(task);
        task.controller = null;
        this.failed(task, error);
      },
    );
  }

  private failed(task: Task, error: unknown): void {
    if (this.signal.aborted) {
      task.reject(this.cancelled());
      return;
    }
    if (!(error instanceof CallError) || !error.retryable || task.attempt >= this.maxAttempts) {
      task.reject(error);
      return;
    }
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (task.attempt - 1));
    let delayMs = Math.round(this.random() * ceiling);
    if (error.retryAfterMs !== undefined) {
      // The provider said when: honoured even past maxDelayMs, within reason, and for
      // every call to that provider, not only this one.
      const retryAfter = Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS);
      task.bucket.pauseUntil(this.clock() + retryAfter);
      delayMs = Math.max(delayMs, retryAfter);
    }
    this.onRetry?.({ attempt: task.attempt, delayMs, error });
    this.sleep(delayMs, this.signal).then(
      () => this.enqueue(task),
      () => task.reject(this.cancelled()),
    );
  }

  /** Stop: abort what is in flight, drop what waits; sleepers and bucket waiters see the signal. */
  private stop(): void {
    const error = this.cancelled();
    for (let task = this.head; task !== null; task = task.next) {
      const controller = task.controller;
      task.controller = null;
      controller?.abort(error);
      task.reject(error);
    }
    this.head = this.tail = null;
    for (const task of this.waitingForSlot.drain()) task.reject(error);
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  private checkDeadlines(): void {
    this.watchdog = null;
    const now = this.clock();
    while (this.head !== null && this.head.deadline <= now) {
      const task = this.head;
      this.remove(task);
      const controller = task.controller;
      task.controller = null;
      const error = new CallError('timeout', `No answer within ${Math.round(this.timeoutMs / 100) / 10} s.`);
      // The slot stays taken until fn gives up (it must honour its signal): that keeps
      // the concurrency promise even for a call that ignores the abort for a while.
      controller?.abort(error);
      this.failed(task, error);
    }
    if (this.head !== null) this.armWatchdog(this.head.deadline);
  }

  private armWatchdog(deadline: number): void {
    this.watchdog = setTimeout(() => this.checkDeadlines(), Math.max(1, Math.ceil(deadline - this.clock())));
    // In-flight calls keep the process alive by themselves; a stale deadline must not.
    this.watchdog.unref();
  }

  private append(task: Task): void {
    task.prev = this.tail;
    task.next = null;
    if (this.tail) this.tail.next = task;
    else this.head = task;
    this.tail = task;
  }

  private remove(task: Task): void {
    if (task.prev) task.prev.next = task.next;
    else if (this.head === task) this.head = task.next;
    else return; // not in the list
    if (task.next) task.next.prev = task.prev;
    else this.tail = task.prev;
    task.prev = task.next = null;
  }

  /** One error object for every call a Stop cancels: a stopped run may drop thousands. */
  private cancelled(): CallError {
    this.cancelledError ??= new CallError('cancelled', 'The run was stopped.');
    return this.cancelledError;
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
