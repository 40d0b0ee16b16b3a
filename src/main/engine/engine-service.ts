// The engine's front door: quotes, starts, stops and resumes runs of enrichment columns,
// runs auto-run columns on new and changed rows, and answers the per-cell audit. A run is
// persisted (runs + run_items) before its first call, so quitting or crashing mid-run
// resumes where it was on the next start, without running or charging any row twice.
// Auto-run never spends past the column's credit cap, and never starts a second run of
// a column that is running: the rows wait and go in the next run.
import type { CellAudit, CreditStatus, RunInfo, RunQuote, RunScope } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type { CreditClient, HoldGrant } from '../credits/credit-client';
import type { EventBus } from '../ipc/event-bus';
import { createLogger } from '../logger';
import type { Workbook } from '../workbook/database';
import { rowsTable, sqlColumn } from '../workbook/schema';
import type { TablesService } from '../workbook/tables-service';
import type { LinkedRowsSpec } from './actions';
import type { EnrichmentsService, LoadedEnrichment } from './enrichments-service';
import type { LinkedTarget } from './result-writer';
import { RunExecutor, type RunSettings } from './run-executor';
import { type Selection, selectRows } from './run-selection';
import { readRun } from './runs-repository';

const log = createLogger('engine');

type Trigger = RunInfo['trigger'];
/** How often the engine checks whether credits are back for cells that ran out. */
const CREDIT_WATCH_MS = 30_000;

interface ActiveRun {
  enrichmentId: number;
  executor: RunExecutor;
  done: Promise<RunInfo>;
}

/** The most units one row of this enrichment can be charged (e.g. a maximum of contacts added). */
function maxUnits(enrichment: LoadedEnrichment): number {
  return Math.max(1, enrichment.action.maxUnits ?? 1);
}

export class EngineService {
  private readonly active = new Map<number, ActiveRun>();
  /** Auto-run rows that arrived while their column was running: they go in its next run. */
  private readonly pendingAuto = new Map<number, { tableId: number; rowIds: Set<number>; force: boolean }>();
  private readonly starting = new Set<Promise<unknown>>();
  private creditWatch: NodeJS.Timeout | null = null;
  private resuming = false;
  private stopCreditEvents: () => void = () => {};
  private closing = false;
  /** Called when a run that wrote results ends: sorted and filtered views must be rebuilt. */
  onResultsWritten: (tableId: number) => void = () => {};

  constructor(
    private readonly workbook: Workbook,
    private readonly tables: TablesService,
    private readonly enrichments: EnrichmentsService,
    private readonly credits: CreditClient,
    private readonly events: EventBus,
    private readonly settings: RunSettings = { concurrency: 32, timeoutMs: 30_000 },
  ) {}

  creditStatus(): CreditStatus {
    return this.credits.status();
  }

  async quote(enrichmentId: number, scope: RunScope): Promise<RunQuote> {
    const enrichment = await this.enrichments.load(enrichmentId);
    const selection = await this.select(enrichment, scope);
    const price = this.credits.price(enrichment.config.actionId);
    return {
      rows: selection.rowIds.length,
      skippedByCondition: selection.skippedIds.length,
      alreadyDone: selection.alreadyDone,
      pricePerRow: price * maxUnits(enrichment),
      maxCredits: selection.rowIds.length * price * maxUnits(enrichment),
      creditsLeft: this.credits.status().remaining,
    };
  }

  /** A run the user asked for (after a quote). */
  async start(enrichmentId: number, scope: RunScope): Promise<RunInfo> {
    const enrichment = await this.enrichments.load(enrichmentId);
    if (this.activeRunOf(enrichmentId) !== null)
      throw new AppError('conflict', 'This column is already running; stop it first.');
    await this.supersedeInterrupted(enrichmentId);
    const selection = await this.select(enrichment, scope);
    if (selection.rowIds.length === 0 && selection.skippedIds.length === 0) {
      throw new AppError('invalid_input', 'No rows to run: every row in scope already has a result.');
    }
    const price = this.credits.price(enrichment.config.actionId);
    return this.createRun(
      enrichment,
      scope,
      selection,
      'manual',
      selection.rowIds.length * price * maxUnits(enrichment),
    );
  }

