// Rows of a user table: blocks for the grid (through materialised views, so any block
// of a million-row table is an indexed range read), cell edits, inserts and deletes.
// Never returns a whole table: callers ask for a block, or stream with iterate().

import type { RowSelection } from '@shared/api';
import { AppError } from '@shared/errors';
import type { CellStatus, CellValue, ColumnInfo, RowData, ViewSpec } from '@shared/model';
import { columnKey } from '@shared/model';
import { createLogger } from '../logger';
import type { Connection, Workbook } from './database';
import { rowsTable, sqlColumn } from './schema';
import type { TablesService } from './tables-service';
import { fromStored, toStoredStrict } from './values';
import { ViewCache } from './view-cache';
import { orderClause, whereClause } from './view-sql';

const log = createLogger('rows');
/** Sorting a table this large creates an index on the sort column, once. */
const INDEX_THRESHOLD = 20_000;

export class RowsService {
  private readonly views: ViewCache;

  constructor(
    private readonly workbook: Workbook,
    private readonly tables: TablesService,
  ) {
    this.views = new ViewCache(workbook.conn);
  }

  async block(view: ViewSpec, start: number, end: number): Promise<{ rows: RowData[]; rowCount: number }> {
    const columns = await this.tables.columns(view.tableId);
    const materialised = this.materialise(view, columns);
    const limit = Math.min(Math.max(end - start, 0), 1_000);
    if (limit === 0) return { rows: [], rowCount: materialised.rowCount };
    const select = columns.map((c) => `t.${sqlColumn(c.id)}`).join(', ');
    const raw = this.workbook.conn
      .prepare(
        `SELECT t.id${select ? `, ${select}` : ''} FROM ${materialised.table} v JOIN ${rowsTable(view.tableId)} t ON t.id = v.rid
         WHERE v.pos > ? AND v.pos <= ? ORDER BY v.pos`,
      )
      .raw()
      .all(start, start + limit) as unknown[][];
    const rows = raw.map((r) => toRowData(r, columns));
    this.attachRunStates(columns, rows);
    return { rows, rowCount: materialised.rowCount };
  }

  /** Given rows by id, as they are now (the grid refreshes only rows a run changed). */
  async rows(tableId: number, rowIds: number[]): Promise<RowData[]> {
    const columns = await this.tables.columns(tableId);
    if (rowIds.length === 0) return [];
    const select = ['id', ...columns.map((c) => sqlColumn(c.id))].join(', ');
    const ids = [...new Set(rowIds)].slice(0, 1_000);
    const raw = this.workbook.conn
      .prepare(
        `SELECT ${select} FROM ${rowsTable(tableId)} WHERE id IN (${ids.map(() => '?').join(', ')}) ORDER BY id`,
      )
      .raw()
      .all(...ids) as unknown[][];
    const rows = raw.map((r) => toRowData(r, columns));
    this.attachRunStates(columns, rows);
    return rows;
  }

  /** The highest row id of a table (0 when empty): rows added later have larger ids. */
  lastRowId(tableId: number): number {
    return this.workbook.conn
      .prepare(`SELECT COALESCE(MAX(id), 0) FROM ${rowsTable(tableId)}`)
      .pluck()
      .get() as number;
  }

  /** Ids of the rows added after `rowId`, in order. */
  idsAfter(tableId: number, rowId: number): number[] {
    return this.workbook.conn
      .prepare(`SELECT id FROM ${rowsTable(tableId)} WHERE id > ? ORDER BY id`)
      .pluck()
      .all(rowId) as number[];
  }

  async count(view: ViewSpec): Promise<number> {
    const columns = await this.tables.columns(view.tableId);
    return this.materialise(view, columns).rowCount;
  }

  async row(tableId: number, rowId: number): Promise<RowData> {
    const columns = await this.tables.columns(tableId);
    const select = ['id', ...columns.map((c) => sqlColumn(c.id))].join(', ');
    const raw = this.workbook.conn
      .prepare(`SELECT ${select} FROM ${rowsTable(tableId)} WHERE id = ?`)
      .raw()
      .get(rowId) as unknown[] | undefined;
    if (!raw) throw new AppError('not_found', 'That row no longer exists.');
    const row = toRowData(raw, columns);
    this.attachRunStates(columns, [row]);
    return row;
  }

