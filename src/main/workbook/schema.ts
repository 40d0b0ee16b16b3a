// Kysely types of the workbook's metadata tables (user rows live in one SQL table per
// user table, named by rowsTable(), and are queried with generated SQL).
import type { Generated } from 'kysely';

export interface WorkbookSchema {
  tables: {
    id: Generated<number>;
    name: string;
    kind: string;
    data_version: Generated<number>;
    created_at: Generated<string>;
  };
  columns: {
    id: Generated<number>;
    table_id: number;
    name: string;
    type: string;
    position: number;
    hidden: Generated<number>;
    width: number | null;
    system: string | null;
    enrichment_id: number | null;
    output_key: string | null;
  };
  settings: { key: string; value: string };
}

/** SQL name of a user table's rows; ids are integers, so this is always a safe identifier. */
export const rowsTable = (tableId: number): string => `rows_${tableId}`;
/** SQL name of a user column. */
export const sqlColumn = (columnId: number): string => `c${columnId}`;
