// The engine's front door: quotes, starts, stops and resumes runs of enrichment columns,
// and answers the per-cell audit. A run is persisted (runs + run_items) before its first
// call, so quitting or crashing mid-run resumes where it was on the next start, without
// running or charging any row twice.
import type { CellAudit, CreditStatus, RunInfo, RunQuote, RunScope } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type { CreditClient } from '../credits/credit-client';
import type { EventBus } from '../ipc/event-bus';
import { createLogger } from '../logger';
import type { Workbook } from '../workbook/database';
import type { TablesService } from '../workbook/tables-service';
import type { EnrichmentsService, LoadedEnrichment } from './enrichments-service';
import { RunExecutor, type RunSettings, readRun } from './run-executor';
import { selectRows } from './run-selection';

const log = createLogger('engine');

export class EngineService {
  private readonly active = new Map<
    number,
    { enrichmentId: number; executor: RunExecutor; done: Promise<RunInfo> }
  >();

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
    const columns = await this.tables.columns(enrichment.tableId);
    const selection = selectRows(this.workbook.conn, enrichment, columns, scope);
    const price = this.credits.price(enrichment.config.actionId);
    return {
      rows: selection.rowIds.length,
      skippedByCondition: selection.skippedIds.length,
      alreadyDone: selection.alreadyDone,
      pricePerRow: price,
      maxCredits: selection.rowIds.length * price,
      creditsLeft: this.credits.status().remaining,
    };
  }

  async start(enrichmentId: number, scope: RunScope): Promise<RunInfo> {
    const enrichment = await this.enrichments.load(enrichmentId);
    for (const active of this.active.values()) {
      if (active.enrichmentId === enrichmentId)
        throw new AppError('conflict', 'This column is already running; stop it first.');
    }
    const columns = await this.tables.columns(enrichment.tableId);
    const selection = selectRows(this.workbook.conn, enrichment, columns, scope);
    if (selection.rowIds.length === 0 && selection.skippedIds.length === 0) {
      throw new AppError('invalid_input', 'No rows to run: every row in scope already has a result.');
    }
    const conn = this.workbook.conn;
    const runId = conn
      .transaction(() => {
        const id = Number(
          conn
            .prepare(
              "INSERT INTO runs (enrichment_id, table_id, scope, status, total) VALUES (?, ?, ?, 'running', ?)",
            )
            .run(enrichment.id, enrichment.tableId, JSON.stringify(scope), selection.rowIds.length)
            .lastInsertRowid,
        );
        const item = conn.prepare('INSERT INTO run_items (run_id, row_id) VALUES (?, ?)');
        const audit = conn.prepare(
          `INSERT INTO cell_runs (enrichment_id, row_id, status, run_id, credits, cached, error, raw, finished_at)
         VALUES (?, ?, ?, ?, 0, 0, NULL, NULL, ?)
         ON CONFLICT (enrichment_id, row_id) DO UPDATE SET status = excluded.status, run_id = excluded.run_id,
           credits = 0, cached = 0, error = NULL, raw = NULL, duration_ms = NULL, finished_at = excluded.finished_at`,
        );
        const now = new Date().toISOString();
        for (const rowId of selection.rowIds) {
          item.run(id, rowId);
          audit.run(enrichment.id, rowId, 'queued', id, null);
        }
        for (const rowId of selection.skippedIds) audit.run(enrichment.id, rowId, 'skipped', id, now);
        return id;
      })
      .immediate();
    const price = this.credits.price(enrichment.config.actionId);
    const hold = this.credits.hold(runId, selection.rowIds.length * price);
    return this.launch(enrichment, runId, hold.holdId, hold.reserved);
  }

  stop(runId: number): boolean {
    const active = this.active.get(runId);
    if (!active) return false;
    active.executor.stop();
    return true;
  }

  /** Waits for a run to finish (CLI, tests). */
  async wait(runId: number): Promise<RunInfo> {
    const active = this.active.get(runId);
    return active ? active.done : readRun(this.workbook.conn, runId);
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

  /** On start: runs interrupted by a quit or a crash go on from their remaining items. */
  async resumeInterrupted(): Promise<number[]> {
    const ids = this.workbook.conn
      .prepare("SELECT id, enrichment_id FROM runs WHERE status IN ('running', 'stopping')")
      .all() as {
      id: number;
      enrichment_id: number;
    }[];
    const resumed: number[] = [];
    for (const { id, enrichment_id } of ids) {
      try {
        const enrichment = await this.enrichments.load(enrichment_id);
        let hold = this.credits.resumeHold(id);
        if (!hold) {
          const items = this.workbook.conn
            .prepare('SELECT COUNT(*) FROM run_items WHERE run_id = ?')
            .pluck()
            .get(id) as number;
          const fresh = this.credits.hold(id, items * this.credits.price(enrichment.config.actionId));
          hold = { holdId: fresh.holdId, remaining: fresh.reserved };
        }
        await this.launch(enrichment, id, hold.holdId, hold.remaining);
        resumed.push(id);
      } catch (error) {
        log.error(`run ${id} could not resume`, error);
        this.workbook.conn.prepare("UPDATE runs SET status = 'failed' WHERE id = ?").run(id);
      }
    }
    return resumed;
  }

  /** Quit: every run stops its calls but keeps its items and hold, to resume on the next start. */
  async shutdown(): Promise<void> {
    const running = [...this.active.values()];
    for (const { executor } of running) executor.interrupt();
    await Promise.allSettled(running.map((r) => r.done));
  }

  private async launch(
    enrichment: LoadedEnrichment,
    runId: number,
    holdId: number,
    budget: number,
  ): Promise<RunInfo> {
    const columns = await this.tables.columns(enrichment.tableId);
    const executor = new RunExecutor({
      workbook: this.workbook,
      credits: this.credits,
      events: this.events,
      enrichment,
      columns,
      runId,
      holdId,
      budget,
      settings: this.settings,
    });
    const done = executor.run().finally(() => this.active.delete(runId));
    this.active.set(runId, { enrichmentId: enrichment.id, executor, done });
    return readRun(this.workbook.conn, runId);
  }
}