  /** Each row's enrichment cell states (status, short error, cache hit), for the cells' badges. */
  private attachRunStates(columns: ColumnInfo[], rows: RowData[]): void {
    const enrichmentIds = [
      ...new Set(columns.flatMap((c) => (c.enrichmentId === null ? [] : [c.enrichmentId]))),
    ];
    if (enrichmentIds.length === 0 || rows.length === 0) return;
    const byId = new Map(rows.map((r) => [r.id, r]));
    const states = this.workbook.conn
      .prepare(
        `SELECT enrichment_id, row_id, status, error, cached FROM cell_runs
         WHERE enrichment_id IN (${enrichmentIds.map(() => '?').join(', ')})
           AND row_id IN (${rows.map(() => '?').join(', ')})`,
      )
      .raw()
      .all(...enrichmentIds, ...rows.map((r) => r.id)) as [
      number,
      number,
      CellStatus,
      string | null,
      number,
    ][];
    for (const [enrichmentId, rowId, status, error, cached] of states) {
      const row = byId.get(rowId);
      if (!row) continue;
      row.runs ??= {};
      row.runs[String(enrichmentId)] = {
        status,
        error: error ? shortError(error) : null,
        cached: cached === 1,
      };
    }
  }

  async updateCell(tableId: number, rowId: number, columnId: number, value: CellValue): Promise<RowData> {
    const column = await this.tables.column(columnId);
    if (column.tableId !== tableId)
      throw new AppError('invalid_input', 'That column belongs to another table.');
    const stored = toStoredStrict(column.type, value);
    if (column.system === 'company_link' && stored !== null) await this.assertCompanyExists(stored);
    const info = this.write(() =>
      this.workbook.conn
        .prepare(`UPDATE ${rowsTable(tableId)} SET ${sqlColumn(columnId)} = ? WHERE id = ?`)
        .run(stored, rowId),
    );
    if (info.changes === 0) throw new AppError('not_found', 'That row no longer exists.');
    return this.row(tableId, rowId);
  }

  async insert(tableId: number, values: Record<string, CellValue>): Promise<RowData> {
    const columns = await this.tables.columns(tableId);
    const byKey = new Map(columns.map((c) => [columnKey(c.id), c]));
    const names: string[] = [];
    const params: unknown[] = [];
    for (const [key, value] of Object.entries(values)) {
      const column = byKey.get(key);
      if (!column) throw new AppError('invalid_input', `Unknown column ${key}.`);
      names.push(sqlColumn(column.id));
      params.push(toStoredStrict(column.type, value));
    }
    const sql = names.length
      ? `INSERT INTO ${rowsTable(tableId)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`
      : `INSERT INTO ${rowsTable(tableId)} DEFAULT VALUES`;
    const info = this.write(() => this.workbook.conn.prepare(sql).run(...params));
    this.changed(tableId);
    return this.row(tableId, Number(info.lastInsertRowid));
  }

  async delete(tableId: number, selection: RowSelection): Promise<number> {
    const conn = this.workbook.conn;
    const table = rowsTable(tableId);
    let deleted = 0;
    if (selection.kind === 'ids') {
      const del = conn.prepare(`DELETE FROM ${table} WHERE id = ?`);
      this.write(() =>
        conn.transaction(() => {
          for (const id of selection.ids) deleted += del.run(id).changes;
        })(),
      );
    } else {
      if (selection.view.tableId !== tableId)
        throw new AppError('invalid_input', 'The selection belongs to another table.');
      const columns = await this.tables.columns(tableId);
      const where = whereClause(selection.view, columns);
      this.write(() =>
        conn.transaction(() => {
          conn.exec('CREATE TEMP TABLE IF NOT EXISTS keep_ids (id INTEGER PRIMARY KEY)');
          conn.exec('DELETE FROM temp.keep_ids');
          const keep = conn.prepare('INSERT OR IGNORE INTO temp.keep_ids (id) VALUES (?)');
          for (const id of selection.exceptIds) keep.run(id);
          const cond = where.sql ? `${where.sql} AND` : 'WHERE';
          deleted = conn
            .prepare(`DELETE FROM ${table} ${cond} id NOT IN (SELECT id FROM temp.keep_ids)`)
            .run(...where.params).changes;
          conn.exec('DELETE FROM temp.keep_ids');
        })(),
      );
    }
    if (deleted > 0) this.changed(tableId);
    return deleted;
  }

