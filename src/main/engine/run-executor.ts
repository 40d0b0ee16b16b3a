// Executes one run: walks the run's remaining items in row order, calls the provider
// through the scheduler (concurrency, rate limit, retries, timeouts), answers from the
// result cache when it can, and writes outcomes in batched transactions. A row's result,
// its charge and its removal from the run's items commit together, so a crash at any
// moment leaves every row either done (and charged once) or still to do. Stop aborts
// every call in flight and starts nothing new; nothing unfinished is charged.
import type { RunInfo } from '@shared/enrichment';
import type { ColumnInfo } from '@shared/model';
import type { CreditClient } from '../credits/credit-client';
import type { EventBus } from '../ipc/event-bus';
import { createLogger } from '../logger';
import type { Connection, Workbook } from '../workbook/database';
import { rowsTable, sqlColumn } from '../workbook/schema';
import type { ActionOutcome } from './actions';
import type { LoadedEnrichment } from './enrichments-service';
import {
  cacheable,
  chargedUnits,
  type LinkedTarget,
  outcomeOf,
  ResultWriter,
  type RowResult,
  resultOf,
} from './result-writer';
import { rowByName } from './run-selection';
import { readRun } from './runs-repository';
import { CallError, Scheduler } from './scheduler';
import { SeenKeys } from './seen-keys';

const log = createLogger('engine');
const READ_CHUNK = 2_000;
const FLUSH_ROWS = 500;
const FLUSH_MS = 50;
const PROGRESS_MS = 100;

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
  /** where the action's linked rows go, when it adds rows to another table */
  linkedTarget?: LinkedTarget | null;
}

