import { afterEach, describe, expect, it, vi } from 'vitest';
import { type HttpRequestConfig, runHttpRequest } from '../../../src/main/engine/http-request-action';
import {
  CallError,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  Scheduler,
} from '../../../src/main/engine/scheduler';
import { type HttpFake, startHttpFake } from '../../fakes/http-fake';

const instantSleep = (_ms: number, signal: AbortSignal) =>
  signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();

let fake: HttpFake | null = null;
afterEach(async () => {
  vi.useRealTimers();
  await fake?.close();
  fake = null;
});

function config(url: string, extra: Partial<HttpRequestConfig> = {}): HttpRequestConfig {
  return {
    method: 'GET',
    url,
    headers: {},
    body: null,
    outputs: [{ key: 'ok', path: 'ok' }],
    ratePerSecond: 1_000,
    ...extra,
  };
}

/** Calls the fake through the scheduler, the way the engine does, once per row. */
function callFake(scheduler: Scheduler, f: HttpFake, rows: number, extra: Partial<HttpRequestConfig> = {}) {
  const c = config(`${f.url}/find?q={{Q}}`, extra);
  return Array.from({ length: rows }, (_, i) =>
    scheduler.run('fake', (signal) => runHttpRequest(c, { Q: i }, signal)),
  );
}

