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
import { type ActionOutcome, actionDefinition, type LinkedRows, type PreparedAction } from './actions';
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
  /** units a fresh result is charged at the action's price (linked rows: as many as are added) */
  units?: number;
  /** the provider that answered, when the action asked several */
  provider?: string | null;
  linkedRows?: LinkedRows | null;
  /** false: the answer is not kept in the result cache */
  cache?: boolean;
}

/** The table linked rows go to, resolved before the run. */
export interface LinkedTarget {
  tableId: number;
  /** lower-cased name -> column */
  columns: Map<string, ColumnInfo>;
  /** the spec's dedupe keys as column ids, in order */
  dedupe: number[][];
  /** the company link column, when the table has one that points at the enrichment's table */
  linkColumnId: number | null;
}

/** Units an outcome is charged, within what the action may charge a row. */
export function chargedUnits(outcome: ActionOutcome, action: PreparedAction): number {
  if (outcome.status !== 'done') return 0;
  const max = Math.max(1, action.maxUnits ?? 1);
  const units =
    action.linkedRows?.chargePer === 'row_added' ? (outcome.linkedRows?.length ?? 0) : (outcome.units ?? 1);
  return Math.max(0, Math.min(max, Math.floor(units)));
}

export interface WriterOptions {
  enrichment: LoadedEnrichment;
  runId: number;
  holdId: number;
  credits: CreditClient;
  /** credits one fresh result costs */
  price: number;
  outputColumns: { key: string; column: ColumnInfo }[];
  linkedTarget?: LinkedTarget | null;
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
        let units = r.status === 'done' && !r.cached ? (r.units ?? 1) : 0;
        const linked = enrichment.action.linkedRows;
        if (r.status === 'done' && r.linkedRows && linked && this.o.linkedTarget) {
          const added = this.addLinkedRows(r.rowId, r.linkedRows);
          if (linked.chargePer === 'row_added') units = Math.min(units, added);
          const countKey = linked.countKey;
          if (countKey && r.values) r.values = { ...r.values, [countKey]: added };
        }
        if (r.status === 'done' && r.values && s.writeCells) {
          s.writeCells.run(
            ...this.o.outputColumns.map((o) => storedOutput(o.column, r.values?.[o.key])),
            r.rowId,
          );
        }
        const charged = units * price;
        s.audit.run(
          enrichment.id,
          r.rowId,
          r.status,
          runId,
          r.provider ?? enrichment.action.providerId,
          charged,
          r.cached ? 1 : 0,
          r.durationMs,
          r.error,
          r.raw?.slice(0, RAW_LIMIT) ?? null,
          now,
        );
        s.dropItem.run(runId, r.rowId);
        if (cacheable(r)) {
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
            units,
          });
        }
        if (r.status === 'done') counts.done++;
        else if (r.status === 'not_found') counts.notFound++;
        else if (r.status === 'error') counts.errors++;
        else if (r.status === 'out_of_credits') counts.outOfCredits++;
        if (r.cached) counts.cached++;
      }
      const charged = credits.capture(this.conn, holdId, { kind: 'run', id: runId }, charges);
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

  /** Inserts the rows not yet in the target table, linked to the row that found them; returns how many. */
  private addLinkedRows(sourceRowId: number, rows: LinkedRows): number {
    const target = this.o.linkedTarget as LinkedTarget;
    const exists = this.s.linkedExists;
    let added = 0;
    for (const row of rows) {
      const stored = new Map<number, string | number | null>();
      for (const [name, value] of Object.entries(row)) {
        const column = target.columns.get(name.toLowerCase());
        if (!column || column.system) continue;
        stored.set(column.id, storedOutput(column, value));
      }
      const present = (id: number | undefined) => {
        const v = id === undefined ? null : stored.get(id);
        return v !== undefined && v !== null && v !== '';
      };
      const key = target.dedupe.findIndex((ids) => present(ids[0]));
      if (key < 0) continue;
      const keyIds = target.dedupe[key] as number[];
      if (exists[key]?.get(...keyIds.map((id) => stored.get(id) ?? null))) continue;
      const names = [...stored.keys()].map(sqlColumn);
      const params = [...stored.values()];
      if (target.linkColumnId !== null) {
        names.push(sqlColumn(target.linkColumnId));
        params.push(sourceRowId);
      }
      this.conn
        .prepare(
          `INSERT INTO ${rowsTable(target.tableId)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
        )
        .run(...params);
      added++;
    }
    if (added > 0)
      this.conn.prepare('UPDATE tables SET data_version = data_version + 1 WHERE id = ?').run(target.tableId);
    return added;
  }

  private prepare() {
    const table = rowsTable(this.o.enrichment.tableId);
    const outputs = this.o.outputColumns.map((o) => `${sqlColumn(o.column.id)} = ?`);
    const target = this.o.linkedTarget;
    return {
      // One lookup per dedupe key: its first column has a value; the others match null-safely (IS).
      linkedExists: (target?.dedupe ?? []).map((ids) =>
        this.conn.prepare(
          `SELECT 1 FROM ${rowsTable(target?.tableId as number)} WHERE ${ids
            .map((id, i) => `${sqlColumn(id)} ${i === 0 ? '=' : 'IS'} ?`)
            .join(' AND ')} LIMIT 1`,
        ),
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

/** A fresh answer the result cache keeps (not a cache hit, an error or an answer marked passing). */
export function cacheable(r: RowResult): r is RowResult & { cacheKey: string } {
  return (
    !r.cached && r.cacheKey !== null && r.cache !== false && (r.status === 'done' || r.status === 'not_found')
  );
}

/** What the cache keeps of a result: the outcome, to be answered again for free. */
export function outcomeOf(r: RowResult): ActionOutcome {
  const provider = r.provider ?? undefined;
  return r.status === 'done'
    ? {
        status: 'done',
        values: r.values ?? {},
        raw: r.raw ?? '',
        units: r.units,
        provider,
        linkedRows: r.linkedRows ?? undefined,
      }
    : { status: 'not_found', raw: r.raw ?? '', provider };
}

export function resultOf(
  rowId: number,
  outcome: ActionOutcome,
  extra: { cached: boolean; durationMs: number; cacheKey: string; units: number },
): RowResult {
  return {
    rowId,
    status: outcome.status,
    values: outcome.status === 'done' ? outcome.values : null,
    raw: outcome.raw,
    error: null,
    provider: outcome.provider ?? null,
    linkedRows: outcome.status === 'done' ? (outcome.linkedRows ?? null) : null,
    cache: outcome.status === 'done' ? outcome.cache : undefined,
    ...extra,
  };
}

function storedOutput(column: ColumnInfo, value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  const cell = typeof value === 'object' ? JSON.stringify(value) : (value as string | number | boolean);
  return toStoredLenient(column.type, cell).value;
}
