// Executes one run: walks the run's remaining items in row order, calls the provider
// through the scheduler (concurrency, rate limit, retries, timeouts), answers from the
// result cache when it can, and writes outcomes in batched transactions. A row's result,
// its charge and its removal from the run's items commit together, so a crash at any
// moment leaves every row either done (and charged once) or still to do. Stop aborts
// every call in flight and starts nothing new; nothing unfinished is charged.
import type { CellStatus, RunInfo } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type { ColumnInfo } from '@shared/model';
import type { CreditClient } from '../credits/credit-client';
import type { EventBus } from '../ipc/event-bus';
import { createLogger } from '../logger';
import type { Connection, Workbook } from '../workbook/database';
import { rowsTable, sqlColumn } from '../workbook/schema';
import { toStoredLenient } from '../workbook/values';
import { type ActionOutcome, actionDefinition } from './actions';
import type { LoadedEnrichment } from './enrichments-service';
import { rowByName } from './run-selection';
import { CallError, Scheduler } from './scheduler';

const log = createLogger('engine');
const READ_CHUNK = 2_000;
const FLUSH_ROWS = 500;
const FLUSH_MS = 50;
const PROGRESS_MS = 100;
const RAW_LIMIT = 16_384;

export interface RunSettings {
  concurrency: number;
  timeoutMs: number;
}

export interface ExecutorDeps {
  workbook: Workbook;
  credits: CreditClient;
  events: EventBus;
  enrichment: LoadedEnrichment;
  columns: ColumnInfo[];
  runId: number;
  holdId: number;
  /** the credits one outcome costs, as the hold was priced */
  unitPrice: number;
  /** Credits this run may still spend (its hold minus what it captured). */
  budget: number;
  /** What cut the budget short, for the message on rows it could not pay for. */
  limitedBy: 'credits' | 'cap' | null;
  settings: RunSettings;
}

interface Result {
  rowId: number;
  status: CellStatus;
  values: Record<string, unknown> | null;
  raw: string | null;
  error: string | null;
  cached: boolean;
  durationMs: number | null;
  cacheKey: string | null;
}

