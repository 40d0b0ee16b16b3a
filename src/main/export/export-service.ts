// Exports a table or the current view (sorted, filtered, searched) with the columns the
// user picked, streaming rows from SQLite on a read-only connection into the CSV or
// XLSX writer. Never holds the table in memory; a cancelled export leaves no file.
import type { ExportStartInput } from '@shared/api';
import { AppError } from '@shared/errors';
import type { CellValue, ColumnInfo } from '@shared/model';
import type { Workbook } from '../workbook/database';
import { countView, iterateView } from '../workbook/rows-service';
import type { TablesService } from '../workbook/tables-service';
import { fromStored } from '../workbook/values';
import { writeCsv } from './csv-writer';
import { writeXlsx, XLSX_MAX_DATA_ROWS } from './xlsx-writer';

export type ExportRequest = Omit<ExportStartInput, 'destinationId' | 'fileName'> & { path: string };

export interface ExportHooks {
  signal?: AbortSignal;
  onProgress?: (p: { processed: number; total: number; rows: number }) => void;
}

export class ExportService {
  constructor(
    private readonly workbook: Workbook,
    private readonly tables: TablesService,
  ) {}

  async run(request: ExportRequest, hooks: ExportHooks = {}): Promise<{ rows: number }> {
    const all = await this.tables.columns(request.view.tableId);
    const byId = new Map(all.map((c) => [c.id, c]));
    const picked = request.columnIds.map((id) => {
      const column = byId.get(id);
      if (!column)
        throw new AppError('invalid_input', 'The export names a column that is not in this table.');
      return column;
    });
    const conn = this.workbook.openSecondary({ readonly: true });
    try {
      const total = countView(conn, request.view, all);
      if (request.format === 'xlsx' && total > XLSX_MAX_DATA_ROWS) {
        throw new AppError(
          'file_too_large',
          `${total.toLocaleString('en-US')} rows do not fit in an XLSX sheet (at most ${XLSX_MAX_DATA_ROWS.toLocaleString('en-US')}); export CSV instead, or filter the view.`,
        );
      }
      const rows = toCellValues(iterateView(conn, request.view, all, picked), picked);
      const columns = picked.map((c) => ({ name: c.name, type: c.type }));
      const opts = {
        neutraliseFormulas: request.neutraliseFormulas,
        signal: hooks.signal,
        onProgress: (written: number) => hooks.onProgress?.({ processed: written, total, rows: written }),
      };
      return request.format === 'csv'
        ? await writeCsv(request.path, columns, rows, opts)
        : await writeXlsx(request.path, columns, rows, opts);
    } finally {
      conn.close();
    }
  }
}

function* toCellValues(raw: IterableIterator<unknown[]>, columns: ColumnInfo[]): Generator<CellValue[]> {
  for (const row of raw) {
    const out = new Array<CellValue>(columns.length);
    for (let i = 0; i < columns.length; i++) out[i] = fromStored((columns[i] as ColumnInfo).type, row[i]);
    yield out;
  }
}