  /**
   * New rows (inserted, imported) or rows whose column `changedColumnId` was edited go
   * through the table's auto-run columns that read them, within each column's credit cap.
   * Never throws: a failure is logged and the rows stay as they are. A table without
   * auto-run columns costs one small query.
   */
  autoRun(tableId: number, rowIds: number[], changedColumnId?: number): Promise<void> {
    if (rowIds.length === 0 || this.closing) return Promise.resolve();
    const ids = this.enrichments.autoRunIds(tableId);
    if (ids.length === 0) return Promise.resolve();
    return this.track(this.autoRunNow(ids, rowIds, changedColumnId));
  }

  private async autoRunNow(ids: number[], rowIds: number[], changedColumnId?: number): Promise<void> {
    const changed =
      changedColumnId === undefined ? undefined : (await this.tables.column(changedColumnId)).name;
    for (const id of ids) {
      try {
        const enrichment = await this.enrichments.load(id);
        if (changed !== undefined && !enrichment.reads.has(changed.toLowerCase())) continue;
        // An edited input makes the old result stale: run it again (the cache still
        // answers for free if the input comes back to a value already paid for).
        await this.autoRunRows(enrichment, rowIds, changed !== undefined);
      } catch (error) {
        log.error(`auto-run of enrichment ${id} failed`, error);
      }
    }
  }

  stop(runId: number): boolean {
    const active = this.active.get(runId);
    if (!active) return false;
    this.pendingAuto.delete(active.enrichmentId);
    active.executor.stop();
    return true;
  }

  /** Waits for a run to finish (CLI, tests). */
  async wait(runId: number): Promise<RunInfo> {
    const active = this.active.get(runId);
    return active ? active.done : readRun(this.workbook.conn, runId);
  }

  /** Waits until no run is active, auto-runs started meanwhile included (tests, CLI). */
  async idle(): Promise<void> {
    while (this.active.size > 0 || this.starting.size > 0) {
      await Promise.allSettled([...this.starting, ...[...this.active.values()].map((r) => r.done)]);
    }
  }

  /** Keeps count of auto-runs being set up, so idle() does not return between two runs. */
  private track<T>(work: Promise<T>): Promise<T> {
    this.starting.add(work);
    return work.finally(() => this.starting.delete(work));
  }

  list(): RunInfo[] {
    const ids = this.workbook.conn
      .prepare('SELECT id FROM runs ORDER BY id DESC LIMIT 50')
      .pluck()
      .all() as number[];
    return ids.map((id) => readRun(this.workbook.conn, id));
  }

  audit(enrichmentId: number, rowId: number): CellAudit | null {
    const row = this.workbook.conn
      .prepare('SELECT * FROM cell_runs WHERE enrichment_id = ? AND row_id = ?')
      .get(enrichmentId, rowId) as Record<string, unknown> | undefined;
    if (!row) return null;
    return {
      enrichmentId,
      rowId,
      status: row.status as CellAudit['status'],
      runId: (row.run_id as number | null) ?? null,
      provider: (row.provider as string | null) ?? null,
      credits: row.credits as number,
      cached: row.cached === 1,
      durationMs: (row.duration_ms as number | null) ?? null,
      error: (row.error as string | null) ?? null,
      raw: (row.raw as string | null) ?? null,
      finishedAt: (row.finished_at as string | null) ?? null,
    };
  }

  /** Deletes an enrichment column's configuration, stopping its run first. */
  async deleteEnrichment(enrichmentId: number): Promise<void> {
    const runId = this.activeRunOf(enrichmentId);
    this.pendingAuto.delete(enrichmentId);
    if (runId !== null) {
      this.stop(runId);
      await this.wait(runId);
    }
    await this.enrichments.delete(enrichmentId);
  }

  /** On start: runs interrupted by a quit or a crash go on from their remaining items. */
  async resumeInterrupted(): Promise<number[]> {
    const runs = this.workbook.conn
      .prepare("SELECT id, enrichment_id, limited_by FROM runs WHERE status IN ('running', 'stopping')")
      .all() as { id: number; enrichment_id: number; limited_by: 'credits' | 'cap' | null }[];
    const resumed: number[] = [];
    for (const run of runs) {
      try {
        const enrichment = await this.enrichments.load(run.enrichment_id);
        let hold = this.credits.resumeHold({ kind: 'run', id: run.id });
        if (!hold) {
          const items = this.workbook.conn
            .prepare('SELECT COUNT(*) FROM run_items WHERE run_id = ?')
            .pluck()
            .get(run.id) as number;
          const fresh = await this.credits.hold(
            { kind: 'run', id: run.id },
            enrichment.config.actionId,
            items,
          );
          hold = { ...fresh, remaining: fresh.reserved };
        }
        await this.launch(enrichment, run.id, hold, hold.remaining, run.limited_by);
        resumed.push(run.id);
      } catch (error) {
        log.error(`run ${run.id} could not resume`, error);
        this.workbook.conn.prepare("UPDATE runs SET status = 'failed' WHERE id = ?").run(run.id);
      }
    }
    return resumed;
  }

