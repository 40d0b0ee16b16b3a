// Translates AG Grid's sort and filter models into the contract's ViewSpec, so sorting
// and filtering run in SQL in the main process. The filter models pass through as they
// are: the contract's schemas mirror AG Grid's simple filter models.
import type { ColumnFilter, SortSpec, ViewSpec } from '@shared/model';
import type { SortModelItem } from 'ag-grid-community';

const COL_ID = /^c(\d+)$/;

/** AG Grid colId ("c12") -> column id (12), or null for non-data columns. */
export function columnIdOf(colId: string): number | null {
  const match = COL_ID.exec(colId);
  return match ? Number(match[1]) : null;
}

export function toSort(sortModel: SortModelItem[]): SortSpec[] {
  const sort: SortSpec[] = [];
  for (const item of sortModel) {
    const columnId = columnIdOf(item.colId);
    if (columnId !== null) sort.push({ columnId, dir: item.sort });
  }
  return sort.slice(0, 8);
}

export function toFilter(filterModel: unknown): Record<string, ColumnFilter> {
  const filter: Record<string, ColumnFilter> = {};
  if (!filterModel || typeof filterModel !== 'object') return filter;
  for (const [colId, model] of Object.entries(filterModel as Record<string, ColumnFilter>)) {
    if (columnIdOf(colId) !== null && model) filter[colId] = model;
  }
  return filter;
}

export function toView(
  tableId: number,
  sortModel: SortModelItem[],
  filterModel: unknown,
  search: string,
): ViewSpec {
  return { tableId, sort: toSort(sortModel), filter: toFilter(filterModel), search: search.trim() };
}

/** Same rows (ignoring order)? Used to tell a re-sort from a change of what is in view. */
export const sameRows = (a: ViewSpec, b: ViewSpec): boolean =>
  a.tableId === b.tableId && a.search === b.search && JSON.stringify(a.filter) === JSON.stringify(b.filter);

export const sameView = (a: ViewSpec, b: ViewSpec): boolean =>
  sameRows(a, b) && JSON.stringify(a.sort) === JSON.stringify(b.sort);

export const isFiltered = (view: ViewSpec): boolean =>
  view.search !== '' || Object.keys(view.filter).length > 0;

export const emptyView = (tableId: number): ViewSpec => ({ tableId, sort: [], filter: {}, search: '' });