export class RunExecutor {
  private readonly controller = new AbortController();
  private interrupted = false;
  private readonly conn: Connection;
  private readonly price: number;
  /** what one call reserves: the price of the most units a row can be charged */
  private readonly callPrice: number;
  private budget: number;
  private reservedCalls = 0;
  private readonly inputColumns: ColumnInfo[];
  /** calls in flight, by cache key: a row with the same input waits for the answer */
  private readonly inFlightKeys = new Map<string, Promise<ActionOutcome | null>>();
  /** answers waiting in the write buffer (not yet in the cache table) */
  private readonly bufferedOutcomes = new Map<string, ActionOutcome>();
  private readonly cacheHadEntries: boolean;
  private readonly seen = new SeenKeys();
  private budgetWaiters: (() => void)[] = [];
  private buffer: RowResult[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private pendingRowIds: number[] = [];
  private lastProgress = 0;
  private progressTimer: NodeJS.Timeout | null = null;
  private readonly outputColumns: { key: string; column: ColumnInfo }[];
  private readonly statements: ReturnType<RunExecutor['prepare']>;
  private readonly writer: ResultWriter;

  constructor(private readonly deps: ExecutorDeps) {
    this.conn = deps.workbook.openSecondary();
    this.price = deps.unitPrice;
    this.callPrice = deps.unitPrice * Math.max(1, deps.enrichment.action.maxUnits ?? 1);
    this.budget = deps.budget;
    const byId = new Map(deps.columns.map((c) => [c.id, c]));
    this.outputColumns = Object.entries(deps.enrichment.columns)
      .map(([key, id]) => ({ key, column: byId.get(id) as ColumnInfo }))
      .filter((o) => o.column);
    const reads = deps.enrichment.reads;
    this.inputColumns = deps.columns.filter((c) => reads.has(c.name.toLowerCase()));
    this.statements = this.prepare();
    this.writer = new ResultWriter(this.conn, {
      enrichment: deps.enrichment,
      runId: deps.runId,
      holdId: deps.holdId,
      credits: deps.credits,
      price: this.price,
      outputColumns: this.outputColumns,
      linkedTarget: deps.linkedTarget ?? null,
    });
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
    const action = enrichment.action;
    const scheduler = new Scheduler({
      concurrency: settings.concurrency,
      signal: this.controller.signal,
      timeoutMs: action.timeoutMs ?? settings.timeoutMs,
    });
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
      this.failed(rowId, 'skipped', 'The row was deleted.');
      return;
    }
    const action = this.deps.enrichment.action;
    const input = rowByName(raw, this.inputColumns, 2);
    let cacheKey: string;
    try {
      cacheKey = action.cacheKey(input);
    } catch (error) {
      this.failed(rowId, 'error', (error as Error).message);
      return;
    }
    // Another row of this run asking the same right now: wait for its answer, free.
    const pending = this.inFlightKeys.get(cacheKey);
    if (pending) {
      const outcome = await pending;
      if (outcome) {
        this.push(resultOf(rowId, outcome, { cached: true, durationMs: 0, cacheKey, units: 0 }));
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
      this.push(resultOf(rowId, known, { cached: true, durationMs: 0, cacheKey, units: 0 }));
      return;
    }
    // A cached answer costs nothing; a call needs its price reserved from the budget.
    if (!(await this.reserve())) {
      answered(null);
      if (this.signal.aborted) return; // finish() marks it cancelled
      const why =
        this.deps.limitedBy === 'cap'
          ? "Auto-run reached this column's credit cap."
          : 'No credits left for this run.';
      this.failed(rowId, 'out_of_credits', why);
      return;
    }
    const started = performance.now();
    this.seen.add(cacheKey);
    try {
      const outcome = await scheduler.run(action.providerId, (signal) => action.execute(input, signal));
      answered(outcome);
      const units = chargedUnits(outcome, action);
      this.settle(units);
      this.push(
        resultOf(rowId, outcome, {
          cached: false,
          durationMs: Math.round(performance.now() - started),
          cacheKey,
          units,
        }),
      );
    } catch (error) {
      answered(null);
      this.settle(0);
      if (this.signal.aborted || (error instanceof CallError && error.kind === 'cancelled')) return; // finish() marks it cancelled
      this.failed(rowId, 'error', error instanceof Error ? error.message : String(error), {
        raw: error instanceof CallError ? (error.body ?? null) : null,
        durationMs: Math.round(performance.now() - started),
      });
    }
  }

  /** A row that ends without an answer: its state and why, for the cell and its audit. */
  private failed(
    rowId: number,
    status: 'error' | 'skipped' | 'out_of_credits',
    error: string,
    extra: { raw?: string | null; durationMs?: number } = {},
  ): void {
    this.push({
      rowId,
      status,
      values: null,
      raw: extra.raw ?? null,
      error,
      cached: false,
      durationMs: extra.durationMs ?? null,
      cacheKey: null,
    });
  }

  /**
   * An answer already paid for: waiting in the write buffer, or in the cache table. The
   * table is only read when it may hold the key: before the run it had entries for this
   * action, or this run asked the key since.
   */
  private knownOutcome(cacheKey: string): ActionOutcome | null {
    const buffered = this.bufferedOutcomes.get(cacheKey);
    if (buffered) return buffered;
    if (!this.cacheHadEntries && !this.seen.mayHave(cacheKey)) return null;
    const hit = this.statements.cacheGet.get(
      this.deps.enrichment.config.actionId,
      this.deps.enrichment.action.providerId,
      cacheKey,
      Date.now(),
    ) as { status: string; result: string } | undefined;
    return hit ? (JSON.parse(hit.result) as ActionOutcome) : null;
  }

  /**
   * Takes one call's price from the budget. When the budget is short but calls are still
   * out, waits for them: one that finds nothing gives its price back, and the row it
   * frees must not be marked out of credits while credits are left.
   */
  private async reserve(): Promise<boolean> {
    while (this.budget < this.callPrice) {
      if (this.reservedCalls === 0 || this.signal.aborted) return false;
      await new Promise<void>((resolve) => this.budgetWaiters.push(resolve));
    }
    this.budget -= this.callPrice;
    this.reservedCalls++;
    return true;
  }

  /**
   * A call ended: the units its outcome is charged are spent, the rest of what it reserved
   * goes back (all of it for anything but a result). Linked rows a dedupe drops later are
   * spent here but not charged: the budget errs on the side of spending less.
   */
  private settle(units: number): void {
    this.reservedCalls--;
    this.budget += this.callPrice - Math.min(this.callPrice, units * this.price);
    const waiters = this.budgetWaiters;
    this.budgetWaiters = [];
    for (const wake of waiters) wake();
  }

  private push(result: RowResult): void {
    if (result.cacheKey !== null) {
      this.inFlightKeys.delete(result.cacheKey);
      if (cacheable(result)) this.bufferedOutcomes.set(result.cacheKey, outcomeOf(result));
    }
    this.buffer.push(result);
    if (this.buffer.length >= FLUSH_ROWS) this.flush();
    else if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** One transaction for the batch; then the rows it changed go out with the next progress event. */
  private flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.bufferedOutcomes.clear();
    this.writer.write(batch);
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
    const table = rowsTable(this.deps.enrichment.tableId);
    const select = this.inputColumns.map((c) => `t.${sqlColumn(c.id)}`);
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
    };
  }
}
