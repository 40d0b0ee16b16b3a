// The window: tables on the left, the open table's toolbar, grid and status bar on the
// right, and the dialogs. Holds the UI state that several parts share (search, the view
// the grid shows, its row count, the selection); every rule lives in the main process.
import type { EnrichmentInfo } from '@shared/enrichment';
import type { ViewSpec } from '@shared/model';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { call } from './api';
import { AddColumnDialog } from './components/add-column-dialog';
import { DialogsProvider, useAsk } from './components/dialogs';
import { DropOverlay } from './components/drop-overlay';
import type { MenuAnchor } from './components/menu';
import { Sidebar } from './components/sidebar';
import { StatusBar } from './components/status-bar';
import { Toolbar } from './components/toolbar';
import { CapacityDialog, CreditsDialog, renewalDate } from './credits/credits-dialog';
import { AuditDialog } from './enrich/audit-dialog';
import { RunDialog, type RunOnly } from './enrich/run-dialog';
import { RunsPanel } from './enrich/runs-panel';
import { EnrichmentSettingsDialog } from './enrich/settings-dialog';
import { ExportDialog } from './export/export-dialog';
import { FirstRunGate } from './first-run/first-run';
import { plural } from './format';
import { ColumnMenu } from './grid/column-menu';
import { DataGrid, type DataGridHandle, type SavedView } from './grid/data-grid';
import type { GridContext } from './grid/grid-context';
import { type GridSelection, NO_SELECTION, selectionSize, toRowSelection } from './grid/selection';
import { isTyping } from './grid/use-grid-dom-events';
import { emptyView, isFiltered, sameView } from './grid/view';
import { ImportDialog } from './import/import-dialog';
import { LinkedInImportDialog } from './import/linkedin-import-dialog';
import { ProvidersDialog } from './settings/providers-dialog';
import { AboutDialog, copyDiagnostics } from './shell/about-dialog';
import { UpdateBanner } from './shell/update-banner';
import { focusedColumnId, useMenuCommands } from './shell/use-commands';
import { JobsProvider } from './state/jobs';
import { isActive, stopRun, useCredits, useRuns } from './state/runs';
import { ToastProvider, useToast } from './state/toasts';
import { useJobOutcomes } from './state/use-job-outcomes';
import { useWorkbook } from './state/use-workbook';

export function App() {
  return (
    <ToastProvider>
      <JobsProvider>
        <DialogsProvider>
          <FirstRunGate>
            <Workspace />
          </FirstRunGate>
        </DialogsProvider>
      </JobsProvider>
    </ToastProvider>
  );
}

type OpenDialog =
  | { kind: 'import'; file: File | null; key: number }
  | { kind: 'export' }
  | { kind: 'add-column' }
  | { kind: 'run'; enrichment: EnrichmentInfo; only: RunOnly }
  | { kind: 'audit'; enrichment: EnrichmentInfo; rowId: number }
  | { kind: 'enrichment-settings'; enrichment: EnrichmentInfo }
  | { kind: 'credits' }
  | { kind: 'providers' }
  | { kind: 'capacity' }
  | { kind: 'linkedin-import' }
  /** diagnostics: collected from the menu where the clipboard refused them, shown to copy by hand */
  | { kind: 'about'; diagnostics?: string }
  | null;

