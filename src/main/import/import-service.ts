// Writes a table source (CSV or XLSX, streamed in batches) into a user table: maps
// source columns to existing or new columns, converts values to the column types,
// skips or merges rows whose key already exists, and reports malformed lines. The whole
// import is ONE transaction on its own connection: Cancel or a crash leaves the table
// as it was, and the UI keeps reading the previous state meanwhile (WAL).
import type { ImportStartInput } from '@shared/api';
import { AppError } from '@shared/errors';
import type { ColumnInfo, ImportProblem, ImportResult } from '@shared/model';
import type { Connection, Workbook } from '../workbook/database';
import type { RowsService } from '../workbook/rows-service';
import { rowsTable, sqlColumn } from '../workbook/schema';
import type { TablesService } from '../workbook/tables-service';
import { importConverter, type Stored } from '../workbook/values';
import { CsvFeed, findCsvWorker } from './csv-pipeline';
import { PackedReader } from './packed-rows';
import { openTableSource, type SourceProblem, type SourceRow, type TableSource } from './source';

const MAX_PROBLEMS_KEPT = 1_000;
/**
 * Parameters a multi-row INSERT binds (SQLite allows 32,766). They are passed spread as
 * arguments, which better-sqlite3 binds about 25% faster than an array's elements, so
 * the count also stays far below what a call's stack can hold.
 */
const MAX_PARAMS = 4_000;

export interface ImportHooks {
  signal?: AbortSignal;
  onProgress?: (p: { processed: number; total: number; rows: number }) => void;
}

export type ImportRequest = Omit<ImportStartInput, 'fileId'> & { path: string; fileName: string };

interface Target {
  column: ColumnInfo;
  source: number;
  convert: (text: string) => Stored;
}

interface PreparedTarget {
  tableId: number;
  createdTable: boolean;
  /** source index -> id of the column created for it */
  newColumnIds: Map<number, number>;
}

export interface ImportServiceOptions {
  /**
   * The CSV import worker bundle; null parses in-thread. By default the bundle beside
   * the running code (the built app), or in-thread when there is none (sources, tests).
   */
  csvWorker?: string | null;
}

export class ImportService {
  private readonly csvWorker: string | null;

  constructor(
    private readonly workbook: Workbook,
    private readonly tables: TablesService,
    private readonly rows: RowsService,
    opts: ImportServiceOptions = {},
  ) {
    this.csvWorker = opts.csvWorker === undefined ? findCsvWorker() : opts.csvWorker;
  }

  async run(request: ImportRequest, hooks: ImportHooks = {}): Promise<ImportResult> {
    // Keyless CSV rows are parsed in a worker: started first, so it boots meanwhile.
    const feed = request.key ? null : new CsvFeed(this.csvWorker);
    try {
      return await this.runWith(feed, request, hooks);
    } finally {
      await feed?.close();
    }
  }

  private async runWith(
    feed: CsvFeed | null,
    request: ImportRequest,
    hooks: ImportHooks,
  ): Promise<ImportResult> {
    const source = await openTableSource(request.path, {
      fileName: request.fileName,
      sheet: request.sheet,
      delimiter: request.delimiter,
      encoding: request.encoding,
      hasHeader: request.hasHeader,
    });
    for (const m of request.mapping) {
      if (m.source >= source.headers.length) {
        throw new AppError(
          'invalid_input',
          `The mapping names source column ${m.source + 1}, but the file has ${source.headers.length}.`,
        );
      }
    }

    const prepared = await this.prepareTarget(request);
    try {
      const targets = await this.resolveTargets(prepared, request);
      const keyTarget = request.key ? targets.find((t) => t.source === request.key?.source) : undefined;
      if (request.key && !keyTarget)
        throw new AppError('invalid_input', 'The key column must be imported (not skipped).');
      const conn = this.workbook.openSecondary();
      try {
        const result = await this.write(
          conn,
          prepared.tableId,
          targets,
          keyTarget ?? null,
          request,
          source,
          feed,
          hooks,
        );
        this.rows.changed(prepared.tableId);
        return result;
      } finally {
        conn.close();
      }
    } catch (error) {
      await this.undoTarget(prepared);
      throw error;
    }
  }

