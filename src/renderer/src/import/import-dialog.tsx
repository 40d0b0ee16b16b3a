// The import wizard: pick or drop a file, check how it is read, map its columns to a new
// or existing table, then follow the job to its result. All parsing, type guessing and
// writing happen in the main process; this only collects the user's choices.
import type { ImportPreview } from '@shared/api';
import type { TableInfo } from '@shared/model';
import { useEffect, useRef, useState } from 'react';
import { bridge, call, toAppError } from '../api';
import { ProgressBar } from '../components/job-progress';
import { Modal } from '../components/modal';
import { baseName, formatBytes, freeName } from '../format';
import { useJobDialog } from '../state/jobs';
import { ImportOutcome, ImportRunning } from './import-run';
import { defaultMapping, type MappingRow, mappingProblem, toImportMapping } from './mapping';
import { type ImportTarget, type KeyChoice, MappingEditor } from './mapping-editor';
import { SourceOptions, type SourceOverrides } from './source-options';
import { useFileSource } from './use-file-source';

interface ImportDialogProps {
  tables: TableInfo[];
  /** a file dropped on the window, to start with */
  initialFile: File | null;
  onClose(): void;
  /** true while a job runs, so a new drop does not replace it */
  onBusyChange(busy: boolean): void;
}

const ACCEPT = '.csv,.tsv,.txt,.xlsx';

