// Which rows a run will call the provider for: the scope (all, the filtered view, the
// selected rows), minus rows already paid for (unless forced), minus rows the "only run
// if" condition rejects. The quote and the run use this same selection, so the user is
// never quoted one thing and charged for another.
import type { RunScope } from '@shared/enrichment';
import type { CellValue, ColumnInfo } from '@shared/model';
import type { Connection } from '../workbook/database';
import { rowsTable, sqlColumn } from '../workbook/schema';
import { fromStored } from '../workbook/values';
import { whereClause } from '../workbook/view-sql';
import type { LoadedEnrichment } from './enrichments-service';

export interface Selection {
  /** rows to run, in row order */
  rowIds: number[];
  /** rows in scope that the condition rejects (recorded as skipped) */
  skippedIds: number[];
  /** rows in scope with a finished, paid-for outcome */
  alreadyDone: number;
}

const FINISHED = "('done', 'not_found')";
const FAILED = "('error', 'out_of_credits', 'cancelled')";
const NEVER_FINISHED = "('queued', 'running', 'cancelled', 'skipped')";

export function selectRows(
  conn: Connection,
  enrichment: LoadedEnrichment,
  columns: ColumnInfo[],
  scope: RunScope,
): Selection {
  const table = rowsTable(enrichment.tableId);
  const params: unknown[] = [enrichment.id];
  const where: string[] = [];
  if (scope.target.kind === 'view') {
    const view = whereClause({ ...scope.target.view, tableId: enrichment.tableId }, columns);
    if (view.sql) {
      where.push(view.sql.replace(/^WHERE /, ''));
      params.push(...view.params);
    }
  } else if (scope.target.kind === 'rows') {
    conn.exec('CREATE TEMP TABLE IF NOT EXISTS scope_ids (id INTEGER PRIMARY KEY)');
    conn.exec('DELETE FROM temp.scope_ids');
    const insert = conn.prepare('INSERT OR IGNORE INTO temp.scope_ids (id) VALUES (?)');
    conn.transaction(() => {
      for (const id of scope.target.kind === 'rows' ? scope.target.rowIds : []) insert.run(id);
    })();
    where.push('t.id IN (SELECT id FROM temp.scope_ids)');
  }
  let doneFilter = '';
  if (scope.only === 'empty') doneFilter = `(cr.status IS NULL OR cr.status IN ${NEVER_FINISHED})`;
  else if (scope.only === 'failed') doneFilter = `cr.status IN ${FAILED}`;
  else if (scope.only === 'out_of_credits') doneFilter = "cr.status = 'out_of_credits'";
  else if (!scope.force) doneFilter = `(cr.status IS NULL OR cr.status NOT IN ${FINISHED})`;

  const needed = neededColumns(enrichment, columns);
  const select = [
    't.id',
    `CASE WHEN ${doneFilter || '1'} THEN 1 ELSE 0 END AS wanted`,
    ...needed.map((c) => `t.${sqlColumn(c.id)}`),
  ];
  const sql = `SELECT ${select.join(', ')} FROM ${table} t LEFT JOIN cell_runs cr ON cr.enrichment_id = ? AND cr.row_id = t.id
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.id`;

  const rowIds: number[] = [];
  const skippedIds: number[] = [];
  let alreadyDone = 0;
  const condition = enrichment.condition;
  for (const raw of conn
    .prepare(sql)
    .raw()
    .iterate(...params) as Iterable<unknown[]>) {
    const id = raw[0] as number;
    if (raw[1] === 0) {
      alreadyDone++;
      continue;
    }
    if (condition && !condition.test(rowByName(raw, needed, 2))) skippedIds.push(id);
    else rowIds.push(id);
  }
  if (scope.target.kind === 'rows') conn.exec('DELETE FROM temp.scope_ids');
  return { rowIds, skippedIds, alreadyDone };
}

/** Columns the condition reads (the action's inputs are loaded when a row runs). */
function neededColumns(enrichment: LoadedEnrichment, columns: ColumnInfo[]): ColumnInfo[] {
  if (!enrichment.condition) return [];
  const names = new Set(enrichment.condition.columns.map((n) => n.toLowerCase()));
  return columns.filter((c) => names.has(c.name.toLowerCase()));
}

export function rowByName(raw: unknown[], columns: ColumnInfo[], offset: number): Record<string, CellValue> {
  const row: Record<string, CellValue> = {};
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as ColumnInfo;
    row[column.name] = fromStored(column.type, raw[i + offset]);
  }
  return row;
}