export class RunExecutor {
  private readonly controller = new AbortController();
  private interrupted = false;
  private readonly conn: Connection;
  private readonly price: number;
  private budget: number;
  private reservedCalls = 0;
  private readonly inputColumns: ColumnInfo[];
  /** calls in flight, by cache key: a row with the same input waits for the answer */
  private readonly inFlightKeys = new Map<string, Promise<ActionOutcome | null>>();
  /** answers waiting in the write buffer (not yet in the cache table) */
  private readonly bufferedOutcomes = new Map<string, ActionOutcome>();
  private readonly cacheHadEntries: boolean;
  private readonly seen = new Uint32Array((SEEN_MASK + 1) / 32);
  private budgetWaiters: (() => void)[] = [];
  private buffer: Result[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private pendingRowIds: number[] = [];
  private lastProgress = 0;
  private progressTimer: NodeJS.Timeout | null = null;
  private readonly outputColumns: { key: string; column: ColumnInfo }[];
  private readonly statements: ReturnType<RunExecutor['prepare']>;

  constructor(private readonly deps: ExecutorDeps) {
    this.conn = deps.workbook.openSecondary();
    this.price = deps.unitPrice;
    this.budget = deps.budget;
    const byId = new Map(deps.columns.map((c) => [c.id, c]));
    this.outputColumns = Object.entries(deps.enrichment.columns)
      .map(([key, id]) => ({ key, column: byId.get(id) as ColumnInfo }))
      .filter((o) => o.column);
    const reads = deps.enrichment.reads;
    this.inputColumns = deps.columns.filter((c) => reads.has(c.name.toLowerCase()));
    this.statements = this.prepare();
    this.cacheHadEntries =
      deps.workbook.conn
        .prepare('SELECT 1 FROM result_cache WHERE action_id = ? AND provider = ? LIMIT 1')
        .get(deps.enrichment.config.actionId, deps.enrichment.action.providerId) !== undefined;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(): void {
    this.controller.abort();
  }

  /** Like stop, but the run stays resumable: its items and its hold are kept (quit). */
  interrupt(): void {
    this.interrupted = true;
    this.controller.abort();
  }

  /** Runs to the end (or to Stop) and returns the run's final state. */
  async run(): Promise<RunInfo> {
    const { enrichment, settings } = this.deps;
    const scheduler = new Scheduler({
      concurrency: settings.concurrency,
      signal: this.controller.signal,
      timeoutMs: settings.timeoutMs,
    });
    const action = enrichment.action;
    scheduler.limit(action.providerId, action.ratePerSecond, action.burst);
    // A counter and one waiter, not Promise.race over the set in flight: at 10,000 rows/s
    // racing a hundred promises for every row was a visible share of the run's CPU.
    const maxInFlight = Math.max(1, settings.concurrency * 2);
    let inFlight = 0;
    let failure: unknown = null;
    let wake: (() => void) | null = null;
    const settled = (failed: boolean, error?: unknown) => {
      inFlight--;
      if (failed && failure === null) failure = error ?? new Error('A row failed.');
      const w = wake;
      wake = null;
      w?.();
    };
    const onDone = () => settled(false);
    const onFail = (error: unknown) => settled(true, error);
    const drain = async (limit: number) => {
      while (inFlight > limit) await new Promise<void>((resolve) => (wake = resolve));
      if (failure !== null) throw failure;
    };
    let cursor = 0;
    try {
      while (!this.signal.aborted) {
        const chunk = this.statements.items.all(this.deps.runId, cursor, READ_CHUNK) as unknown[][];
        if (chunk.length === 0) break;
        for (const raw of chunk) {
          if (this.signal.aborted) break;
          cursor = raw[0] as number;
          if (inFlight >= maxInFlight) await drain(maxInFlight - 1);
          inFlight++;
          this.processRow(scheduler, raw).then(onDone, onFail);
        }
      }
      await drain(0);
      this.flush();
      return await this.finish(this.signal.aborted ? 'stopped' : 'done');
    } catch (error) {
      log.error('run failed', error);
      this.controller.abort();
      while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
      this.flush();
      return await this.finish('failed');
    } finally {
      if (this.flushTimer) clearTimeout(this.flushTimer);
      this.conn.close();
    }
  }

  private async processRow(scheduler: Scheduler, raw: unknown[]): Promise<void> {
    const rowId = raw[0] as number;
    if (raw[1] === null) {
      this.push({
        rowId,
        status: 'skipped',
        values: null,
        raw: null,
        error: 'The row was deleted.',
        cached: false,
        durationMs: null,
        cacheKey: null,
      });
      return;
    }
    const action = this.deps.enrichment.action;
    const input = rowByName(raw, this.inputColumns, 2);
    let cacheKey: string;
    try {
      cacheKey = action.cacheKey(input);
    } catch (error) {
      this.push({
        rowId,
        status: 'error',
        values: null,
        raw: null,
        error: (error as Error).message,
        cached: false,
        durationMs: null,
        cacheKey: null,
      });
      return;
    }
    // Another row of this run asking the same right now: wait for its answer, free.
    const pending = this.inFlightKeys.get(cacheKey);
    if (pending) {
      const outcome = await pending;
      if (outcome) {
        this.push(resultOf(rowId, outcome, { cached: true, durationMs: 0, cacheKey }));
        return;
      }
    }
    // Claimed before anything else can run, so rows with this input wait for this one.
    let answered: (outcome: ActionOutcome | null) => void = () => {};
    this.inFlightKeys.set(
      cacheKey,
      new Promise((resolve) => {
        answered = resolve;
      }),
    );
    const known = this.knownOutcome(cacheKey);
    if (known) {
      answered(known);
      this.push(resultOf(rowId, known, { cached: true, durationMs: 0, cacheKey }));
      return;
    }
    // A cached answer costs nothing; a call needs its price reserved from the budget.
    if (!(await this.reserve())) {
      answered(null);
      if (this.signal.aborted) return; // finish() marks it cancelled
      this.push({
        rowId,
        status: 'out_of_credits',
        values: null,
        raw: null,
        error:
          this.deps.limitedBy === 'cap'
            ? "Auto-run reached this column's credit cap."
            : 'No credits left for this run.',
        cached: false,
        durationMs: null,
        cacheKey: null,
      });
      return;
    }
    const started = performance.now();
    this.markSeen(cacheKey);
    try {
      const outcome = await scheduler.run(action.providerId, (signal) => action.execute(input, signal));
      answered(outcome);
      this.settle(outcome.status === 'done');
      this.push(
        resultOf(rowId, outcome, {
          cached: false,
          durationMs: Math.round(performance.now() - started),
          cacheKey,
        }),
      );
    } catch (error) {
      answered(null);
      this.settle(false);
      if (this.signal.aborted || (error instanceof CallError && error.kind === 'cancelled')) return; // finish() marks it cancelled
      const message = error instanceof Error ? error.message : String(error);
      const body = error instanceof CallError ? (error.body ?? null) : null;
      this.push({
        rowId,
        status: 'error',
        values: null,
        raw: body,
        error: message,
        cached: false,
        durationMs: Math.round(performance.now() - started),
        cacheKey: null,
      });
    }
  }

  /**
   * An answer already paid for: waiting in the write buffer, or in the cache table. The
   * table is only read when it may hold the key: before the run it had entries for this
   * action, or this run asked the key since.
   */
  private knownOutcome(cacheKey: string): ActionOutcome | null {
    const buffered = this.bufferedOutcomes.get(cacheKey);
    if (buffered) return buffered;
    if (!this.cacheHadEntries && !this.maybeSeen(cacheKey)) return null;
    const hit = this.statements.cacheGet.get(
      this.deps.enrichment.config.actionId,
      this.deps.enrichment.action.providerId,
      cacheKey,
      Date.now(),
    ) as { status: string; result: string } | undefined;
    return hit ? (JSON.parse(hit.result) as ActionOutcome) : null;
  }

  /** A 2 MiB bitset of the keys this run asked (false positives only cost a cache read). */
  private markSeen(key: string): void {
    const h = fnv1a(key) & SEEN_MASK;
    this.seen[h >>> 5] = (this.seen[h >>> 5] ?? 0) | (1 << (h & 31));
  }

  private maybeSeen(key: string): boolean {
    const h = fnv1a(key) & SEEN_MASK;
    return ((this.seen[h >>> 5] ?? 0) & (1 << (h & 31))) !== 0;
  }

  /**
   * Takes one call's price from the budget. When the budget is short but calls are still
   * out, waits for them: one that finds nothing gives its price back, and the row it
   * frees must not be marked out of credits while credits are left.
   */
  private async reserve(): Promise<boolean> {
    while (this.budget < this.price) {
      if (this.reservedCalls === 0 || this.signal.aborted) return false;
      await new Promise<void>((resolve) => this.budgetWaiters.push(resolve));
    }
    this.budget -= this.price;
    this.reservedCalls++;
    return true;
  }

  /** A call ended: its price is spent (a result) or given back (anything else). */
  private settle(spent: boolean): void {
    this.reservedCalls--;
    if (!spent) this.budget += this.price;
    const waiters = this.budgetWaiters;
    this.budgetWaiters = [];
    for (const wake of waiters) wake();
  }

  private push(result: Result): void {
    if (result.cacheKey !== null) {
      this.inFlightKeys.delete(result.cacheKey);
      if (!result.cached && (result.status === 'done' || result.status === 'not_found')) {
        this.bufferedOutcomes.set(result.cacheKey, outcomeOf(result));
      }
    }
    this.buffer.push(result);
    if (this.buffer.length >= FLUSH_ROWS) this.flush();
    else if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** One transaction: results into cells, the audit, the charges, the cache, the run's counters. */
  private flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.bufferedOutcomes.clear();
    const { runId, holdId, enrichment, credits } = this.deps;
    const s = this.statements;
    const counts = { done: 0, notFound: 0, errors: 0, outOfCredits: 0, cached: 0, credits: 0 };
    const now = new Date().toISOString();
    const expires = Date.now() + actionTtlMs(this.deps);
    this.conn.transaction(() => {
      const charges = [];
      for (const r of batch) {
        if (r.status === 'done' && r.values && s.writeCells) {
          s.writeCells.run(
            ...this.outputColumns.map((o) => storedOutput(o.column, r.values?.[o.key])),
            r.rowId,
          );
        }
        const charged = r.status === 'done' && !r.cached ? this.price : 0;
        s.audit.run(
          enrichment.id,
          r.rowId,
          r.status,
          runId,
          enrichment.action.providerId,
          charged,
          r.cached ? 1 : 0,
          r.durationMs,
          r.error,
          r.raw?.slice(0, RAW_LIMIT) ?? null,
          now,
        );
        s.dropItem.run(runId, r.rowId);
        if (!r.cached && r.cacheKey && (r.status === 'done' || r.status === 'not_found')) {
          s.cachePut.run(
            enrichment.config.actionId,
            enrichment.action.providerId,
            r.cacheKey,
            r.status,
            JSON.stringify(outcomeOf(r)),
            expires,
          );
        }
        if (charged > 0)
          charges.push({
            idempotencyKey: `run:${runId}:row:${r.rowId}`,
            actionId: enrichment.config.actionId,
            credits: charged,
          });
        if (r.status === 'done') counts.done++;
        else if (r.status === 'not_found') counts.notFound++;
        else if (r.status === 'error') counts.errors++;
        else if (r.status === 'out_of_credits') counts.outOfCredits++;
        if (r.cached) counts.cached++;
      }
      counts.credits = credits.capture(this.conn, holdId, runId, charges);
      s.count.run(
        counts.done,
        counts.notFound,
        counts.errors,
        counts.outOfCredits,
        counts.cached,
        counts.credits,
        runId,
      );
    })();
    for (const r of batch) this.pendingRowIds.push(r.rowId);
    this.progress();
  }

  /** At most ~10 progress events a second, each with the rows that changed since the last. */
  private progress(force = false): void {
    const wait = this.lastProgress + PROGRESS_MS - performance.now();
    if (!force && wait > 0) {
      if (!this.progressTimer) this.progressTimer = setTimeout(() => this.progress(true), wait);
      return;
    }
    if (this.progressTimer) {
      clearTimeout(this.progressTimer);
      this.progressTimer = null;
    }
    const rowIds = this.pendingRowIds;
    this.pendingRowIds = [];
    this.lastProgress = performance.now();
    this.deps.events.emit('run/progress', { run: readRun(this.conn, this.deps.runId), rowIds });
  }

  private async finish(status: 'done' | 'stopped' | 'failed'): Promise<RunInfo> {
    const { runId, enrichment } = this.deps;
    if (this.interrupted) {
      this.progress(true);
      return readRun(this.conn, runId);
    }
    this.conn.transaction(() => {
      // Whatever had not finished is cancelled, and nothing of it was charged.
      this.conn
        .prepare(
          `UPDATE cell_runs SET status = 'cancelled', finished_at = ? WHERE enrichment_id = ? AND row_id IN (SELECT row_id FROM run_items WHERE run_id = ?)`,
        )
        .run(new Date().toISOString(), enrichment.id, runId);
      this.conn.prepare('DELETE FROM run_items WHERE run_id = ?').run(runId);
      this.conn
        .prepare(
          "UPDATE runs SET status = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?",
        )
        .run(status, runId);
    })();
    try {
      await this.deps.credits.release(this.deps.holdId);
    } catch (error) {
      // The hold expires by itself on the server; the run's results stand.
      log.warn('could not release the hold', error);
    }
    this.progress(true);
    const run = readRun(this.conn, runId);
    this.deps.events.emit('run/finished', run);
    return run;
  }

  private prepare() {
    const { enrichment } = this.deps;
    const table = rowsTable(enrichment.tableId);
    const select = this.inputColumns.map((c) => `t.${sqlColumn(c.id)}`);
    const outputs = this.outputColumns.map((o) => `${sqlColumn(o.column.id)} = ?`);
    const c = this.deps.workbook.conn;
    return {
      // On the UI connection: reads never wait for the writer (WAL).
      items: c
        .prepare(
          `SELECT ri.row_id, t.id${select.length ? `, ${select.join(', ')}` : ''} FROM run_items ri LEFT JOIN ${table} t ON t.id = ri.row_id
           WHERE ri.run_id = ? AND ri.row_id > ? ORDER BY ri.row_id LIMIT ?`,
        )
        .raw(),
      cacheGet: c.prepare(
        'SELECT status, result FROM result_cache WHERE action_id = ? AND provider = ? AND input_key = ? AND expires_at > ?',
      ),
      writeCells: outputs.length
        ? this.conn.prepare(`UPDATE ${table} SET ${outputs.join(', ')} WHERE id = ?`)
        : null,
      audit: this.conn.prepare(
        `INSERT INTO cell_runs (enrichment_id, row_id, status, run_id, provider, credits, cached, duration_ms, error, raw, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (enrichment_id, row_id) DO UPDATE SET status = excluded.status, run_id = excluded.run_id,
           provider = excluded.provider, credits = excluded.credits, cached = excluded.cached, duration_ms = excluded.duration_ms,
           error = excluded.error, raw = excluded.raw, finished_at = excluded.finished_at`,
      ),
      dropItem: this.conn.prepare('DELETE FROM run_items WHERE run_id = ? AND row_id = ?'),
      cachePut: this.conn.prepare(
        `INSERT INTO result_cache (action_id, provider, input_key, status, result, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (action_id, provider, input_key) DO UPDATE SET status = excluded.status, result = excluded.result, expires_at = excluded.expires_at`,
      ),
      count: this.conn.prepare(
        `UPDATE runs SET done = done + ?, not_found = not_found + ?, errors = errors + ?, out_of_credits = out_of_credits + ?,
           cached = cached + ?, credits = credits + ? WHERE id = ?`,
      ),
    };
  }
}

const SEEN_MASK = (1 << 24) - 1;

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function outcomeOf(r: Result): ActionOutcome {
  return r.status === 'done'
    ? { status: 'done', values: r.values ?? {}, raw: r.raw ?? '' }
    : { status: 'not_found', raw: r.raw ?? '' };
}

function resultOf(
  rowId: number,
  outcome: ActionOutcome,
  extra: { cached: boolean; durationMs: number; cacheKey: string },
): Result {
  return {
    rowId,
    status: outcome.status,
    values: outcome.status === 'done' ? outcome.values : null,
    raw: outcome.raw,
    error: null,
    ...extra,
  };
}

function storedOutput(column: ColumnInfo, value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  const cell = typeof value === 'object' ? JSON.stringify(value) : (value as string | number | boolean);
  return toStoredLenient(column.type, cell).value;
}

function actionTtlMs(deps: ExecutorDeps): number {
  return actionDefinition(deps.enrichment.config.actionId).info.cacheTtlSeconds * 1000;
}

export function readRun(conn: Connection, runId: number): RunInfo {
  const row = conn
    .prepare('SELECT r.*, e.name FROM runs r JOIN enrichments e ON e.id = r.enrichment_id WHERE r.id = ?')
    .get(runId) as Record<string, unknown> | undefined;
  if (!row) throw new AppError('not_found', 'No such run.');
  return {
    id: row.id as number,
    enrichmentId: row.enrichment_id as number,
    tableId: row.table_id as number,
    name: row.name as string,
    trigger: row.trigger === 'auto' || row.trigger === 'resume' ? row.trigger : 'manual',
    status: row.status as RunInfo['status'],
    total: row.total as number,
    done: row.done as number,
    notFound: row.not_found as number,
    errors: row.errors as number,
    outOfCredits: row.out_of_credits as number,
    cached: row.cached as number,
    credits: row.credits as number,
    startedAt: row.started_at as string,
    finishedAt: (row.finished_at as string | null) ?? null,
  };
}
