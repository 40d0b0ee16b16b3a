// Tables and their typed columns: the metadata in `tables`/`columns` and the DDL of
// each user table's own SQL table (one real SQL column per user column, so sorting and
// filtering run in SQLite). Never lets a name reach SQL: tables and columns are
// addressed by integer ids.

import { AppError } from '@shared/errors';
import {
  type ColumnInfo,
  type ColumnType,
  isBuiltInTable,
  type TableInfo,
  type TableKind,
} from '@shared/model';
import type { Workbook } from './database';
import { rowsTable, sqlColumn } from './schema';
import { COMPANY_COLUMNS, CONTACT_COLUMNS, type ColumnSeed, JOB_COLUMNS } from './table-seeds';
import { fromStored, toStoredLenient } from './values';

/** The kinds of table whose rows link to a company (contact.company_id, job.company_id). */
export type LinkedTableKind = Extract<TableKind, 'contacts' | 'jobs'>;
const LINKED_SEEDS: Record<LinkedTableKind, ColumnSeed[]> = { contacts: CONTACT_COLUMNS, jobs: JOB_COLUMNS };

export type TablesListener = (tableId: number | null, what: 'rows' | 'columns' | 'tables') => void;

export class TablesService {
  private readonly rowCounts = new Map<number, { version: number; count: number }>();

  constructor(
    private readonly workbook: Workbook,
    private readonly onChange: TablesListener = () => {},
  ) {}

  /** A new workbook starts with two linked tables: Companies and Contacts. */
  async ensureDefaults(): Promise<void> {
    const existing = await this.workbook.db.selectFrom('tables').select('id').limit(1).execute();
    if (existing.length > 0) return;
    const companies = await this.createTableWith('Companies', 'companies', COMPANY_COLUMNS);
    await this.createTableWith('Contacts', 'contacts', CONTACT_COLUMNS, companies.id);
  }

  async list(): Promise<TableInfo[]> {
    const tables = await this.workbook.db.selectFrom('tables').selectAll().orderBy('id').execute();
    const columns = await this.workbook.db.selectFrom('columns').selectAll().orderBy('position').execute();
    return tables.map((t) => ({
      id: t.id,
      name: t.name,
      kind: t.kind as TableKind,
      rowCount: this.rowCount(t.id, t.data_version),
      columns: columns.filter((c) => c.table_id === t.id).map(toColumnInfo),
    }));
  }

  async get(tableId: number): Promise<TableInfo> {
    const t = await this.workbook.db
      .selectFrom('tables')
      .selectAll()
      .where('id', '=', tableId)
      .executeTakeFirst();
    if (!t) throw new AppError('not_found', 'That table no longer exists.');
    const columns = await this.columns(tableId);
    return {
      id: t.id,
      name: t.name,
      kind: t.kind as TableKind,
      rowCount: this.rowCount(t.id, t.data_version),
      columns,
    };
  }

  async findByName(name: string): Promise<TableInfo | null> {
    const t = this.workbook.conn.prepare('SELECT id FROM tables WHERE name = ? COLLATE NOCASE').get(name) as
      | { id: number }
      | undefined;
    return t ? this.get(t.id) : null;
  }

  async columns(tableId: number): Promise<ColumnInfo[]> {
    const rows = await this.workbook.db
      .selectFrom('columns')
      .selectAll()
      .where('table_id', '=', tableId)
      .orderBy('position')
      .execute();
    return rows.map(toColumnInfo);
  }