export function ImportDialog({ tables, initialFile, onClose, onBusyChange }: ImportDialogProps) {
  const { source, fromFile, pickNative, reset } = useFileSource();
  const input = useRef<HTMLInputElement>(null);
  const isElectron = bridge().shell === 'electron';

  const [options, setOptions] = useState<SourceOverrides>({ hasHeader: true });
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [previewError, setPreviewError] = useState<{ code: string; message: string } | null>(null);
  const [loading, setLoading] = useState(false);
  const [target, setTarget] = useState<ImportTarget>({ kind: 'new', name: '' });
  const [rows, setRows] = useState<MappingRow[]>([]);
  const [keyChoice, setKeyChoice] = useState<KeyChoice>({ source: null, onDuplicate: 'skip' });
  const {
    jobId,
    job,
    starting,
    cancelling,
    startError,
    start: startJob,
    cancel,
  } = useJobDialog('import', 'Could not cancel the import');
  const file = source.status === 'ready' ? source.file : null;
  const fileName = file?.name ?? '';

  // Start with the dropped file, or (Electron) straight in the native open dialog.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current) return;
    opened.current = true;
    if (initialFile) fromFile(initialFile);
    else if (isElectron) pickNative();
  }, [initialFile, isElectron, fromFile, pickNative]);

  useEffect(() => onBusyChange(jobId !== null && !job?.finished), [jobId, job?.finished, onBusyChange]);

  const tableNames = useRef<string[]>([]);
  tableNames.current = tables.map((t) => t.name);

  // A new file: detection starts over and the table is named after the file.
  useEffect(() => {
    setOptions((o) => (o.hasHeader && !o.sheet && !o.delimiter && !o.encoding ? o : { hasHeader: true }));
    setPreview(null);
    setPreviewError(null);
    setKeyChoice({ source: null, onDuplicate: 'skip' });
    if (fileName) setTarget({ kind: 'new', name: freeName(baseName(fileName), tableNames.current) });
  }, [fileName]);

  // (Re-)read the file whenever a reading option changes.
  useEffect(() => {
    if (!file) return;
    let current = true;
    setLoading(true);
    setPreviewError(null);
    call('import/preview', { fileId: file.fileId, ...options })
      .then((p) => {
        if (current) setPreview(p);
      })
      .catch((error) => {
        if (!current) return;
        const e = toAppError(error);
        setPreviewError({ code: e.code, message: e.message });
        setPreview(null);
      })
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false;
    };
  }, [file, options]);

  // The mapping follows the file's columns and the chosen target table.
  // (Keyed by the target's column names, so unrelated table updates keep the user's edits.)
  const targetTableId = target.kind === 'existing' ? target.tableId : null;
  const targetColumns =
    targetTableId === null ? null : (tables.find((t) => t.id === targetTableId)?.columns ?? []);
  const targetColumnsKey = JSON.stringify(targetColumns?.map((c) => [c.id, c.name]) ?? null);
  const targetColumnsRef = useRef(targetColumns);
  targetColumnsRef.current = targetColumns;
  // biome-ignore lint/correctness/useExhaustiveDependencies: targetColumnsKey stands for the columns
  useEffect(() => {
    if (!preview) return;
    setRows(defaultMapping(preview, targetColumnsRef.current));
    setKeyChoice((k) =>
      k.source !== null && k.source >= preview.headers.length ? { ...k, source: null } : k,
    );
  }, [preview, targetColumnsKey]);

  const problem =
    target.kind === 'new' && !target.name.trim()
      ? 'Give the new table a name.'
      : preview
        ? mappingProblem(rows)
        : null;

  const start = () => {
    if (!file || !preview || problem || starting) return;
    void startJob(async () => {
      const { jobId: id } = await call('import/start', {
        fileId: file.fileId,
        ...options,
        target: target.kind === 'new' ? { kind: 'new', name: target.name.trim() } : target,
        mapping: toImportMapping(rows),
        key:
          keyChoice.source === null ? null : { source: keyChoice.source, onDuplicate: keyChoice.onDuplicate },
      });
      return { jobId: id, title: `Import ${file.name}` };
    });
  };

  const chooseAnother = () => {
    reset();
    if (isElectron) pickNative();
    else input.current?.click();
  };

  const finished = job?.finished ?? null;
  const targetName =
    finished?.result && 'tableId' in finished.result
      ? (tables.find((t) => t.id === (finished.result as { tableId: number }).tableId)?.name ?? null)
      : target.kind === 'new'
        ? target.name
        : (tables.find((t) => t.id === target.tableId)?.name ?? null);

  const footer = (
    <>
      <button type="button" onClick={onClose} data-testid="import-close">
        {finished ? 'Close' : jobId ? 'Hide' : 'Cancel'}
      </button>
      {!jobId && (
        <button
          type="button"
          className="primary"
          onClick={() => void start()}
          disabled={!preview || !!problem || starting || loading}
          title={problem ?? undefined}
          data-testid="import-start"
        >
          {starting ? 'Starting…' : 'Import'}
        </button>
      )}
    </>
  );

  return (
    <Modal title="Import" onClose={onClose} wide testId="import-dialog" footer={footer}>
      <input
        ref={input}
        type="file"
        accept={ACCEPT}
        hidden
        data-testid="import-file-input"
        onChange={(e) => {
          const picked = e.target.files?.[0];
          e.target.value = '';
          if (picked) fromFile(picked);
        }}
      />

      {jobId ? (
        finished ? (
          <ImportOutcome info={finished} tableName={targetName} />
        ) : (
          <ImportRunning job={job} onCancel={() => void cancel()} cancelling={cancelling} />
        )
      ) : source.status === 'idle' || source.status === 'error' ? (
        <div className="import-pick">
          <p>Choose a CSV, TSV or XLSX file, or drop one anywhere on the window.</p>
          <button
            type="button"
            className="primary"
            onClick={() => (isElectron ? pickNative() : input.current?.click())}
            data-testid="import-choose-file"
          >
            Choose file…
          </button>
          {source.status === 'error' && (
            <p className="form-error" role="alert" data-testid="import-error">
              {source.message}
            </p>
          )}
        </div>
      ) : source.status === 'uploading' ? (
        <div className="import-pick">
          <p>
            Reading {source.name} ({formatBytes(source.total)})…
          </p>
          <ProgressBar
            percent={source.total > 0 ? Math.floor((source.sent / source.total) * 100) : null}
            label={`${formatBytes(source.sent)} of ${formatBytes(source.total)}`}
            testId="import-upload-progress"
          />
        </div>
      ) : previewError ? (
        <div className="import-pick">
          <p className="form-error" role="alert" data-testid="import-error" data-code={previewError.code}>
            {previewError.code === 'not_a_table'
              ? `${fileName} does not look like a table: ${previewError.message}`
              : previewError.code === 'unsupported_file'
                ? `${fileName} cannot be imported: ${previewError.message}`
                : previewError.message}
          </p>
          <button type="button" onClick={chooseAnother} data-testid="import-choose-another">
            Choose another file…
          </button>
        </div>
      ) : preview ? (
        <div className={loading ? 'import-configure busy' : 'import-configure'}>
          <SourceOptions preview={preview} options={options} busy={loading} onChange={setOptions} />
          <MappingEditor
            preview={preview}
            tables={tables}
            target={target}
            rows={rows}
            keyChoice={keyChoice}
            newTableName={freeName(baseName(fileName), tableNames.current)}
            onTarget={setTarget}
            onRows={setRows}
            onKey={setKeyChoice}
          />
          {(problem || startError) && (
            <p className={startError ? 'form-error' : 'form-hint'} role={startError ? 'alert' : undefined}>
              {startError ?? problem}
            </p>
          )}
        </div>
      ) : (
        <p className="muted">Reading {fileName}…</p>
      )}
    </Modal>
  );
}
