// The export dialog: what to export (the current view or the whole table), which
// columns, CSV or XLSX, formula protection and a file name; then the job's progress.
// Electron saves through the native save dialog; the web shell downloads the result
// (the download itself is started by the app when the job finishes, see use-job-outcomes).
import type { ExportResult, TableInfo, ViewSpec } from '@shared/model';
import { useState } from 'react';
import { bridge, call } from '../api';
import { JobProgressBar } from '../components/job-progress';
import { Modal } from '../components/modal';
import { formatCount, plural } from '../format';
import { emptyView } from '../grid/view';
import { useJobDialog } from '../state/jobs';

interface ExportDialogProps {
  table: TableInfo;
  view: ViewSpec;
  /** rows in the current view */
  viewRowCount: number | null;
  onClose(): void;
}

type Format = 'csv' | 'xlsx';

const safeFileBase = (name: string): string => name.replace(/[\\/:*?"<>|]+/g, ' ').trim() || 'export';

export function ExportDialog({ table, view, viewRowCount, onClose }: ExportDialogProps) {
  const columns = [...table.columns].sort((a, b) => a.position - b.position);
  const [scope, setScope] = useState<'view' | 'table'>('view');
  const [checked, setChecked] = useState<Set<number>>(
    () => new Set(columns.filter((c) => !c.hidden).map((c) => c.id)),
  );
  const [format, setFormat] = useState<Format>('csv');
  const [neutralise, setNeutralise] = useState(true);
  const [base, setBase] = useState(() => safeFileBase(table.name));
  const {
    jobId,
    job,
    starting,
    cancelling,
    startError: error,
    start: startJob,
    cancel,
  } = useJobDialog('export', 'Could not cancel the export');
  const isElectron = bridge().shell === 'electron';

  const fileName = `${safeFileBase(base)}.${format}`;
  const columnIds = columns.filter((c) => checked.has(c.id)).map((c) => c.id);
  const problem = columnIds.length === 0 ? 'Choose at least one column.' : null;

  const toggle = (id: number) =>
    setChecked((set) => {
      const next = new Set(set);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const start = () => {
    if (problem || starting) return;
    void startJob(async () => {
      let destinationId: string | undefined;
      let name = fileName;
      if (isElectron) {
        const picked = await call('files/pick-export', { fileName });
        if (!picked) return null;
        destinationId = picked.destinationId;
        name = picked.fileName;
      }
      const { jobId: id } = await call('export/start', {
        view: scope === 'view' ? view : { ...emptyView(table.id), sort: view.sort },
        columnIds,
        format,
        neutraliseFormulas: neutralise,
        destinationId,
        fileName: name,
      });
      return { jobId: id, title: `Export ${name}` };
    });
  };

  const finished = job?.finished ?? null;
  const result =
    finished?.result && 'downloadId' in finished.result ? (finished.result as ExportResult) : null;

  const footer = (
    <>
      <button type="button" onClick={onClose} data-testid="export-close">
        {finished ? 'Close' : jobId ? 'Hide' : 'Cancel'}
      </button>
      {!jobId && (
        <button
          type="button"
          className="primary"
          onClick={() => void start()}
          disabled={!!problem || starting}
          title={problem ?? undefined}
          data-testid="export-start"
        >
          {starting ? 'Starting…' : isElectron ? 'Export…' : 'Export'}
        </button>
      )}
    </>
  );

  if (jobId) {
    return (
      <Modal title="Export" onClose={onClose} testId="export-dialog" footer={footer}>
        {!finished ? (
          <div className="job-running">
            <p>Exporting {fileName}…</p>
            <JobProgressBar progress={job?.progress ?? null} testId="export-progress" />
            <button
              type="button"
              onClick={() => void cancel()}
              disabled={cancelling}
              data-testid="export-cancel"
            >
              {cancelling ? 'Cancelling…' : 'Cancel export'}
            </button>
          </div>
        ) : finished.status === 'done' ? (
          <div className="export-done" data-testid="export-done">
            <h3>Export finished</h3>
            <p>
              {plural(result?.rows ?? 0, 'row')} written to {result?.path ?? result?.fileName ?? fileName}.
              {result?.downloadId ? ' Your download has started.' : ''}
            </p>
          </div>
        ) : (
          <div className="export-done" data-testid="export-failed" data-status={finished.status}>
            <h3>{finished.status === 'cancelled' ? 'Export cancelled' : 'Export failed'}</h3>
            {finished.error && (
              <p className="form-error" role="alert">
                {finished.error.message}
              </p>
            )}
          </div>
        )}
      </Modal>
    );
  }

  return (
    <Modal title={`Export ${table.name}`} onClose={onClose} testId="export-dialog" footer={footer}>
      <div className="form">
        <fieldset className="field-group">
          <legend>Rows</legend>
          <label className="field checkbox">
            <input
              type="radio"
              name="export-scope"
              checked={scope === 'view'}
              onChange={() => setScope('view')}
              data-testid="export-scope-view"
            />
            <span>
              Current view (sorted &amp; filtered, {viewRowCount === null ? '…' : plural(viewRowCount, 'row')}
              )
            </span>
          </label>
          <label className="field checkbox">
            <input
              type="radio"
              name="export-scope"
              checked={scope === 'table'}
              onChange={() => setScope('table')}
              data-testid="export-scope-table"
            />
            <span>Whole table ({plural(table.rowCount, 'row')})</span>
          </label>
        </fieldset>

        <fieldset className="field-group">
          <legend>
            Columns ({formatCount(columnIds.length)} of {formatCount(columns.length)}){' '}
            <button
              type="button"
              className="link-button"
              onClick={() => setChecked(new Set(columns.map((c) => c.id)))}
              data-testid="export-columns-all"
            >
              All
            </button>{' '}
            <button
              type="button"
              className="link-button"
              onClick={() => setChecked(new Set())}
              data-testid="export-columns-none"
            >
              None
            </button>
          </legend>
          <div className="column-checklist">
            {columns.map((c) => (
              <label key={c.id} className="field checkbox">
                <input
                  type="checkbox"
                  checked={checked.has(c.id)}
                  onChange={() => toggle(c.id)}
                  data-testid={`export-column-${c.id}`}
                />
                <span className={c.hidden ? 'muted' : undefined}>
                  {c.name}
                  {c.hidden ? ' (hidden)' : ''}
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset className="field-group">
          <legend>Format</legend>
          <div className="form-row">
            <label className="field checkbox">
              <input
                type="radio"
                name="export-format"
                checked={format === 'csv'}
                onChange={() => setFormat('csv')}
                data-testid="export-format-csv"
              />
              <span>CSV</span>
            </label>
            <label className="field checkbox">
              <input
                type="radio"
                name="export-format"
                checked={format === 'xlsx'}
                onChange={() => setFormat('xlsx')}
                data-testid="export-format-xlsx"
              />
              <span>Excel (XLSX)</span>
            </label>
          </div>
          <label className="field checkbox">
            <input
              type="checkbox"
              checked={neutralise}
              onChange={(e) => setNeutralise(e.target.checked)}
              data-testid="export-neutralise"
            />
            <span>Protect against spreadsheet formulas</span>
          </label>
          <p className="form-hint">Cells starting with = + - @ get a leading ' so Excel never runs them.</p>
        </fieldset>

        <label className="field">
          <span>File name</span>
          <span className="input-with-suffix">
            <input
              value={base}
              onChange={(e) => setBase(e.target.value)}
              maxLength={190}
              data-testid="export-file-name"
            />
            <span className="suffix">.{format}</span>
          </span>
        </label>
        {(problem || error) && (
          <p className={error ? 'form-error' : 'form-hint'} role={error ? 'alert' : undefined}>
            {error ?? problem}
          </p>
        )}
      </div>
    </Modal>
  );
}