describe('Scheduler against a loopback provider', () => {
  it('never has more calls in flight than its concurrency, and uses all of it', async () => {
    fake = await startHttpFake({ latencyMs: 5 });
    const scheduler = new Scheduler({ concurrency: 8, signal: new AbortController().signal });
    const results = await Promise.all(callFake(scheduler, fake, 200));
    expect(results.every((r) => r.status === 'done')).toBe(true);
    expect(fake.requests).toBe(200);
    expect(fake.maxInFlight).toBe(8);
    expect(scheduler.started).toBe(200);
  });

  it('keeps to the provider rate limit over real time', async () => {
    fake = await startHttpFake();
    const scheduler = new Scheduler({ concurrency: 16, signal: new AbortController().signal });
    scheduler.limit('fake', 40, 4);
    await Promise.all(callFake(scheduler, fake, 24));
    const times = fake.log.map((l) => l.at);
    const first = times[0] as number;
    // 4 at once, then one per 25 ms: the 24th is sent 500 ms after the first. Measured on
    // arrival, the first call may come late by its connection set-up (seen: 12 ms on a
    // loaded machine), so allow one interval of that.
    expect((times[23] as number) - first).toBeGreaterThanOrEqual(500 - 25);
    for (const start of times) {
      expect(times.filter((t) => t >= start && t < start + 250).length).toBeLessThanOrEqual(4 + 10 + 1);
    }
  });

  it('honours a 429 storm with Retry-After: 1 — no call before it elapses — and then succeeds', async () => {
    let stormUntil = Number.POSITIVE_INFINITY;
    fake = await startHttpFake({
      handler: (req) => {
        if (req.n <= 4 && performance.now() < stormUntil) {
          stormUntil = Math.min(stormUntil, performance.now() + 1_000);
          return { status: 429, headers: { 'retry-after': '1' }, body: '{"error":"rate limited"}' };
        }
        return { status: 200, body: '{"ok":true}' };
      },
    });
    const retries: { at: number; delayMs: number }[] = [];
    let stormAnswered: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      stormAnswered = resolve;
    });
    const scheduler = new Scheduler({
      concurrency: 4,
      signal: new AbortController().signal,
      onRetry: (info) => {
        retries.push({ at: performance.now(), delayMs: info.delayMs });
        if (retries.length === 4) stormAnswered();
      },
    });
    const calls = callFake(scheduler, fake, 4);
    await answered;
    calls.push(...callFake(scheduler, fake, 4));
    const results = await Promise.all(calls);
    expect(results.every((r) => r.status === 'done')).toBe(true);
    expect(fake.requests).toBe(12); // 4 refused, 4 retried, 4 new
    expect(retries.every((r) => r.delayMs >= 1_000)).toBe(true);
    // Once the provider said "1 second", nothing more reached it for a second: neither
    // the retries nor the calls queued since.
    const lastSlowDown = Math.max(...retries.map((r) => r.at));
    const early = fake.log.slice(4).filter((l) => l.at < lastSlowDown + 1_000 - 2);
    expect(early).toEqual([]);
  });

  it('retries a 503 and returns the success', async () => {
    fake = await startHttpFake({
      handler: (req) =>
        req.n === 1 ? { status: 503, body: 'down for maintenance' } : { status: 200, body: '{"ok":"yes"}' },
    });
    const scheduler = new Scheduler({
      concurrency: 1,
      signal: new AbortController().signal,
      sleep: instantSleep,
    });
    const [result] = await Promise.all(callFake(scheduler, fake, 1));
    expect(result).toMatchObject({ status: 'done', values: { ok: 'yes' } });
    expect(fake.requests).toBe(2);
  });

  it('does not retry a 400, and reports its status and body', async () => {
    fake = await startHttpFake({ handler: () => ({ status: 400, body: '{"error":"domain is required"}' }) });
    const scheduler = new Scheduler({
      concurrency: 1,
      signal: new AbortController().signal,
      sleep: instantSleep,
    });
    const [call] = callFake(scheduler, fake, 1);
    await expect(call).rejects.toMatchObject({
      name: 'CallError',
      kind: 'http',
      status: 400,
      retryable: false,
      message: expect.stringContaining('domain is required'),
    });
    expect(fake.requests).toBe(1);
  });

  it('does not retry a garbage body: invalid_response with the start of the body', async () => {
    fake = await startHttpFake({ handler: () => ({ status: 200, body: '<html>Bad gateway</html>' }) });
    const scheduler = new Scheduler({
      concurrency: 1,
      signal: new AbortController().signal,
      sleep: instantSleep,
    });
    const [call] = callFake(scheduler, fake, 1);
    await expect(call).rejects.toMatchObject({
      kind: 'invalid_response',
      message: expect.stringContaining('<html>Bad'),
    });
    expect(fake.requests).toBe(1);
  });

  it('times out a call that does not answer, retries it, then fails with timeout', async () => {
    fake = await startHttpFake({ handler: () => new Promise(() => {}) });
    const scheduler = new Scheduler({
      concurrency: 2,
      signal: new AbortController().signal,
      timeoutMs: 50,
      maxAttempts: 3,
      sleep: instantSleep,
    });
    const [call] = callFake(scheduler, fake, 1);
    await expect(call).rejects.toMatchObject({ kind: 'timeout', retryable: true });
    expect(scheduler.started).toBe(3);
    await fake.waitFor(() => fake?.requests === 3 && fake.inFlight === 0);
  });

  it('on Stop aborts in-flight calls, starts nothing queued and cancels everything', async () => {
    fake = await startHttpFake({ handler: () => new Promise(() => {}) });
    const controller = new AbortController();
    const scheduler = new Scheduler({ concurrency: 4, signal: controller.signal });
    const calls = callFake(scheduler, fake, 20);
    const outcomes = Promise.allSettled(calls);
    await fake.waitFor(() => fake?.inFlight === 4);
    const stoppedAt = performance.now();
    controller.abort();
    const settled = await outcomes;
    expect(
      settled.every((s) => s.status === 'rejected' && (s.reason as CallError).kind === 'cancelled'),
    ).toBe(true);
    await fake.waitFor(() => fake?.inFlight === 0); // the server saw every connection dropped
    expect(fake.log.filter((l) => l.at > stoppedAt)).toEqual([]);
    expect(fake.requests).toBe(4);
    expect(scheduler.started).toBe(4);
    await expect(scheduler.run('fake', async () => 1)).rejects.toMatchObject({ kind: 'cancelled' });
  });

  it('on Stop during a backoff, the call is not retried', async () => {
    fake = await startHttpFake({ handler: () => ({ status: 503, body: 'busy' }) });
    const controller = new AbortController();
    let retrying: () => void = () => {};
    const retried = new Promise<void>((resolve) => {
      retrying = resolve;
    });
    const scheduler = new Scheduler({
      concurrency: 1,
      signal: controller.signal,
      baseDelayMs: 60_000,
      onRetry: () => retrying(),
    });
    const [call] = callFake(scheduler, fake, 1);
    await retried;
    controller.abort();
    await expect(call).rejects.toMatchObject({ kind: 'cancelled' });
    expect(fake.requests).toBe(1);
  });
});

