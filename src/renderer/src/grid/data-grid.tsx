// The table on screen: AG Grid's infinite row model over `rows/block`, with sort and
// filter pushed down to SQL, typed cell editing through `rows/update-cell`, and column
// moves and widths saved back to the workbook. Never holds more than the cached blocks.
import { columnKey, type RowData, type TableInfo, type ViewSpec } from '@shared/model';
import type {
  CellValueChangedEvent,
  ColumnResizedEvent,
  GetRowIdParams,
  GridApi,
  GridPreDestroyedEvent,
  GridReadyEvent,
  GridState,
  IDatasource,
  RowSelectionOptions,
  SelectionChangedEvent,
  SelectionColumnDef,
} from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { forwardRef, useCallback, useEffect, useImperativeHandle, useMemo, useRef } from 'react';
import { call, subscribe } from '../api';
import { runStore } from '../state/runs';
import { useToast } from '../state/toasts';
import { RowNumberCell } from './cell-renderers';
import { buildColumnDefs } from './column-defs';
import type { GridContext } from './grid-context';
import type { GridSelection } from './selection';
import { gridTheme } from './theme';
import { useGridDomEvents } from './use-grid-dom-events';
import { columnIdOf, sameRows, toView } from './view';

/** What is kept of a table's view while another table is open. */
export interface SavedView {
  state: Pick<GridState, 'sort' | 'filter' | 'scroll'>;
  search: string;
}

export interface DataGridHandle {
  /** Reload the cached blocks in place (keeps the scroll position). */
  refresh(): void;
}

interface DataGridProps {
  table: TableInfo;
  search: string;
  selection: GridSelection;
  context: GridContext;
  /** sort, filters and scroll position from the last time this table was open */
  initialState?: SavedView['state'];
  onSaveView(tableId: number, view: SavedView): void;
  onSelectionChange(selection: GridSelection): void;
  onView(view: ViewSpec): void;
  onRowCount(rowCount: number): void;
  onColumnsSaved(): void;
  /** Delete pressed with rows selected */
  onDeleteKey(): void;
  /** Ctrl/Cmd+A in the grid */
  onSelectAllKey(): void;
}

const getRowId = (p: GetRowIdParams<RowData>): string => String(p.data.id);

const selectionColumnDef: SelectionColumnDef = {
  headerName: '#',
  pinned: 'left',
  width: 84,
  minWidth: 60,
  resizable: true,
  sortable: false,
  suppressHeaderMenuButton: true,
  cellRenderer: RowNumberCell,
  cellClass: 'cell-row-number',
};