  private async write(
    conn: Connection,
    tableId: number,
    targets: Target[],
    key: Target | null,
    request: ImportRequest,
    source: TableSource,
    feed: CsvFeed | null,
    hooks: ImportHooks,
  ): Promise<ImportResult> {
    const table = rowsTable(tableId);
    const names = targets.map((t) => sqlColumn(t.column.id));
    const width = targets.length;
    const problems: ImportProblem[] = [];
    let problemCount = 0;
    let inserted = 0;
    let updated = 0;
    let skipped = 0;
    let rowsSeen = 0;
    let bytes = 0;

    const rowSql = `(${names.map(() => '?').join(', ')})`;
    const insertOne = conn.prepare(`INSERT INTO ${table} (${names.join(', ')}) VALUES ${rowSql}`);
    // Multi-row INSERTs cut the per-statement cost, the main cost of a bulk load.
    const perStatement = Math.max(1, Math.min(200, Math.floor(MAX_PARAMS / Math.max(1, width))));
    const insertMany = conn.prepare(
      `INSERT INTO ${table} (${names.join(', ')}) VALUES ${Array(perStatement).fill(rowSql).join(', ')}`,
    );
    const params: Stored[] = new Array(perStatement * width);
    let pending = 0;
    const flushPending = () => {
      for (let r = 0; r < pending; r++) insertOne.run(params.slice(r * width, r * width + width));
      pending = 0;
    };
    const keyed = key
      ? this.keyedWriter(conn, table, names, targets.indexOf(key), request.key?.onDuplicate ?? 'skip')
      : null;

    try {
      conn.exec('BEGIN IMMEDIATE');
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      throw new AppError(
        'busy',
        'Another import is writing to this workbook; start this one when it has finished.',
      );
    }
    const onProblem = (p: SourceProblem) => {
      problemCount++;
      if (problems.length < MAX_PROBLEMS_KEPT) problems.push(p);
    };
    try {
      if (feed && !keyed && source.csv) {
        // Plain CSV: parsed and converted elsewhere (a worker), only bound and inserted here.
        const batches = feed.batches(
          { csv: source.csv, targets: targets.map((t) => ({ source: t.source, type: t.column.type })) },
          hooks.signal,
        );
        const reader = new PackedReader();
        for await (const batch of batches) {
          if (hooks.signal?.aborted) throw new AppError('cancelled', 'Import cancelled.');
          problemCount += batch.problemCount - batch.problems.length;
          for (const p of batch.problems) onProblem(p);
          reader.reset(batch);
          for (let left = batch.rows; left > 0; ) {
            const n = Math.min(left, perStatement - pending);
            reader.read(params, pending * width, n * width);
            pending += n;
            left -= n;
            if (pending === perStatement) {
              insertMany.run(...params);
              pending = 0;
            }
          }
          rowsSeen += batch.rows;
          inserted += batch.rows;
          hooks.onProgress?.({ processed: batch.bytesRead, total: source.sizeBytes, rows: rowsSeen });
        }
      } else {
        const batches = source.batches({
          signal: hooks.signal,
          onProblem,
          onProgress: (b) => {
            bytes = b;
          },
        });
        for await (const batch of batches) {
          if (hooks.signal?.aborted) throw new AppError('cancelled', 'Import cancelled.');
          for (const row of batch) {
            rowsSeen++;
            if (keyed) {
              const outcome = keyed(convertRow(row, targets));
              if (outcome === 'inserted') inserted++;
              else if (outcome === 'updated') updated++;
              else skipped++;
              continue;
            }
            const base = pending * width;
            for (let i = 0; i < width; i++) {
              const target = targets[i] as Target;
              params[base + i] = target.convert(row.fields[target.source] ?? '');
            }
            pending++;
            inserted++;
            if (pending === perStatement) {
              insertMany.run(...params);
              pending = 0;
            }
          }
          hooks.onProgress?.({ processed: bytes, total: source.sizeBytes, rows: rowsSeen });
        }
      }
      flushPending();
      if (hooks.signal?.aborted) throw new AppError('cancelled', 'Import cancelled.');
      conn.exec('COMMIT');
    } catch (error) {
      if (conn.inTransaction) conn.exec('ROLLBACK');
      throw error;
    }
    return { tableId, inserted, updated, skipped, problems, problemCount };
  }

