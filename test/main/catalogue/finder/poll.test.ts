// The bounded poll of the asynchronous finder providers: it asks until an answer comes,
// gives up after about 90 s with a retryable timeout (the row is tried again, nothing is
// charged), and ends at once on Stop.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { poll } from '../../../../src/main/catalogue/finder/providers/common';
import type { ProviderInfo } from '../../../../src/main/catalogue/providers';
import { CallError } from '../../../../src/main/engine/scheduler';

const provider: ProviderInfo = {
  id: 'slow',
  name: 'Slow provider',
  docsUrl: 'https://slow.example/docs',
  baseUrl: 'https://slow.example',
  capabilities: ['person.email'],
  needsKey: true,
};

describe('poll', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('returns the first answer', async () => {
    let reads = 0;
    const answer = poll(provider, new AbortController().signal, async () =>
      ++reads === 3 ? 'found' : undefined,
    );
    await vi.runAllTimersAsync();
    await expect(answer).resolves.toBe('found');
    expect(reads).toBe(3);
  });

  it('gives up after about 90 s with a retryable timeout', async () => {
    let reads = 0;
    const started = Date.now();
    const answer = poll(provider, new AbortController().signal, async () => {
      reads++;
      return undefined;
    });
    const settled = answer.catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    const error = await settled;
    expect(error).toBeInstanceOf(CallError);
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect((error as Error).message).toBe(
      'Slow provider was still searching after 93 s; the row will be tried again.',
    );
    expect(reads).toBe(15);
    expect(Date.now() - started).toBe(93_200);
  });

  it('ends at once on Stop', async () => {
    const stop = new AbortController();
    const answer = poll(provider, stop.signal, async () => undefined);
    const settled = answer.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_000);
    stop.abort();
    await expect(settled).resolves.toMatchObject({ kind: 'cancelled' });
  });
});