  /**
   * Cells marked out of credits go again by themselves once credits are back (the 1st of
   * the month, a grant, a raised allowance): checked when the balance changes and every
   * 30 s. Rows left by an auto-run's own cap stay as they are.
   */
  watchCredits(): void {
    if (this.creditWatch) return;
    this.creditWatch = setInterval(() => void this.resumeOutOfCredits(), CREDIT_WATCH_MS);
    this.creditWatch.unref();
    this.stopCreditEvents = this.events.subscribe((event) => {
      if (event === 'credits/changed') void this.resumeOutOfCredits();
    });
  }

  /** Starts a run of the cells that ran out of credits, for each column, while credits last. */
  async resumeOutOfCredits(): Promise<number[]> {
    if (this.closing || this.resuming) return [];
    this.resuming = true;
    try {
      return await this.track(this.resumeOutOfCreditsNow());
    } finally {
      this.resuming = false;
    }
  }

  private async resumeOutOfCreditsNow(): Promise<number[]> {
    const ids = this.workbook.conn
      .prepare(
        `SELECT DISTINCT cr.enrichment_id FROM cell_runs cr JOIN runs r ON r.id = cr.run_id
         WHERE cr.status = 'out_of_credits' AND (r.limited_by IS NULL OR r.limited_by = 'credits')`,
      )
      .pluck()
      .all() as number[];
    const started: number[] = [];
    for (const id of ids) {
      if (this.activeRunOf(id) !== null) continue;
      try {
        const enrichment = await this.enrichments.load(id);
        const price = this.credits.price(enrichment.config.actionId);
        if (this.credits.status().remaining < Math.max(1, price)) break;
        const scope: RunScope = { target: { kind: 'all' }, only: 'out_of_credits', force: false };
        const selection = await this.select(enrichment, scope);
        if (selection.rowIds.length === 0) continue;
        const run = await this.createRun(
          enrichment,
          scope,
          selection,
          'resume',
          selection.rowIds.length * price * maxUnits(enrichment),
        );
        started.push(run.id);
      } catch (error) {
        log.error(`cells out of credits in enrichment ${id} could not resume`, error);
      }
    }
    return started;
  }

  /** Quit: every run stops its calls but keeps its items and hold, to resume on the next start. */
  async shutdown(): Promise<void> {
    this.closing = true;
    if (this.creditWatch) clearInterval(this.creditWatch);
    this.stopCreditEvents();
    const running = [...this.active.values()];
    for (const { executor } of running) executor.interrupt();
    await Promise.allSettled(running.map((r) => r.done));
  }

  /**
   * A run interrupted in a process that did not resume it (a killed CLI command) is closed
   * as stopped before the column runs again: its unfinished rows become cancelled, and
   * so are picked up by the new run, and its hold goes back.
   */
  private async supersedeInterrupted(enrichmentId: number): Promise<void> {
    const conn = this.workbook.conn;
    const stale = conn
      .prepare("SELECT id FROM runs WHERE enrichment_id = ? AND status IN ('running', 'stopping')")
      .pluck()
      .all(enrichmentId) as number[];
    for (const runId of stale) {
      conn
        .transaction(() => {
          conn
            .prepare(
              `UPDATE cell_runs SET status = 'cancelled', finished_at = ? WHERE enrichment_id = ? AND row_id IN (SELECT row_id FROM run_items WHERE run_id = ?)`,
            )
            .run(new Date().toISOString(), enrichmentId, runId);
          conn.prepare('DELETE FROM run_items WHERE run_id = ?').run(runId);
          conn
            .prepare(
              "UPDATE runs SET status = 'stopped', finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?",
            )
            .run(runId);
        })
        .immediate();
      const hold = this.credits.resumeHold({ kind: 'run', id: runId });
      if (hold) await this.credits.release(hold.holdId);
    }
  }

