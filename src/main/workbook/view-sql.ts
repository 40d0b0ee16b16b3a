// Turns a view (sort, AG Grid-shaped column filters, a search) into SQL over a user's
// rows table. Values always travel as bound parameters; identifiers come only from
// integer column ids, so nothing a user types is ever spliced into SQL.

import { AppError } from '@shared/errors';
import type { ColumnFilter, ColumnInfo, FilterCondition, ViewSpec } from '@shared/model';
import { sqlColumn } from './schema';

export interface SqlPart {
  sql: string;
  params: unknown[];
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function columnFor(columns: Map<number, ColumnInfo>, key: string): ColumnInfo {
  const column = columns.get(Number(key.slice(1)));
  if (!column)
    throw new AppError('invalid_input', `The filter refers to a column that no longer exists (${key}).`);
  return column;
}

function textCondition(
  col: string,
  cond: Extract<FilterCondition, { filterType: 'text' }>,
  type: ColumnInfo['type'],
): SqlPart {
  if (cond.type === 'blank') return { sql: `(${col} IS NULL OR ${col} = '')`, params: [] };
  if (cond.type === 'notBlank') return { sql: `(${col} IS NOT NULL AND ${col} <> '')`, params: [] };
  let value = cond.filter ?? '';
  if (type === 'boolean') {
    // Booleans are stored as 1/0; the grid filters them as text "true"/"false".
    const b = /^(true|yes|1)$/i.test(value.trim()) ? 1 : /^(false|no|0)$/i.test(value.trim()) ? 0 : null;
    if (b === null) return { sql: '0', params: [] };
    const op = cond.type === 'notEqual' || cond.type === 'notContains' ? '<>' : '=';
    return { sql: `${col} ${op} ?`, params: [b] };
  }
  value = likeEscape(value);
  switch (cond.type) {
    case 'contains':
      return { sql: `${col} LIKE ? ESCAPE '\\'`, params: [`%${value}%`] };
    case 'notContains':
      return { sql: `(${col} IS NULL OR ${col} NOT LIKE ? ESCAPE '\\')`, params: [`%${value}%`] };
    case 'equals':
      return { sql: `${col} LIKE ? ESCAPE '\\'`, params: [value] };
    case 'notEqual':
      return { sql: `(${col} IS NULL OR ${col} NOT LIKE ? ESCAPE '\\')`, params: [value] };
    case 'startsWith':
      return { sql: `${col} LIKE ? ESCAPE '\\'`, params: [`${value}%`] };
    case 'endsWith':
      return { sql: `${col} LIKE ? ESCAPE '\\'`, params: [`%${value}`] };
  }
}

const NUMBER_OPS = {
  equals: '=',
  notEqual: '<>',
  lessThan: '<',
  lessThanOrEqual: '<=',
  greaterThan: '>',
  greaterThanOrEqual: '>=',
} as const;

function numberCondition(col: string, cond: Extract<FilterCondition, { filterType: 'number' }>): SqlPart {
  if (cond.type === 'blank') return { sql: `${col} IS NULL`, params: [] };
  if (cond.type === 'notBlank') return { sql: `${col} IS NOT NULL`, params: [] };
  if (cond.filter === null || cond.filter === undefined) return { sql: '1', params: [] };
  if (cond.type === 'inRange') {
    const to = cond.filterTo ?? cond.filter;
    return {
      sql: `(${col} >= ? AND ${col} <= ?)`,
      params: [Math.min(cond.filter, to), Math.max(cond.filter, to)],
    };
  }
  return {
    sql: `(typeof(${col}) IN ('integer','real') AND ${col} ${NUMBER_OPS[cond.type]} ?)`,
    params: [cond.filter],
  };
}

/** AG Grid sends dates as "YYYY-MM-DD hh:mm:ss"; cells hold ISO text. Compare the date part. */
function dateCondition(col: string, cond: Extract<FilterCondition, { filterType: 'date' }>): SqlPart {
  if (cond.type === 'blank') return { sql: `(${col} IS NULL OR ${col} = '')`, params: [] };
  if (cond.type === 'notBlank') return { sql: `(${col} IS NOT NULL AND ${col} <> '')`, params: [] };
  const from = cond.dateFrom?.slice(0, 10);
  if (!from) return { sql: '1', params: [] };
  const day = `substr(${col}, 1, 10)`;
  switch (cond.type) {
    case 'equals':
      return { sql: `${day} = ?`, params: [from] };
    case 'notEqual':
      return { sql: `(${col} IS NULL OR ${day} <> ?)`, params: [from] };
    case 'lessThan':
      return { sql: `${day} < ?`, params: [from] };
    case 'greaterThan':
      return { sql: `${day} > ?`, params: [from] };
    case 'inRange': {
      const bounds = [from, cond.dateTo?.slice(0, 10) ?? from].sort();
      return { sql: `${day} BETWEEN ? AND ?`, params: bounds };
    }
  }
}

function condition(column: ColumnInfo, cond: FilterCondition): SqlPart {
  const col = sqlColumn(column.id);
  if (cond.filterType === 'text') return textCondition(col, cond, column.type);
  if (cond.filterType === 'number') return numberCondition(col, cond);
  return dateCondition(col, cond);
}

function columnFilter(column: ColumnInfo, filter: ColumnFilter): SqlPart {
  if ('conditions' in filter) {
    const parts = filter.conditions.map((c) => condition(column, c));
    const joiner = filter.operator === 'OR' ? ' OR ' : ' AND ';
    return { sql: `(${parts.map((p) => p.sql).join(joiner)})`, params: parts.flatMap((p) => p.params) };
  }
  return condition(column, filter);
}

export function whereClause(view: ViewSpec, columns: ColumnInfo[]): SqlPart {
  const byId = new Map(columns.map((c) => [c.id, c]));
  const parts: SqlPart[] = Object.entries(view.filter).map(([key, filter]) =>
    columnFilter(columnFor(byId, key), filter),
  );
  const search = view.search.trim();
  if (search) {
    const searchable = columns.filter((c) => !c.hidden);
    if (searchable.length > 0) {
      const pattern = `%${likeEscape(search)}%`;
      parts.push({
        sql: `(${searchable.map((c) => `${sqlColumn(c.id)} LIKE ? ESCAPE '\\'`).join(' OR ')})`,
        params: searchable.map(() => pattern),
      });
    }
  }
  if (parts.length === 0) return { sql: '', params: [] };
  return { sql: `WHERE ${parts.map((p) => p.sql).join(' AND ')}`, params: parts.flatMap((p) => p.params) };
}

/**
 * With a filter, sorting the matching rows beats walking a sort index and looking up
 * every row (seconds on a million rows), so `useIndex: false` hides the index from the
 * planner with SQLite's unary `+`.
 */
export function orderClause(
  view: ViewSpec,
  columns: ColumnInfo[],
  opts: { useIndex?: boolean } = {},
): string {
  const byId = new Map(columns.map((c) => [c.id, c]));
  const prefix = opts.useIndex === false ? '+' : '';
  const terms = view.sort.map((s) => {
    const column = byId.get(s.columnId);
    if (!column)
      throw new AppError(
        'invalid_input',
        `The sort refers to a column that no longer exists (${s.columnId}).`,
      );
    return `${prefix}${sqlColumn(column.id)} COLLATE NOCASE ${s.dir === 'desc' ? 'DESC' : 'ASC'}`;
  });
  // Rows with equal keys keep their insertion order, so paging is stable.
  terms.push(view.sort.length === 1 && view.sort[0]?.dir === 'desc' ? 'id DESC' : 'id ASC');
  return `ORDER BY ${terms.join(', ')}`;
}
