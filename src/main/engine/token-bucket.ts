// A provider's rate limit: a token bucket that callers wait on in arrival order. A run
// never sends a provider more than `burst` calls at once or more than `rate` a second
// over time, and a provider's "slow down" (Retry-After) pauses every caller at once.
// It must never spin: waiting is one timer per bucket, armed for the moment the next
// waiter can go, and a cancelled waiter leaves the queue without a scan.
import { AppError } from '@shared/errors';

/**
 * A first-in-first-out queue with O(1) push and shift (an array and a moving head,
 * compacted now and then), so long queues of waiting calls cost nothing to serve.
 */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Empties the queue and returns what was in it, oldest first. */
  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
}

interface Waiter {
  resolve: () => void;
  reject: (error: AppError) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
  /** Granted or cancelled: left in the queue, skipped when it reaches the head. */
  done: boolean;
}

const defaultClock = () => performance.now();

export class TokenBucket {
  private rate = 0;
  private burst = 1;
  private tokens = 0;
  private last: number;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private readonly waiters = new Fifo<Waiter>();
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param ratePerSecond tokens added per second; Infinity never waits; 0 allows the
   *   first `burst` calls and then waits until aborted (or until setRate).
   * @param burst the most tokens saved up (calls that may go at once), at least 1.
   * @param clock milliseconds, monotonic (performance.now by default; tests inject one).
   */
  constructor(
    ratePerSecond: number,
    burst: number,
    private readonly clock: () => number = defaultClock,
  ) {
    this.last = clock();
    this.configure(ratePerSecond, burst);
    this.tokens = this.burst;
  }

  /** Changes the limit in place; callers already waiting keep their place in the queue. */
  setRate(ratePerSecond: number, burst: number = this.burst): void {
    this.refill(this.clock());
    this.configure(ratePerSecond, burst);
    this.tokens = Math.min(this.tokens, this.burst);
    this.rearm();
  }

  /** Nobody gets a token before `time` (clock ms); then one call goes, and the rate resumes. */
  pauseUntil(time: number): void {
    if (!(time > this.pausedUntil)) return;
    this.pausedUntil = time;
    // Saved-up tokens are forfeited: the provider asked us to slow down, so the
    // first call after the pause goes alone rather than with a full burst.
    this.tokens = 1;
    this.last = time;
    this.rearm();
  }

  /** Takes a token now if one is free and nobody is waiting ahead; never waits. */
  tryTake(): boolean {
    if (this.waiters.size > 0) return false;
    return this.consume();
  }

  /** Resolves when this caller's token is granted (first come, first served). */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (this.tryTake()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: null, done: false };
      if (signal) {
        waiter.onAbort = () => {
          if (waiter.done) return;
          waiter.done = true;
          reject(cancelled());
          // The head may have been the one waiting for the timer; let the next one on.
          this.rearm();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.arm();
    });
  }

  /** Callers waiting for a token (cancelled ones may be counted until they reach the head). */
  get waiting(): number {
    return this.waiters.size;
  }

  private configure(ratePerSecond: number, burst: number): void {
    if (!(ratePerSecond >= 0)) {
      throw new AppError(
        'invalid_value',
        `A rate limit must be 0 or more calls a second, not ${ratePerSecond}.`,
      );
    }
    if (!(burst >= 1)) throw new AppError('invalid_value', `A burst must be at least 1, not ${burst}.`);
    this.rate = ratePerSecond;
    this.burst = burst;
  }

  private refill(now: number): void {
    if (now > this.last) {
      if (this.rate > 0 && this.rate !== Number.POSITIVE_INFINITY) {
        this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
      }
      this.last = now;
    }
  }

  private consume(): boolean {
    if (this.rate === Number.POSITIVE_INFINITY && this.pausedUntil === Number.NEGATIVE_INFINITY) return true;
    const now = this.clock();
    if (now < this.pausedUntil) return false;
    if (this.rate === Number.POSITIVE_INFINITY) return true;
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Serves waiters from the head while tokens last, then arms the timer for the next. */
  private serve(): void {
    this.timer = null;
    for (let head = this.waiters.peek(); head !== undefined; head = this.waiters.peek()) {
      if (head.done) {
        this.waiters.shift();
        continue;
      }
      if (!this.consume()) break;
      this.waiters.shift();
      head.done = true;
      if (head.signal && head.onAbort) head.signal.removeEventListener('abort', head.onAbort);
      head.resolve();
    }
    this.arm();
  }

  private rearm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.serve();
  }

  private arm(): void {
    if (this.timer || this.waiters.size === 0) return;
    const now = this.clock();
    let wait: number;
    if (now < this.pausedUntil) {
      wait = this.pausedUntil - now;
    } else if (this.rate === Number.POSITIVE_INFINITY) {
      wait = 0;
    } else if (this.rate === 0) {
      this.refill(now);
      if (this.tokens < 1) return; // nothing will ever come: waiters wait for abort or setRate
      wait = 0;
    } else {
      this.refill(now);
      wait = this.tokens >= 1 ? 0 : ((1 - this.tokens) * 1000) / this.rate;
    }
    this.timer = setTimeout(() => this.serve(), Math.ceil(wait));
  }
}

function cancelled(): AppError {
  return new AppError('cancelled', 'Cancelled while waiting for the rate limit.');
}