  private activeRunOf(enrichmentId: number): number | null {
    for (const [runId, active] of this.active) if (active.enrichmentId === enrichmentId) return runId;
    return null;
  }

  private async select(enrichment: LoadedEnrichment, scope: RunScope): Promise<Selection> {
    const columns = await this.tables.columns(enrichment.tableId);
    return selectRows(this.workbook.conn, enrichment, columns, scope);
  }

  private async autoRunRows(enrichment: LoadedEnrichment, rowIds: number[], force: boolean): Promise<void> {
    if (this.activeRunOf(enrichment.id) !== null) {
      const pending = this.pendingAuto.get(enrichment.id) ?? {
        tableId: enrichment.tableId,
        rowIds: new Set<number>(),
        force: false,
      };
      for (const id of rowIds) pending.rowIds.add(id);
      pending.force ||= force;
      this.pendingAuto.set(enrichment.id, pending);
      return;
    }
    const scope: RunScope = { target: { kind: 'rows', rowIds }, only: 'all', force };
    const selection = await this.select(enrichment, scope);
    if (selection.rowIds.length === 0 && selection.skippedIds.length === 0) return;
    const spent = this.workbook.conn
      .prepare("SELECT COALESCE(SUM(credits), 0) FROM runs WHERE enrichment_id = ? AND trigger = 'auto'")
      .pluck()
      .get(enrichment.id) as number;
    const capLeft = Math.max(0, (enrichment.config.creditCap ?? 0) - spent);
    const price = this.credits.price(enrichment.config.actionId);
    await this.createRun(
      enrichment,
      scope,
      selection,
      'auto',
      selection.rowIds.length * price * maxUnits(enrichment),
      capLeft,
    );
  }

  /** Persists the run and its items, reserves its credits, and starts it. */
  private async createRun(
    enrichment: LoadedEnrichment,
    scope: RunScope,
    selection: Selection,
    trigger: Trigger,
    cost: number,
    cap: number = Number.POSITIVE_INFINITY,
  ): Promise<RunInfo> {
    const conn = this.workbook.conn;
    const runId = conn
      .transaction(() => {
        const id = Number(
          conn
            .prepare(
              "INSERT INTO runs (enrichment_id, table_id, scope, trigger, status, total) VALUES (?, ?, ?, ?, 'running', ?)",
            )
            .run(enrichment.id, enrichment.tableId, JSON.stringify(scope), trigger, selection.rowIds.length)
            .lastInsertRowid,
        );
        const item = conn.prepare('INSERT INTO run_items (run_id, row_id) VALUES (?, ?)');
        const audit = conn.prepare(
          `INSERT INTO cell_runs (enrichment_id, row_id, status, run_id, credits, cached, error, raw, finished_at)
         VALUES (?, ?, ?, ?, 0, 0, ?, NULL, ?)
         ON CONFLICT (enrichment_id, row_id) DO UPDATE SET status = excluded.status, run_id = excluded.run_id,
           credits = 0, cached = 0, error = excluded.error, raw = NULL, duration_ms = NULL, finished_at = excluded.finished_at`,
        );
        const now = new Date().toISOString();
        for (const rowId of selection.rowIds) {
          item.run(id, rowId);
          audit.run(enrichment.id, rowId, 'queued', id, null, null);
        }
        for (const rowId of selection.skippedIds) {
          audit.run(enrichment.id, rowId, 'skipped', id, 'The “only run if” condition said no.', now);
        }
        return id;
      })
      .immediate();
    const wanted = Math.min(cost, cap);
    const price = this.credits.price(enrichment.config.actionId);
    const units = price > 0 ? Math.floor(wanted / price) : selection.rowIds.length;
    let hold: HoldGrant;
    try {
      hold = await this.credits.hold({ kind: 'run', id: runId }, enrichment.config.actionId, units);
    } catch (error) {
      conn.prepare("UPDATE runs SET status = 'failed' WHERE id = ?").run(runId);
      conn.prepare('DELETE FROM run_items WHERE run_id = ?').run(runId);
      throw error;
    }
    // Every cell in scope now says queued (or skipped): the grid reloads what it shows.
    this.events.emit('tables/changed', { tableId: enrichment.tableId, what: 'rows' });
    const limitedBy = hold.reserved < wanted ? 'credits' : wanted < cost ? 'cap' : null;
    if (limitedBy) conn.prepare('UPDATE runs SET limited_by = ? WHERE id = ?').run(limitedBy, runId);
    return this.launch(enrichment, runId, hold, hold.reserved, limitedBy);
  }