  async column(columnId: number): Promise<ColumnInfo> {
    const row = await this.workbook.db
      .selectFrom('columns')
      .selectAll()
      .where('id', '=', columnId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', 'That column no longer exists.');
    return toColumnInfo(row);
  }

  /** Bumped on inserts and deletes: cached counts and materialised views depend on it. */
  dataVersion(tableId: number): number {
    const row = this.workbook.conn.prepare('SELECT data_version FROM tables WHERE id = ?').get(tableId) as
      | { data_version: number }
      | undefined;
    if (!row) throw new AppError('not_found', 'That table no longer exists.');
    return row.data_version;
  }

  /** Column metadata changed elsewhere (an enrichment took or let go of columns). */
  columnsChanged(tableId: number): void {
    this.onChange(tableId, 'columns');
  }

  bumpDataVersion(tableId: number): void {
    this.workbook.conn.prepare('UPDATE tables SET data_version = data_version + 1 WHERE id = ?').run(tableId);
    this.onChange(tableId, 'rows');
  }

  async create(name: string): Promise<TableInfo> {
    return this.createTableWith(name, 'custom', [{ name: 'Name', type: 'text' }]);
  }

  /**
   * A table of rows linked to the first Companies table: Contacts (as a new workbook has)
   * or Jobs. Named `name`, or "name (2)" when the user already has a table of that name.
   */
  async createLinked(kind: LinkedTableKind, name: string): Promise<TableInfo> {
    const companies = (await this.list()).find((t) => t.kind === 'companies');
    return this.createTableWith(this.uniqueTableName(name), kind, LINKED_SEEDS[kind], companies?.id);
  }

  /** A table with no columns yet: an import adds the file's columns to it. */
  async createEmpty(name: string): Promise<TableInfo> {
    return this.createTableWith(name, 'custom', []);
  }

  async rename(tableId: number, name: string): Promise<TableInfo> {
    await this.get(tableId);
    await this.assertTableNameFree(name, tableId);
    await this.workbook.db.updateTable('tables').set({ name }).where('id', '=', tableId).execute();
    this.onChange(tableId, 'tables');
    return this.get(tableId);
  }

  async delete(tableId: number): Promise<void> {
    const table = await this.get(tableId);
    if (isBuiltInTable(table.kind)) {
      throw new AppError(
        'forbidden',
        `${table.name} is one of the two linked tables of every workbook and cannot be deleted.`,
      );
    }
    const conn = this.workbook.conn;
    conn.transaction(() => {
      conn.exec(`DROP TABLE IF EXISTS ${rowsTable(tableId)}`);
      conn.prepare('DELETE FROM columns WHERE table_id = ?').run(tableId);
      conn.prepare('DELETE FROM tables WHERE id = ?').run(tableId);
    })();
    this.rowCounts.delete(tableId);
    this.onChange(null, 'tables');
  }

  async addColumn(tableId: number, name: string, type: ColumnType): Promise<ColumnInfo> {
    await this.get(tableId);
    await this.assertColumnNameFree(tableId, name);
    const conn = this.workbook.conn;
    const id = conn.transaction(() => {
      const position = (
        conn
          .prepare('SELECT COALESCE(MAX(position), -1) + 1 AS p FROM columns WHERE table_id = ?')
          .get(tableId) as {
          p: number;
        }
      ).p;
      const result = conn
        .prepare('INSERT INTO columns (table_id, name, type, position) VALUES (?, ?, ?, ?)')
        .run(tableId, name, type, position);
      const columnId = Number(result.lastInsertRowid);
      conn.exec(`ALTER TABLE ${rowsTable(tableId)} ADD COLUMN ${sqlColumn(columnId)}`);
      return columnId;
    })();
    this.onChange(tableId, 'columns');
    return this.column(id);
  }

  async updateColumn(
    columnId: number,
    patch: { name?: string; type?: ColumnType; hidden?: boolean; width?: number | null },
  ): Promise<{ column: ColumnInfo; unconverted: number }> {
    const column = await this.column(columnId);
    if (patch.name !== undefined && patch.name.toLowerCase() !== column.name.toLowerCase()) {
      await this.assertColumnNameFree(column.tableId, patch.name);
    }
    if (patch.type !== undefined && patch.type !== column.type && column.system) {
      throw new AppError(
        'forbidden',
        `${column.name} links each row to its company; its type cannot change.`,
      );
    }
    let unconverted = 0;
    const conn = this.workbook.conn;
    conn.transaction(() => {
      if (patch.type !== undefined && patch.type !== column.type)
        unconverted = this.convert(column, patch.type);
      const sets: string[] = [];
      const params: unknown[] = [];
      if (patch.name !== undefined) sets.push('name = ?') && params.push(patch.name);
      if (patch.type !== undefined) sets.push('type = ?') && params.push(patch.type);
      if (patch.hidden !== undefined) sets.push('hidden = ?') && params.push(patch.hidden ? 1 : 0);
      if (patch.width !== undefined) sets.push('width = ?') && params.push(patch.width);
      if (sets.length > 0)
        conn.prepare(`UPDATE columns SET ${sets.join(', ')} WHERE id = ?`).run(...params, columnId);
    })();
    if (patch.type !== undefined && patch.type !== column.type) this.bumpDataVersion(column.tableId);
    this.onChange(column.tableId, 'columns');
    return { column: await this.column(columnId), unconverted };
  }

  async reorder(tableId: number, columnIds: number[]): Promise<TableInfo> {
    const current = await this.columns(tableId);
    const known = new Set(current.map((c) => c.id));
    if (columnIds.some((id) => !known.has(id)))
      throw new AppError('invalid_input', 'The new order names a column of another table.');
    // Columns missing from the list keep their relative order after the named ones.
    const order = [
      ...new Set(columnIds),
      ...current.map((c) => c.id).filter((id) => !columnIds.includes(id)),
    ];
    const conn = this.workbook.conn;
    const update = conn.prepare('UPDATE columns SET position = ? WHERE id = ?');
    conn.transaction(() => {
      order.forEach((id, position) => {
        update.run(position, id);
      });
    })();
    this.onChange(tableId, 'columns');
    return this.get(tableId);
  }

  async deleteColumn(columnId: number): Promise<void> {
    const column = await this.column(columnId);
    if (column.system)
      throw new AppError('forbidden', `${column.name} links each row to its company and cannot be deleted.`);
    const conn = this.workbook.conn;
    const col = sqlColumn(columnId);
    conn.transaction(() => {
      // SQLite refuses to drop a column an index uses: drop those indexes first.
      const indexes = conn.pragma(`index_list(${rowsTable(column.tableId)})`) as { name: string }[];
      for (const index of indexes) {
        const parts = conn.pragma(`index_info("${index.name}")`) as { name: string | null }[];
        if (parts.some((p) => p.name === col)) conn.exec(`DROP INDEX "${index.name}"`);
      }
      conn.exec(`ALTER TABLE ${rowsTable(column.tableId)} DROP COLUMN ${col}`);
      conn.prepare('DELETE FROM columns WHERE id = ?').run(columnId);
    })();
    this.bumpDataVersion(column.tableId);
    this.onChange(column.tableId, 'columns');
  }

  /** Rewrites a column's values for a new type; values that do not fit stay as they were. */
  private convert(column: ColumnInfo, type: ColumnType): number {
    const conn = this.workbook.conn;
    const table = rowsTable(column.tableId);
    const col = sqlColumn(column.id);
    const update = conn.prepare(`UPDATE ${table} SET ${col} = ? WHERE id = ?`);
    let unconverted = 0;
    const rows = conn
      .prepare(`SELECT id, ${col} AS v FROM ${table} WHERE ${col} IS NOT NULL`)
      .raw()
      .all() as [number, unknown][];
    for (const [id, stored] of rows) {
      const { value, fits } = toStoredLenient(type, fromStored(column.type, stored));
      if (!fits) unconverted++;
      if (value !== stored) update.run(value, id);
    }
    return unconverted;
  }

  private rowCount(tableId: number, version: number): number {
    const cached = this.rowCounts.get(tableId);
    if (cached && cached.version === version) return cached.count;
    const { n } = this.workbook.conn.prepare(`SELECT COUNT(*) AS n FROM ${rowsTable(tableId)}`).get() as {
      n: number;
    };
    this.rowCounts.set(tableId, { version, count: n });
    return n;
  }

  private async createTableWith(
    name: string,
    kind: TableKind,
    seeds: ColumnSeed[],
    companiesId?: number,
  ): Promise<TableInfo> {
    await this.assertTableNameFree(name);
    const conn = this.workbook.conn;
    const tableId = conn.transaction(() => {
      const id = Number(
        conn.prepare('INSERT INTO tables (name, kind) VALUES (?, ?)').run(name, kind).lastInsertRowid,
      );
      const insertColumn = conn.prepare(
        'INSERT INTO columns (table_id, name, type, position, system) VALUES (?, ?, ?, ?, ?)',
      );
      const defs: string[] = ['id INTEGER PRIMARY KEY'];
      const indexes: string[] = [];
      seeds.forEach((seed, position) => {
        const columnId = Number(
          insertColumn.run(id, seed.name, seed.type, position, seed.system ?? null).lastInsertRowid,
        );
        if (seed.system === 'company_link' && companiesId) {
          defs.push(
            `${sqlColumn(columnId)} INTEGER REFERENCES ${rowsTable(companiesId)}(id) ON DELETE SET NULL`,
          );
          indexes.push(
            `CREATE INDEX ${rowsTable(id)}_${sqlColumn(columnId)} ON ${rowsTable(id)} (${sqlColumn(columnId)})`,
          );
        } else {
          defs.push(sqlColumn(columnId));
        }
      });
      conn.exec(`CREATE TABLE ${rowsTable(id)} (${defs.join(', ')})`);
      for (const index of indexes) conn.exec(index);
      return id;
    })();
    this.onChange(tableId, 'tables');
    return this.get(tableId);
  }

  private uniqueTableName(wanted: string): string {
    const taken = new Set(
      (this.workbook.conn.prepare('SELECT name FROM tables').all() as { name: string }[]).map((r) =>
        r.name.toLowerCase(),
      ),
    );
    let name = wanted;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${wanted} (${n})`;
    return name;
  }

  uniqueColumnName(tableId: number, wanted: string): string {
    const taken = new Set(
      (
        this.workbook.conn.prepare('SELECT name FROM columns WHERE table_id = ?').all(tableId) as {
          name: string;
        }[]
      ).map((r) => r.name.toLowerCase()),
    );
    let name = wanted;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${wanted} (${n})`;
    return name;
  }

  private async assertTableNameFree(name: string, exceptId?: number): Promise<void> {
    const row = this.workbook.conn.prepare('SELECT id FROM tables WHERE name = ? COLLATE NOCASE').get(name) as
      | { id: number }
      | undefined;
    if (row && row.id !== exceptId) throw new AppError('conflict', `A table named “${name}” already exists.`);
  }

  private async assertColumnNameFree(tableId: number, name: string): Promise<void> {
    const row = this.workbook.conn
      .prepare('SELECT id FROM columns WHERE table_id = ? AND name = ? COLLATE NOCASE')
      .get(tableId, name) as { id: number } | undefined;
    if (row) throw new AppError('conflict', `A column named “${name}” already exists in this table.`);
  }
}

function toColumnInfo(row: {
  id: number;
  table_id: number;
  name: string;
  type: string;
  position: number;
  hidden: number;
  width: number | null;
  system: string | null;
  enrichment_id: number | null;
  output_key: string | null;
}): ColumnInfo {
  return {
    id: row.id,
    tableId: row.table_id,
    name: row.name,
    type: row.type as ColumnType,
    position: row.position,
    hidden: row.hidden !== 0,
    width: row.width,
    system: row.system === 'company_link' ? 'company_link' : null,
    enrichmentId: row.enrichment_id,
    outputKey: row.output_key,
  };
}
