// What the import asks of a provider that extracts a LinkedIn search: the rows of a search
// URL, a batch at a time as the provider gives them (a poll of a running search, a page
// of results). Rows are already in the import's terms (a person, a company). A source
// stops asking when the import stops reading (the rows it needs arrived, or Stop), and
// sits out passing failures (rate limits, 5xx, a dropped connection) between requests
// through `SearchContext.request`, so one bad answer does not end an hour-long import.
import { AppError } from '@shared/errors';
import { CallError, MAX_RETRY_AFTER_MS } from '../../engine/scheduler';
import type { ProviderAdapter, ProviderCall } from '../providers';

export interface SearchRequest {
  searchUrl: string;
  /** the most rows the provider should extract */
  limit: number;
  /** a name for the search in the provider's own app */
  name: string;
}

export interface SearchBatch<Row> {
  /** rows not given before */
  rows: Row[];
  /** 0–100, where the provider says how far it is */
  percent?: number;
}

export interface SearchContext {
  signal: AbortSignal;
  /** the provider's key and base URL, read again for every request */
  call(): ProviderCall;
  /** one request, asked again after a passing failure (at most MAX_FAILURES in a row) */
  request<T>(send: (call: ProviderCall) => Promise<T>): Promise<T>;
  /** waits before the next poll of a running search; throws once the search took too long */
  nextPoll(): Promise<void>;
}

export interface SearchExportSource<Row> {
  adapter: ProviderAdapter;
  /** the most rows one search can extract, when the provider bounds it */
  maxRows?: number;
  /** why this provider cannot read a search URL of the right kind, or null when it can */
  refuses?(searchUrl: string): string | null;
  extract(request: SearchRequest, ctx: SearchContext): AsyncIterable<SearchBatch<Row>>;
}

/** Passing failures in a row that a search sits out before it gives up. */
export const MAX_FAILURES = 5;

export function searchContext(opts: {
  adapter: ProviderAdapter;
  call(): ProviderCall;
  signal: AbortSignal;
  pollMs: number;
  maxWaitMs: number;
}): SearchContext {
  const started = Date.now();
  return {
    signal: opts.signal,
    call: opts.call,
    async request(send) {
      for (let failures = 0; ; ) {
        try {
          return await send(opts.call());
        } catch (error) {
          if (!(error instanceof CallError) || !error.retryable || ++failures > MAX_FAILURES) throw error;
          if (opts.signal.aborted) throw error;
          const delay = error.retryAfterMs ?? opts.pollMs * 2 ** failures;
          await sleep(Math.min(delay, MAX_RETRY_AFTER_MS), opts.signal);
        }
      }
    },
    async nextPoll() {
      if (Date.now() - started > opts.maxWaitMs) {
        throw new AppError(
          'not_available',
          `${opts.adapter.name} had not finished after ${Math.round(opts.maxWaitMs / 60_000)} minutes; the rows that arrived are in the table.`,
        );
      }
      await sleep(opts.pollMs, opts.signal);
      if (opts.signal.aborted) throw new CallError('cancelled', 'The import was stopped.');
    },
  };
}

/** Resolves after ms, or at once when the signal aborts (the caller then sees the signal). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
