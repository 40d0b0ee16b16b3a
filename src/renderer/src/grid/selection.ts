// Row selection as the app keeps it. AG Grid's infinite row model only knows the rows it
// has loaded, so "all N in view" is our own mode: the view plus the rows unticked since.
import type { RowSelection } from '@shared/api';
import type { ViewSpec } from '@shared/model';

export type GridSelection =
  | { kind: 'ids'; ids: number[] }
  | { kind: 'view'; view: ViewSpec; exceptIds: number[] };

export const NO_SELECTION: GridSelection = { kind: 'ids', ids: [] };

export const selectionSize = (selection: GridSelection, rowCount: number | null): number =>
  selection.kind === 'ids' ? selection.ids.length : Math.max(0, (rowCount ?? 0) - selection.exceptIds.length);

export const hasSelection = (selection: GridSelection, rowCount: number | null): boolean =>
  selectionSize(selection, rowCount) > 0;

/** The contract's shape for rows/delete; null when nothing is selected. */
export function toRowSelection(selection: GridSelection): RowSelection | null {
  if (selection.kind === 'view')
    return { kind: 'view', view: selection.view, exceptIds: selection.exceptIds };
  return selection.ids.length > 0 ? { kind: 'ids', ids: selection.ids } : null;
}