function Workspace() {
  const workbook = useWorkbook();
  const { table, tables, activeId } = workbook;
  const toast = useToast();
  const ask = useAsk();
  const grid = useRef<DataGridHandle>(null);

  const [search, setSearch] = useState('');
  const [view, setView] = useState<ViewSpec | null>(null);
  const [rowCount, setRowCount] = useState<number | null>(null);
  const [selection, setSelection] = useState<GridSelection>(NO_SELECTION);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [columnMenu, setColumnMenu] = useState<{ columnId: number; anchor: MenuAnchor } | null>(null);
  const [runsOpen, setRunsOpen] = useState(false);
  const [enrichments, setEnrichments] = useState<EnrichmentInfo[]>([]);
  const runs = useRuns();
  const activeRuns = runs.filter(isActive).length;
  const importBusy = useRef(false);
  const importKey = useRef(0);
  // Each table keeps its sort, filters, search and scroll position while others are open.
  const savedViews = useRef(new Map<number, SavedView>());
  const onSaveView = useCallback((tableId: number, saved: SavedView) => {
    savedViews.current.set(tableId, saved);
  }, []);

  // Another table: its own search, view, count and selection.
  useEffect(() => {
    setSearch(activeId === null ? '' : (savedViews.current.get(activeId)?.search ?? ''));
    setView(null);
    setRowCount(null);
    setSelection(NO_SELECTION);
    setColumnMenu(null);
  }, [activeId]);

  // The open table's enrichment columns, reloaded whenever its columns change.
  useEffect(() => {
    if (!table) {
      setEnrichments([]);
      return;
    }
    let current = true;
    call('enrichments/list', { tableId: table.id })
      .then((list) => current && setEnrichments(list))
      .catch((error) => toast.error(error, 'Could not load the enrichment columns'));
    return () => {
      current = false;
    };
  }, [table, toast]);
  const enrichmentsRef = useRef(enrichments);
  enrichmentsRef.current = enrichments;

  const onView = useCallback(
    (next: ViewSpec) => setView((prev) => (prev && sameView(prev, next) ? prev : next)),
    [],
  );

  const reloadColumns = useCallback(() => {
    void workbook.reloadTable().then(() => grid.current?.refresh());
  }, [workbook.reloadTable]);

  const setImportBusy = useCallback((busy: boolean) => {
    importBusy.current = busy;
  }, []);

  const openImport = useCallback((file: File | null) => {
    importKey.current++;
    setDialog({ kind: 'import', file, key: importKey.current });
  }, []);

  const onDrop = useCallback(
    (file: File) => {
      if (importBusy.current)
        toast.info('An import is running in the open dialog; drop the file again when it has finished.');
      else openImport(file);
    },
    [openImport, toast],
  );

  useJobOutcomes({
    onImported: (tableId, open) => {
      void workbook.reloadTables().then(() => {
        if (open) workbook.select(tableId);
      });
      if (tableId === activeId) reloadColumns();
    },
  });

  const selectedCount = selectionSize(selection, rowCount);
  const currentView = view ?? (table ? { ...emptyView(table.id), search: search.trim() } : null);

  const selectAllInView = useCallback(() => {
    if (currentView && (rowCount ?? 0) > 0) setSelection({ kind: 'view', view: currentView, exceptIds: [] });
  }, [currentView, rowCount]);

  const deleteRows = useCallback(async () => {
    const rows = toRowSelection(selection);
    if (!rows || !table) return;
    const n = selectionSize(selection, rowCount);
    const ok = await ask.confirm({
      title: 'Delete rows',
      message: `Delete ${plural(n, 'row')} from ${table.name}? This cannot be undone.`,
      confirmLabel: `Delete ${plural(n, 'row')}`,
      danger: true,
    });
    if (!ok) return;
    try {
      const { deleted } = await call('rows/delete', { tableId: table.id, selection: rows });
      setSelection(NO_SELECTION);
      toast.success(`${plural(deleted, 'row')} deleted`);
      grid.current?.refresh();
      void workbook.reloadTables();
    } catch (error) {
      toast.error(error, 'Could not delete the rows');
    }
  }, [selection, table, rowCount, ask, toast, workbook.reloadTables]);

  // The menu's commands and their shortcuts (Ctrl/Cmd+O, E, F, Enter, period, comma).
  useMenuCommands({
    import: () => openImport(null),
    export: () => table !== null && table.id === activeId && setDialog({ kind: 'export' }),
    find: () => {
      const box = document.querySelector<HTMLInputElement>('[data-testid="search-input"]');
      box?.focus();
      box?.select();
    },
    'run-column': () => {
      if (!table || table.id !== activeId) return;
      const focused = table.columns.find((c) => c.id === focusedColumnId())?.enrichmentId;
      const enrichment =
        enrichments.find((e) => e.id === focused) ?? (enrichments.length === 1 ? enrichments[0] : undefined);
      if (enrichment) setDialog({ kind: 'run', enrichment, only: 'all' });
      else if (enrichments.length === 0)
        toast.info('This table has no enrichment columns yet: add one with + Column.');
      else toast.info('Click a cell of the column to run, then press the shortcut again.');
    },
    'stop-runs': () => {
      const running = runs.filter((r) => isActive(r) && r.tableId === activeId && r.status === 'running');
      if (running.length === 0) return toast.info('No column of this table is running.');
      for (const run of running)
        void stopRun(run.id).catch((error) => toast.error(error, 'Could not stop the run'));
    },
    settings: () => setDialog({ kind: 'providers' }),
    about: () => setDialog({ kind: 'about' }),
    'copy-diagnostics': () => {
      copyDiagnostics()
        .then(({ text, copied }) => {
          if (copied) toast.success('Diagnostics copied to the clipboard');
          else setDialog({ kind: 'about', diagnostics: text });
        })
        .catch((error) => toast.error(error, 'Could not collect the diagnostics'));
    },
  });

  // Escape lets go of the selection (including "all in view") when nothing else wants it.
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || isTyping(e.target)) return;
      if (document.querySelector('dialog[open], .menu')) return;
      setSelection((s) => (s.kind === 'view' || s.ids.length > 0 ? NO_SELECTION : s));
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const gridContext = useMemo<GridContext>(
    () => ({
      openColumnMenu: (columnId, anchor) => setColumnMenu({ columnId, anchor }),
      openAudit: (enrichmentId, rowId) => {
        const enrichment = enrichmentsRef.current.find((e) => e.id === enrichmentId);
        if (enrichment) setDialog({ kind: 'audit', enrichment, rowId });
      },
      openUrl: (url) => {
        call('shell/open-external', { url })
          .then(({ opened }) => {
            if (!opened) toast.info(`Could not open ${url}`);
          })
          .catch((error) => toast.error(error, 'Could not open the link'));
      },
    }),
    [toast],
  );

  const showColumn = (columnId: number) => {
    call('columns/update', { columnId, hidden: false })
      .catch((error) => toast.error(error, 'Could not show the column'))
      .finally(reloadColumns);
  };

  const tableReady = table !== null && table.id === activeId;

  return (
    <div className="app" data-testid={workbook.ready ? 'app-ready' : 'app-loading'}>
      <Sidebar
        tables={tables}
        activeId={activeId}
        onSelect={workbook.select}
        onChanged={(selectId) => {
          void workbook.reloadTables().then(() => {
            if (selectId !== undefined) workbook.select(selectId);
            void workbook.reloadTable();
          });
        }}
      />
      <main className="main">
        <Toolbar
          tableName={table?.name ?? (workbook.ready ? 'No table' : 'Loading…')}
          hiddenColumns={table?.columns.filter((c) => c.hidden) ?? []}
          canDelete={tableReady && selectedCount > 0}
          search={search}
          onSearch={setSearch}
          onImport={() => openImport(null)}
          onImportLinkedIn={() => setDialog({ kind: 'linkedin-import' })}
          onExport={() => tableReady && setDialog({ kind: 'export' })}
          onAddColumn={() => tableReady && setDialog({ kind: 'add-column' })}
          activeRuns={activeRuns}
          runsOpen={runsOpen}
          onToggleRuns={() => setRunsOpen((open) => !open)}
          onOpenProviders={() => setDialog({ kind: 'providers' })}
          onOpenCredits={() => setDialog({ kind: 'credits' })}
          onDeleteRows={() => void deleteRows()}
          onShowColumn={showColumn}
        />
        <UpdateBanner />
        <OutOfCreditsBanner onRequest={() => setDialog({ kind: 'capacity' })} />
        <div className="grid-area">
          {tableReady ? (
            <DataGrid
              key={table.id}
              ref={grid}
              table={table}
              search={search}
              selection={selection}
              context={gridContext}
              initialState={savedViews.current.get(table.id)?.state}
              onSaveView={onSaveView}
              onSelectionChange={setSelection}
              onView={onView}
              onRowCount={setRowCount}
              onColumnsSaved={reloadColumns}
              onDeleteKey={() => void deleteRows()}
              onSelectAllKey={selectAllInView}
            />
          ) : (
            <div className="grid-placeholder">
              {workbook.ready && tables.length === 0 ? 'No tables yet.' : 'Loading…'}
            </div>
          )}
          {tableReady && rowCount === 0 && (
            <div className="empty-state" data-testid="empty-state">
              {currentView && isFiltered(currentView) ? (
                <p>No rows match the current filters or search.</p>
              ) : (
                <>
                  <p>No rows yet — import a CSV or XLSX file, or drop one here</p>
                  <button type="button" className="primary" onClick={() => openImport(null)}>
                    Import…
                  </button>
                </>
              )}
            </div>
          )}
        </div>
        <StatusBar
          rowCount={tableReady ? rowCount : null}
          filtered={!!currentView && isFiltered(currentView)}
          selectedCount={selectedCount}
          allInView={selection.kind === 'view' && selection.exceptIds.length === 0}
          onSelectAll={selectAllInView}
          onClearSelection={() => setSelection(NO_SELECTION)}
          onOpenCredits={() => setDialog({ kind: 'credits' })}
          onOpenAbout={() => setDialog({ kind: 'about' })}
        />
      </main>

      {runsOpen && (
        <RunsPanel
          tableNames={new Map(tables.map((t) => [t.id, t.name]))}
          onClose={() => setRunsOpen(false)}
        />
      )}

      <DropOverlay onFile={onDrop} />

      {columnMenu && table && (
        <ColumnMenu
          table={table}
          columnId={columnMenu.columnId}
          anchor={columnMenu.anchor}
          onClose={() => setColumnMenu(null)}
          onChanged={reloadColumns}
          onEnrichment={(enrichmentId, what) => {
            const enrichment = enrichments.find((e) => e.id === enrichmentId);
            if (!enrichment) return;
            if (what === 'settings') setDialog({ kind: 'enrichment-settings', enrichment });
            else setDialog({ kind: 'run', enrichment, only: what === 'run' ? 'all' : what });
          }}
        />
      )}
      {dialog?.kind === 'import' && (
        <ImportDialog
          key={dialog.key}
          tables={tables}
          initialFile={dialog.file}
          onClose={() => {
            importBusy.current = false;
            setDialog(null);
          }}
          onBusyChange={setImportBusy}
        />
      )}
      {dialog?.kind === 'linkedin-import' && (
        <LinkedInImportDialog tables={tables} currentTableId={activeId} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'export' && table && (
        <ExportDialog
          table={table}
          view={currentView ?? emptyView(table.id)}
          viewRowCount={rowCount}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'add-column' && table && (
        <AddColumnDialog
          tableId={table.id}
          tableKind={table.kind}
          columns={table.columns}
          onClose={() => setDialog(null)}
          onAdded={reloadColumns}
          onEnrichmentAdded={(enrichment) => setDialog({ kind: 'run', enrichment, only: 'all' })}
        />
      )}
      {dialog?.kind === 'run' && (
        <RunDialog
          enrichment={dialog.enrichment}
          view={currentView}
          selection={selection}
          initialOnly={dialog.only}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'audit' && (
        <AuditDialog enrichment={dialog.enrichment} rowId={dialog.rowId} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'credits' && (
        <CreditsDialog onClose={() => setDialog(null)} onRequest={() => setDialog({ kind: 'capacity' })} />
      )}
      {dialog?.kind === 'providers' && <ProvidersDialog onClose={() => setDialog(null)} />}
      {dialog?.kind === 'capacity' && <CapacityDialog onClose={() => setDialog(null)} />}
      {dialog?.kind === 'about' && (
        <AboutDialog initialDiagnostics={dialog.diagnostics} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'enrichment-settings' && (
        <EnrichmentSettingsDialog
          enrichment={dialog.enrichment}
          onClose={() => setDialog(null)}
          onSaved={reloadColumns}
        />
      )}
    </div>
  );
}

/** At zero: why columns stopped spending, when they go on by themselves, and how to ask for more. */
function OutOfCreditsBanner({ onRequest }: { onRequest(): void }) {
  const credits = useCredits();
  // While a column runs, its hold may take the balance to zero: that is not "out" yet.
  const running = useRuns().some(isActive);
  if (!credits || running || credits.remaining > 0 || credits.allowance === 0) return null;
  return (
    <div className="banner banner-warning" role="status" data-testid="out-of-credits">
      <span>
        <strong>Out of credits.</strong> Cells that could not be paid for are marked “Out of credits” and cost
        nothing; they run by themselves when credits renew on {renewalDate(credits)} or more are granted.
      </span>
      <button type="button" className="primary" onClick={onRequest} data-testid="out-of-credits-request">
        Request more credits…
      </button>
    </div>
  );
}
