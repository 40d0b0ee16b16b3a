import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket } from '../../../src/main/engine/token-bucket';

// A fake clock: vitest's fake timers move Date.now and fire timers together.
const clock = () => Date.now();

describe('TokenBucket', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Starts `n` takes at once and records when each was granted, relative to the start. */
  function grantTimes(
    bucket: TokenBucket,
    n: number,
    signal?: AbortSignal,
  ): { times: number[]; all: Promise<unknown> } {
    const t0 = Date.now();
    const times: number[] = [];
    const all = Promise.allSettled(
      Array.from({ length: n }, (_, i) =>
        bucket.take(signal).then(() => {
          times[i] = Date.now() - t0;
        }),
      ),
    );
    return { times, all };
  }

  it('lets a burst through at once, then one call per 1/rate seconds, never more in any second', async () => {
    const bucket = new TokenBucket(10, 5, clock);
    const { times, all } = grantTimes(bucket, 25);
    await vi.advanceTimersByTimeAsync(3_000);
    await all;
    expect(times.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(times.slice(5)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 100));
    for (const start of times) {
      const inWindow = times.filter((t) => t >= start && t < start + 1_000).length;
      expect(inWindow).toBeLessThanOrEqual(5 + 10);
    }
  });

  it('serves callers in arrival order, and a newcomer does not jump a waiting queue', async () => {
    const bucket = new TokenBucket(1, 1, clock);
    const order: string[] = [];
    const waits = ['a', 'b', 'c'].map((id) => bucket.take().then(() => order.push(id)));
    await vi.advanceTimersByTimeAsync(1_500); // a at 0, b at 1000; c still waits
    expect(bucket.tryTake()).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(waits);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('rejects a cancelled waiter with AppError cancelled, and its turn goes to the next caller', async () => {
    const bucket = new TokenBucket(1, 1, clock);
    await bucket.take();
    const controller = new AbortController();
    const cancelled = bucket.take(controller.signal);
    const next = bucket.take();
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ name: 'AppError', code: 'cancelled' });
    let granted = false;
    void next.then(() => {
      granted = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(granted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toBe(true);
    await expect(bucket.take(controller.signal)).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('never waits at rate Infinity, and arms no timer', async () => {
    const bucket = new TokenBucket(Number.POSITIVE_INFINITY, 1, clock);
    await Promise.all(Array.from({ length: 10_000 }, () => bucket.take()));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('at rate 0 allows the burst, then waits without a timer until aborted or given a rate', async () => {
    const bucket = new TokenBucket(0, 2, clock);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(true);
    const controller = new AbortController();
    const stuck = bucket.take(controller.signal);
    const later = bucket.take();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(vi.getTimerCount()).toBe(0);
    controller.abort();
    await expect(stuck).rejects.toMatchObject({ code: 'cancelled' });
    bucket.setRate(10, 1);
    await vi.advanceTimersByTimeAsync(100);
    await expect(later).resolves.toBeUndefined();
  });

  it('grants nothing during a pause, then one call, then the rate resumes', async () => {
    const bucket = new TokenBucket(10, 10, clock);
    bucket.pauseUntil(Date.now() + 1_000);
    const { times, all } = grantTimes(bucket, 3);
    await vi.advanceTimersByTimeAsync(2_000);
    await all;
    expect(times).toEqual([1_000, 1_100, 1_200]);
  });

  it('refuses rates and bursts that make no sense', () => {
    expect(() => new TokenBucket(-1, 1)).toThrow(/rate limit/);
    expect(() => new TokenBucket(Number.NaN, 1)).toThrow(/rate limit/);
    expect(() => new TokenBucket(1, 0)).toThrow(/burst/);
  });
});
