// Writes a run's results in one transaction a batch: the values into the output
// columns, each cell's audit, the row's removal from the run's items, the answer into
// the result cache, the charges (through the credit client, in the same transaction,
// so a crash leaves every row either finished and charged once or still to do) and the
// run's counters. It never charges for anything but a fresh result.
import type { CellStatus } from '@shared/enrichment';
import type { ColumnInfo } from '@shared/model';
import type { CreditClient } from '../credits/credit-client';
import type { Connection } from '../workbook/database';
import { rowsTable, sqlColumn } from '../workbook/schema';
import { toStoredLenient } from '../workbook/values';
import { type ActionOutcome, actionDefinition } from './actions';
import type { LoadedEnrichment } from './enrichments-service';

/** The audit keeps this much of a raw response. */
const RAW_LIMIT = 16_384;

export interface RowResult {
  rowId: number;
  status: CellStatus;
  values: Record<string, unknown> | null;
  raw: string | null;
  error: string | null;
  cached: boolean;
  durationMs: number | null;
  cacheKey: string | null;
}

export interface WriterOptions {
  enrichment: LoadedEnrichment;
  runId: number;
  holdId: number;
  credits: CreditClient;
  /** credits one fresh result costs */
  price: number;
  outputColumns: { key: string; column: ColumnInfo }[];
}

export class ResultWriter {
  private readonly s: ReturnType<ResultWriter['prepare']>;
  private readonly ttlMs: number;

  constructor(
    private readonly conn: Connection,
    private readonly o: WriterOptions,
  ) {
    this.s = this.prepare();
    this.ttlMs = actionDefinition(o.enrichment.config.actionId).info.cacheTtlSeconds * 1000;
  }

  write(batch: RowResult[]): void {
    const { runId, holdId, enrichment, credits, price } = this.o;
    const s = this.s;
    const counts = { done: 0, notFound: 0, errors: 0, outOfCredits: 0, cached: 0 };
    const now = new Date().toISOString();
    const expires = Date.now() + this.ttlMs;
    this.conn.transaction(() => {
      const charges = [];
      for (const r of batch) {
        if (r.status === 'done' && r.values && s.writeCells) {
          s.writeCells.run(
            ...this.o.outputColumns.map((o) => storedOutput(o.column, r.values?.[o.key])),
            r.rowId,
          );
        }
        const charged = r.status === 'done' && !r.cached ? price : 0;
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
        if (charged > 0) {
          charges.push({
            idempotencyKey: `run:${runId}:row:${r.rowId}`,
            actionId: enrichment.config.actionId,
            credits: charged,
          });
        }
        if (r.status === 'done') counts.done++;
        else if (r.status === 'not_found') counts.notFound++;
        else if (r.status === 'error') counts.errors++;
        else if (r.status === 'out_of_credits') counts.outOfCredits++;
        if (r.cached) counts.cached++;
      }
      const charged = credits.capture(this.conn, holdId, runId, charges);
      s.count.run(
        counts.done,
        counts.notFound,
        counts.errors,
        counts.outOfCredits,
        counts.cached,
        charged,
        runId,
      );
    })();
  }

  private prepare() {
    const table = rowsTable(this.o.enrichment.tableId);
    const outputs = this.o.outputColumns.map((o) => `${sqlColumn(o.column.id)} = ?`);
    return {
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

/** What the cache keeps of a result: the outcome, to be answered again for free. */
export function outcomeOf(r: RowResult): ActionOutcome {
  return r.status === 'done'
    ? { status: 'done', values: r.values ?? {}, raw: r.raw ?? '' }
    : { status: 'not_found', raw: r.raw ?? '' };
}

export function resultOf(
  rowId: number,
  outcome: ActionOutcome,
  extra: { cached: boolean; durationMs: number; cacheKey: string },
): RowResult {
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