export const DataGrid = forwardRef<DataGridHandle, DataGridProps>(function DataGrid(props, ref) {
  const { table, search, selection, context } = props;
  const toast = useToast();
  const apiRef = useRef<GridApi<RowData> | null>(null);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const tableId = table.id;

  // Callbacks read the latest props through refs: the datasource and grid events are
  // created once per table, and must not be rebuilt on every render.
  const latest = useRef(props);
  latest.current = props;
  const searchRef = useRef(search);
  const viewRef = useRef<ViewSpec | null>(null);
  const pendingRefresh = useRef(false);

  /** In "all in view" mode, tick every loaded row except the ones unticked since. */
  const applyViewSelection = useCallback(() => {
    const api = apiRef.current;
    const sel = latest.current.selection;
    if (!api || sel.kind !== 'view') return;
    const except = new Set(sel.exceptIds);
    const select: NonNullable<ReturnType<typeof api.getRowNode>>[] = [];
    const unselect: typeof select = [];
    api.forEachNode((node) => {
      if (!node.data) return;
      const want = !except.has(node.data.id);
      if (want !== !!node.isSelected()) (want ? select : unselect).push(node);
    });
    if (select.length) api.setNodesSelected({ nodes: select, newValue: true, source: 'api' });
    if (unselect.length) api.setNodesSelected({ nodes: unselect, newValue: false, source: 'api' });
  }, []);

  const datasource = useMemo<IDatasource>(
    () => ({
      getRows(params) {
        const view = toView(tableId, params.sortModel, params.filterModel, searchRef.current);
        const previous = viewRef.current;
        viewRef.current = view;
        // A different set of rows in view: a selection made in the old one no longer applies.
        if (previous && !sameRows(previous, view)) {
          const sel = latest.current.selection;
          if (sel.kind === 'view' || sel.ids.length > 0) {
            const api = apiRef.current;
            if (api) api.setNodesSelected({ nodes: api.getSelectedNodes(), newValue: false, source: 'api' });
            latest.current.onSelectionChange({ kind: 'ids', ids: [] });
          }
        }
        latest.current.onView(view);
        call('rows/block', { view, start: params.startRow, end: params.endRow })
          .then(({ rows, rowCount }) => {
            params.successCallback(rows, rowCount);
            if (viewRef.current === view) latest.current.onRowCount(rowCount);
            setTimeout(applyViewSelection, 0);
          })
          .catch((error) => {
            params.failCallback();
            toast.error(error, 'Could not load rows');
          });
      },
    }),
    [tableId, toast, applyViewSelection],
  );

  const refresh = useCallback(() => {
    const api = apiRef.current;
    if (!api || api.isDestroyed()) return;
    // Reloading under an open editor would throw the user's typing away; wait for it.
    if (api.getEditingCells().length > 0) {
      pendingRefresh.current = true;
      return;
    }
    pendingRefresh.current = false;
    api.refreshInfiniteCache();
  }, []);

  useImperativeHandle(ref, () => ({ refresh }), [refresh]);

  // Search is ours, not AG Grid's: a new search reloads from the top.
  useEffect(() => {
    if (searchRef.current === search) return;
    searchRef.current = search;
    const api = apiRef.current;
    if (!api) return;
    if (api.getDisplayedRowCount() > 0) api.ensureIndexVisible(0, 'top');
    api.purgeInfiniteCache();
  }, [search]);

  // Rows changed elsewhere (an import, a delete, another window): reload what is cached.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe('tables/changed', (change) => {
      if (change.what === 'tables') return;
      if (change.tableId !== null && change.tableId !== tableId) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [tableId, refresh]);

  // A run changed some rows: reload just those that are on screen or cached, in place.
  useEffect(
    () =>
      runStore.onRows((changedTableId, rowIds) => {
        const api = apiRef.current;
        if (changedTableId !== tableId || !api || api.isDestroyed()) return;
        const loaded = rowIds.filter((id) => api.getRowNode(String(id))?.data);
        for (let i = 0; i < loaded.length; i += 1_000) {
          call('rows/get', { tableId, rowIds: loaded.slice(i, i + 1_000) })
            .then(({ rows }) => {
              if (api.isDestroyed()) return;
              for (const row of rows) {
                const node = api.getRowNode(String(row.id));
                // A cell being edited keeps the user's typing; the next refresh catches up.
                if (node && !api.getEditingCells().some((c) => c.rowIndex === node.rowIndex))
                  node.setData(row);
              }
            })
            .catch(() => {});
        }
      }),
    [tableId],
  );

  // Follow selection changes made outside the grid ("Select all in view", "Clear").
  useEffect(() => {
    const api = apiRef.current;
    if (!api) return;
    if (selection.kind === 'view') applyViewSelection();
    else if (selection.ids.length === 0) {
      const selected = api.getSelectedNodes();
      if (selected.length) api.setNodesSelected({ nodes: selected, newValue: false, source: 'api' });
    }
  }, [selection, applyViewSelection]);

  const onSelectionChanged = useCallback((e: SelectionChangedEvent<RowData>) => {
    if (e.source === 'api' || e.source === 'rowDataChanged') return;
    const sel = latest.current.selection;
    if (sel.kind === 'view') {
      const except = new Set(sel.exceptIds);
      e.api.forEachNode((node) => {
        if (!node.data) return;
        if (node.isSelected()) except.delete(node.data.id);
        else except.add(node.data.id);
      });
      latest.current.onSelectionChange({ ...sel, exceptIds: [...except] });
    } else {
      const ids = e.api
        .getSelectedNodes()
        .flatMap((n) => (n.data ? [n.data.id] : n.id ? [Number(n.id)] : []));
      latest.current.onSelectionChange({ kind: 'ids', ids });
    }
  }, []);

  const onCellValueChanged = useCallback(
    (e: CellValueChangedEvent<RowData>) => {
      const columnId = columnIdOf(e.column.getColId());
      const row = e.data;
      if (columnId === null || !row) return;
      const key = columnKey(columnId);
      const value = (e.newValue ?? null) as RowData['cells'][string];
      call('rows/update-cell', { tableId, rowId: row.id, columnId, value })
        .then(({ row: saved }) => e.node.setData(saved))
        .catch((error) => {
          const current = e.node.data ?? row;
          e.node.setData({ ...current, cells: { ...current.cells, [key]: e.oldValue ?? null } });
          toast.error(error);
        });
    },
    [tableId, toast],
  );

  const widthTimers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const onColumnResized = useCallback(
    (e: ColumnResizedEvent<RowData>) => {
      if (!e.finished || e.source !== 'uiColumnResized') return;
      for (const column of e.columns ?? (e.column ? [e.column] : [])) {
        const columnId = columnIdOf(column.getColId());
        if (columnId === null) continue;
        const width = Math.max(20, Math.min(2000, Math.round(column.getActualWidth())));
        clearTimeout(widthTimers.current.get(columnId));
        widthTimers.current.set(
          columnId,
          setTimeout(() => {
            widthTimers.current.delete(columnId);
            call('columns/update', { columnId, width }).catch((error) =>
              toast.error(error, 'Could not save the width'),
            );
          }, 300),
        );
      }
    },
    [toast],
  );

  const onDragStopped = useCallback(() => {
    const api = apiRef.current;
    if (!api) return;
    const order = api.getAllGridColumns().flatMap((c) => {
      const id = columnIdOf(c.getColId());
      return id === null ? [] : [id];
    });
    const saved = [...latest.current.table.columns].sort((a, b) => a.position - b.position).map((c) => c.id);
    if (order.length === 0 || order.join() === saved.join()) return;
    call('columns/reorder', { tableId, columnIds: order })
      .then(() => latest.current.onColumnsSaved())
      .catch((error) => {
        toast.error(error, 'Could not move the column');
        latest.current.onColumnsSaved();
      });
  }, [tableId, toast]);

  const onGridReady = useCallback((e: GridReadyEvent<RowData>) => {
    apiRef.current = e.api;
  }, []);

  const onGridPreDestroyed = useCallback(
    (e: GridPreDestroyedEvent<RowData>) => {
      const { sort, filter, scroll } = e.state;
      latest.current.onSaveView(tableId, { state: { sort, filter, scroll }, search: searchRef.current });
    },
    [tableId],
  );

  useGridDomEvents(wrapperRef, apiRef, {
    columnMenu: (columnId, anchor) => latest.current.context.openColumnMenu(columnId, anchor),
    hasSelection: () => {
      const sel = latest.current.selection;
      return sel.kind === 'view' || sel.ids.length > 0;
    },
    deleteKey: () => latest.current.onDeleteKey(),
    selectAllKey: () => latest.current.onSelectAllKey(),
  });

  const columnDefs = useMemo(() => buildColumnDefs(table.columns), [table.columns]);
  // Enrichment columns show their run's progress under the name: a taller header.
  const headerHeight = table.columns.some((c) => c.enrichmentId !== null && !c.hidden) ? 46 : undefined;

  // A retyped column changes its renderer and cell classes; redraw the rows on screen.
  const firstDefs = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the column definitions change
  useEffect(() => {
    if (firstDefs.current) {
      firstDefs.current = false;
      return;
    }
    const api = apiRef.current;
    if (api && !api.isDestroyed() && api.getEditingCells().length === 0) api.redrawRows();
  }, [columnDefs]);

  const rowSelection = useMemo<RowSelectionOptions<RowData>>(
    () => ({
      mode: 'multiRow',
      checkboxes: true,
      headerCheckbox: false,
      // In "all in view" mode a plain click would silently untick thousands of rows;
      // there the checkboxes (and Space) are the way to exclude rows.
      enableClickSelection: selection.kind !== 'view',
    }),
    [selection.kind],
  );

  return (
    <div className="grid-wrapper" ref={wrapperRef} data-testid="grid">
      <AgGridReact<RowData>
        theme={gridTheme}
        context={context}
        rowModelType="infinite"
        datasource={datasource}
        cacheBlockSize={100}
        maxBlocksInCache={50}
        maxConcurrentDatasourceRequests={2}
        blockLoadDebounceMillis={50}
        infiniteInitialRowCount={1}
        getRowId={getRowId}
        columnDefs={columnDefs}
        headerHeight={headerHeight}
        defaultColDef={{ floatingFilter: true, suppressHeaderMenuButton: true }}
        rowSelection={rowSelection}
        selectionColumnDef={selectionColumnDef}
        initialState={props.initialState}
        onGridReady={onGridReady}
        onGridPreDestroyed={onGridPreDestroyed}
        onSelectionChanged={onSelectionChanged}
        onCellValueChanged={onCellValueChanged}
        onCellEditingStopped={() => {
          if (pendingRefresh.current) setTimeout(refresh, 0);
        }}
        onColumnResized={onColumnResized}
        onDragStopped={onDragStopped}
        onModelUpdated={applyViewSelection}
        suppressNoRowsOverlay
        stopEditingWhenCellsLoseFocus
        enterNavigatesVerticallyAfterEdit
        suppressDragLeaveHidesColumns
        undoRedoCellEditing={false}
        animateRows={false}
      />
    </div>
  );
});