describe('Scheduler with a fake clock', () => {
  it('starts calls on the rate limit schedule, exactly', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({
      concurrency: 100,
      signal: new AbortController().signal,
      clock: () => Date.now(),
    });
    scheduler.limit('p', 5, 2);
    const startedAt: number[] = [];
    const calls = Array.from({ length: 7 }, () =>
      scheduler.run('p', async () => {
        startedAt.push(Date.now());
      }),
    );
    await vi.advanceTimersByTimeAsync(2_000);
    await Promise.all(calls);
    expect(startedAt).toEqual([0, 0, 200, 400, 600, 800, 1_000]);
  });

  it('backs off exponentially with full jitter, capped, and honours a long Retry-After within 5 minutes', async () => {
    vi.useFakeTimers({ now: 0 });
    const delays: number[] = [];
    const failing = (error: CallError) => async () => {
      throw error;
    };
    const scheduler = new Scheduler({
      concurrency: 1,
      signal: new AbortController().signal,
      maxAttempts: 5,
      baseDelayMs: 500,
      maxDelayMs: 3_000,
      random: () => 1,
      clock: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      onRetry: (info) => delays.push(info.delayMs),
    });
    const settle = async (call: Promise<unknown>) => {
      const outcome = call.then(
        () => 'resolved',
        (error: unknown) => error,
      );
      await vi.advanceTimersByTimeAsync(60 * 60_000);
      return outcome;
    };
    expect(await settle(scheduler.run('p', failing(new CallError('network', 'reset'))))).toMatchObject({
      kind: 'network',
    });
    expect(delays).toEqual([500, 1_000, 2_000, 3_000]);
    delays.length = 0;
    const slowDown = new CallError('http', 'HTTP 429', { status: 429, retryAfterMs: 60_000 });
    expect(await settle(scheduler.run('q', failing(slowDown)))).toBe(slowDown);
    expect(delays).toEqual([60_000, 60_000, 60_000, 60_000]);
    delays.length = 0;
    const absurd = new CallError('http', 'HTTP 503', { status: 503, retryAfterMs: 86_400_000 });
    const started = Date.now();
    expect(await settle(scheduler.run('r', failing(absurd)))).toBe(absurd);
    expect(delays).toEqual(Array(4).fill(MAX_RETRY_AFTER_MS));
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * MAX_RETRY_AFTER_MS);
  });

  it('passes errors that are not CallErrors through untouched, without retrying', async () => {
    const scheduler = new Scheduler({
      concurrency: 1,
      signal: new AbortController().signal,
      sleep: instantSleep,
    });
    const bug = new TypeError('x is undefined');
    let calls = 0;
    await expect(
      scheduler.run('p', async () => {
        calls++;
        throw bug;
      }),
    ).rejects.toBe(bug);
    expect(calls).toBe(1);
  });

  it("aborts a timed-out attempt's signal with a timeout CallError", async () => {
    const scheduler = new Scheduler({
      concurrency: 1,
      signal: new AbortController().signal,
      timeoutMs: 20,
      maxAttempts: 1,
    });
    let reason: unknown;
    const call = scheduler.run(
      'p',
      (signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            reason = signal.reason;
            reject(signal.reason);
          }),
        ),
    );
    await expect(call).rejects.toMatchObject({ kind: 'timeout' });
    expect(reason).toBeInstanceOf(CallError);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2025-03-01T10:00:00Z');
    expect(parseRetryAfter('1', now)).toBe(1_000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