  private async launch(
    enrichment: LoadedEnrichment,
    runId: number,
    hold: HoldGrant,
    budget: number,
    limitedBy: 'credits' | 'cap' | null,
  ): Promise<RunInfo> {
    const columns = await this.tables.columns(enrichment.tableId);
    const linkedTarget = enrichment.action.linkedRows
      ? await this.linkedTarget(enrichment.action.linkedRows, enrichment.tableId)
      : null;
    const executor = new RunExecutor({
      workbook: this.workbook,
      credits: this.credits,
      events: this.events,
      enrichment,
      columns,
      runId,
      holdId: hold.holdId,
      unitPrice: hold.unitPrice,
      budget,
      limitedBy,
      settings: this.settings,
      linkedTarget,
    });
    const done = executor.run().then(
      (run) => {
        this.active.delete(runId);
        // Views sorted or filtered on the results are rebuilt; either way the grid reloads
        // the cells the run left cancelled or out of credits.
        if (run.done > 0) {
          this.onResultsWritten(run.tableId);
          if (linkedTarget) this.onResultsWritten(linkedTarget.tableId);
        } else this.events.emit('tables/changed', { tableId: run.tableId, what: 'rows' });
        this.afterRun(enrichment.id);
        return run;
      },
      (error: unknown) => {
        this.active.delete(runId);
        this.afterRun(enrichment.id);
        throw error;
      },
    );
    this.active.set(runId, { enrichmentId: enrichment.id, executor, done });
    return readRun(this.workbook.conn, runId);
  }

  /**
   * The table an action's linked rows go to (the first of its kind, created if there is
   * none), with the columns it needs added and its dedupe keys indexed: all before the
   * run, so the writer's transactions only insert. Rows link back through the company
   * link only when it points at the enrichment's own table (a column on Companies).
   */
  private async linkedTarget(spec: LinkedRowsSpec, sourceTableId: number): Promise<LinkedTarget> {
    const tables = await this.tables.list();
    let table = tables.find((t) => t.kind === spec.tableKind);
    if (!table) table = await this.tables.createLinked(spec.tableKind, spec.tableName);
    for (const [name, type] of Object.entries(spec.columns)) {
      if (!table.columns.some((c) => c.name.toLowerCase() === name.toLowerCase()))
        await this.tables.addColumn(table.id, name, type);
    }
    const columns = await this.tables.columns(table.id);
    const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
    const t = rowsTable(table.id);
    const dedupe = spec.dedupe.map((key) => {
      const ids = key.map((name) => {
        const column = byName.get(name.toLowerCase());
        if (!column) throw new AppError('internal', `The ${table.name} table has no ${name} column.`);
        return column.id;
      });
      const cols = ids.map((id) => sqlColumn(id));
      this.workbook.conn.exec(
        `CREATE INDEX IF NOT EXISTS ${t}_${cols.join('_')} ON ${t} (${cols.join(', ')})`,
      );
      return ids;
    });
    const link = columns.find((c) => c.system === 'company_link') ?? null;
    const references = link
      ? (this.workbook.conn.pragma(`foreign_key_list(${t})`) as { table: string; from: string }[]).some(
          (fk) => fk.from === sqlColumn(link.id) && fk.table === rowsTable(sourceTableId),
        )
      : false;
    return {
      tableId: table.id,
      columns: byName,
      dedupe,
      linkColumnId: references ? (link?.id ?? null) : null,
    };
  }

  /** Auto-run rows that waited for the column's run go now. */
  private afterRun(enrichmentId: number): void {
    const pending = this.pendingAuto.get(enrichmentId);
    if (!pending || this.closing) return;
    this.pendingAuto.delete(enrichmentId);
    void this.track(
      this.enrichments
        .load(enrichmentId)
        .then((enrichment) => this.autoRunRows(enrichment, [...pending.rowIds], pending.force))
        .catch((error) => log.error(`auto-run of enrichment ${enrichmentId} failed`, error)),
    );
  }
}