  /** After a change of rows (insert, delete, import) views and counts are rebuilt. */
  changed(tableId: number): void {
    this.views.invalidate(tableId);
    this.tables.bumpDataVersion(tableId);
  }

  private materialise(view: ViewSpec, columns: ColumnInfo[]) {
    const version = this.tables.dataVersion(view.tableId);
    const key = `${view.tableId}:${version}:${JSON.stringify([view.sort, view.filter, view.search.trim()])}`;
    const where = whereClause(view, columns);
    const filtered = where.sql !== '';
    const order = orderClause(view, columns, { useIndex: !filtered });
    if (view.sort[0] && !filtered) this.ensureSortIndex(view.tableId, view.sort[0].columnId);
    return this.views.get(key, {
      sql: `SELECT id FROM ${rowsTable(view.tableId)} ${where.sql} ${order}`,
      params: where.params,
    });
  }

  /** An index on the first sort column makes the sort an index scan; made once, on demand. */
  private ensureSortIndex(tableId: number, columnId: number): void {
    const name = `${rowsTable(tableId)}_sort_${sqlColumn(columnId)}`;
    const conn = this.workbook.conn;
    if (conn.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(name)) return;
    const { n } = conn.prepare(`SELECT COUNT(*) AS n FROM ${rowsTable(tableId)}`).get() as { n: number };
    if (n < INDEX_THRESHOLD) return;
    try {
      conn.exec(`CREATE INDEX ${name} ON ${rowsTable(tableId)} (${sqlColumn(columnId)} COLLATE NOCASE)`);
    } catch (error) {
      // Another job holds the write lock (an import): sort without the index this time.
      log.warn('sort index not created', error);
    }
  }

  private async assertCompanyExists(id: unknown): Promise<void> {
    const companies = this.workbook.conn.prepare("SELECT id FROM tables WHERE kind = 'companies'").get() as
      | { id: number }
      | undefined;
    const found =
      companies &&
      this.workbook.conn.prepare(`SELECT 1 FROM ${rowsTable(companies.id)} WHERE id = ?`).get(id);
    if (!found) throw new AppError('invalid_value', `There is no company with id ${String(id)}.`);
  }

  /** Writes from the UI fail fast with a clear message while an import holds the lock. */
  private write<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        throw new AppError(
          'busy',
          'An import is writing to this workbook; edits are possible again when it finishes.',
        );
      }
      throw error;
    }
  }
}

const shortError = (error: string): string => (error.length > 200 ? `${error.slice(0, 200)}…` : error);

export function toRowData(raw: unknown[], columns: ColumnInfo[]): RowData {
  const cells: Record<string, CellValue> = {};
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as ColumnInfo;
    cells[columnKey(column.id)] = fromStored(column.type, raw[i + 1]);
  }
  return { id: Number(raw[0]), cells };
}

/** A streaming read of a view for export, on its own connection (iterators hold it busy). */
export function iterateView(
  conn: Connection,
  view: ViewSpec,
  all: ColumnInfo[],
  columns: ColumnInfo[],
): IterableIterator<unknown[]> {
  const where = whereClause(view, all);
  const order = orderClause(view, all);
  const select = columns.map((c) => sqlColumn(c.id)).join(', ');
  return conn
    .prepare(`SELECT ${select} FROM ${rowsTable(view.tableId)} ${where.sql} ${order}`)
    .raw()
    .iterate(...where.params) as IterableIterator<unknown[]>;
}

/** Rows in a view, counted on any connection (exports use it for progress). */
export function countView(conn: Connection, view: ViewSpec, all: ColumnInfo[]): number {
  const where = whereClause(view, all);
  return conn
    .prepare(`SELECT COUNT(*) FROM ${rowsTable(view.tableId)} ${where.sql}`)
    .pluck()
    .get(...where.params) as number;
}