  /** Rows with a key: a key seen before (in the table or earlier in the file) is skipped or merged. */
  private keyedWriter(
    conn: Connection,
    table: string,
    names: string[],
    keyIndex: number,
    onDuplicate: 'skip' | 'merge',
  ) {
    const keyCol = names[keyIndex] as string;
    conn.exec(`CREATE INDEX IF NOT EXISTS ${table}_key_${keyCol} ON ${table} (${keyCol})`);
    const find = conn.prepare(`SELECT id FROM ${table} WHERE ${keyCol} = ? LIMIT 1`).pluck();
    const insert = conn.prepare(
      `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    );
    // Merge fills in what the file has; a blank in the file never erases a value.
    const update = conn.prepare(
      `UPDATE ${table} SET ${names.map((n) => `${n} = COALESCE(?, ${n})`).join(', ')} WHERE id = ?`,
    );
    return (values: Stored[]): 'inserted' | 'updated' | 'skipped' => {
      const keyValue = values[keyIndex] ?? null;
      const existing = keyValue === null ? undefined : (find.get(keyValue) as number | undefined);
      if (existing === undefined) {
        insert.run(values);
        return 'inserted';
      }
      if (onDuplicate === 'skip') return 'skipped';
      update.run(...values, existing);
      return 'updated';
    };
  }

  private async prepareTarget(request: ImportRequest): Promise<PreparedTarget> {
    const prepared: PreparedTarget = { tableId: 0, createdTable: false, newColumnIds: new Map() };
    if (request.target.kind === 'new') {
      prepared.tableId = (await this.tables.createEmpty(request.target.name)).id;
      prepared.createdTable = true;
    } else {
      prepared.tableId = (await this.tables.get(request.target.tableId)).id;
    }
    try {
      for (const m of request.mapping) {
        if (m.target.kind !== 'new') continue;
        const column = await this.tables.addColumn(
          prepared.tableId,
          this.tables.uniqueColumnName(prepared.tableId, m.target.name),
          m.target.type,
        );
        prepared.newColumnIds.set(m.source, column.id);
      }
    } catch (error) {
      await this.undoTarget(prepared);
      throw error;
    }
    return prepared;
  }

  private async resolveTargets(prepared: PreparedTarget, request: ImportRequest): Promise<Target[]> {
    const columns = await this.tables.columns(prepared.tableId);
    const byId = new Map(columns.map((c) => [c.id, c]));
    const targets: Target[] = [];
    const used = new Set<number>();
    for (const m of request.mapping) {
      if (m.target.kind === 'skip') continue;
      const columnId = m.target.kind === 'new' ? prepared.newColumnIds.get(m.source) : m.target.columnId;
      const column = columnId === undefined ? undefined : byId.get(columnId);
      if (!column)
        throw new AppError('invalid_input', 'The mapping names a column that is not in the target table.');
      if (column.system)
        throw new AppError('invalid_input', `${column.name} links rows and cannot be imported into.`);
      if (used.has(column.id))
        throw new AppError('invalid_input', `Two source columns are mapped to ${column.name}.`);
      used.add(column.id);
      targets.push({ column, source: m.source, convert: importConverter(column.type) });
    }
    if (targets.length === 0) throw new AppError('invalid_input', 'Map at least one column to import.');
    return targets;
  }

  /** After a failed or cancelled import, remove what it created (all of it empty). */
  private async undoTarget(prepared: PreparedTarget): Promise<void> {
    if (prepared.tableId === 0) return;
    if (prepared.createdTable) await this.tables.delete(prepared.tableId);
    else for (const columnId of prepared.newColumnIds.values()) await this.tables.deleteColumn(columnId);
  }
}

function convertRow(row: SourceRow, targets: Target[]): Stored[] {
  return targets.map((t) => t.convert(row.fields[t.source] ?? ''));
}
