// The workbook as the shell around the grid sees it: the list of tables (for the sidebar),
// which one is open, and that table's columns. Kept fresh by `tables/changed` events;
// the grid refreshes its own rows.
import type { TableInfo } from '@shared/model';
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, subscribe } from '../api';
import { useToast } from './toasts';

const KIND_ORDER = { companies: 0, contacts: 1, jobs: 2, custom: 3 } as const;

/** Companies and Contacts first, then Jobs, then the user's tables in the order the workbook keeps them. */
export const sortTables = (tables: TableInfo[]): TableInfo[] =>
  tables
    .map((t, i) => ({ t, i }))
    .sort((a, b) => KIND_ORDER[a.t.kind] - KIND_ORDER[b.t.kind] || a.i - b.i)
    .map(({ t }) => t);

export interface Workbook {
  ready: boolean;
  tables: TableInfo[];
  activeId: number | null;
  /** The open table with its columns (null while loading or when there is none). */
  table: TableInfo | null;
  select(tableId: number): void;
  reloadTables(): Promise<TableInfo[]>;
  reloadTable(): Promise<void>;
}

export function useWorkbook(): Workbook {
  const toast = useToast();
  const [ready, setReady] = useState(false);
  const [tables, setTables] = useState<TableInfo[]>([]);
  const [activeId, setActiveId] = useState<number | null>(null);
  const [table, setTable] = useState<TableInfo | null>(null);
  const activeRef = useRef<number | null>(null);
  activeRef.current = activeId;
  // The first load opens the table the window showed last time (kept by the main process).
  const restored = useRef(false);

  const reloadTables = useCallback(async () => {
    try {
      const list = sortTables(await call('tables/list', {}));
      const remembered = restored.current
        ? null
        : await call('workspace/state', {}).then(
            (state) => state.lastTableId,
            () => null,
          );
      restored.current = true;
      setTables(list);
      setActiveId((current) => {
        const wanted = current ?? remembered;
        return wanted !== null && list.some((t) => t.id === wanted) ? wanted : (list[0]?.id ?? null);
      });
      return list;
    } catch (error) {
      toast.error(error, 'Could not load tables');
      return [];
    } finally {
      setReady(true);
    }
  }, [toast]);

  const reloadTable = useCallback(async () => {
    const tableId = activeRef.current;
    if (tableId === null) {
      setTable(null);
      return;
    }
    try {
      const info = await call('tables/get', { tableId });
      if (activeRef.current === tableId) setTable(info);
      setTables((list) => list.map((t) => (t.id === info.id ? info : t)));
    } catch (error) {
      toast.error(error, 'Could not load the table');
    }
  }, [toast]);

  useEffect(() => {
    void reloadTables();
  }, [reloadTables]);

  useEffect(() => {
    if (activeId !== null) void call('workspace/open-table', { tableId: activeId }).catch(() => {});
  }, [activeId]);

  // Reload whenever the open table changes (reloadTable reads it from activeRef).
  useEffect(() => {
    setTable((current) => (current?.id === activeId ? current : null));
    void reloadTable();
  }, [activeId, reloadTable]);

  // Row counts in the sidebar follow imports and deletes; coalesce bursts of events.
  useEffect(() => {
    let countsTimer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe('tables/changed', (change) => {
      if (change.what === 'tables') {
        void reloadTables().then(() => reloadTable());
      } else if (change.what === 'columns') {
        // The list carries every table's columns too (the import wizard maps onto them).
        if (change.tableId === null || change.tableId === activeRef.current) void reloadTable();
        else void reloadTables();
      } else {
        clearTimeout(countsTimer);
        countsTimer = setTimeout(() => void reloadTables(), 400);
      }
    });
    return () => {
      clearTimeout(countsTimer);
      off();
    };
  }, [reloadTables, reloadTable]);

  return { ready, tables, activeId, table, select: setActiveId, reloadTables, reloadTable };
}
