// What the workbook detected about the file (format, encoding, delimiter, sheet, header
// row) with a way to override each, and the first rows as they will be read.
import type { ImportPreview, ImportSourceOptions } from '@shared/api';
import { formatBytes, plural } from '../format';
import { sourceCount, sourceName } from './mapping';

export type SourceOverrides = Pick<ImportSourceOptions, 'sheet' | 'delimiter' | 'encoding'> & {
  hasHeader: boolean;
};

const DELIMITERS: { value: NonNullable<ImportSourceOptions['delimiter']>; label: string }[] = [
  { value: ',', label: 'Comma ( , )' },
  { value: ';', label: 'Semicolon ( ; )' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe ( | )' },
];
const ENCODINGS: NonNullable<ImportSourceOptions['encoding']>[] = [
  'utf-8',
  'utf-16le',
  'utf-16be',
  'windows-1252',
];
const PREVIEW_ROWS = 20;

interface SourceOptionsProps {
  preview: ImportPreview;
  options: SourceOverrides;
  busy: boolean;
  onChange(options: SourceOverrides): void;
}

export function SourceOptions({ preview, options, busy, onChange }: SourceOptionsProps) {
  const delimiter = options.delimiter ?? preview.delimiter ?? ',';
  const encoding = options.encoding ?? preview.encoding ?? 'utf-8';
  const encodings: string[] = ENCODINGS.includes(encoding as (typeof ENCODINGS)[number])
    ? ENCODINGS
    : [encoding, ...ENCODINGS];

  return (
    <section className="import-source" aria-label="File">
      <div className="import-file-facts">
        <strong>{preview.fileName}</strong>
        <span>{preview.format.toUpperCase()}</span>
        <span>{formatBytes(preview.sizeBytes)}</span>
        {preview.format === 'csv' && preview.encoding && <span>Detected {preview.encoding}</span>}
      </div>
      <div className="form-row">
        {preview.format === 'csv' ? (
          <>
            <label className="field inline">
              <span>Delimiter</span>
              <select
                value={delimiter}
                disabled={busy}
                onChange={(e) =>
                  onChange({ ...options, delimiter: e.target.value as SourceOverrides['delimiter'] })
                }
                data-testid="import-delimiter"
              >
                {DELIMITERS.map((d) => (
                  <option key={d.value} value={d.value}>
                    {d.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="field inline">
              <span>Encoding</span>
              <select
                value={encoding}
                disabled={busy}
                onChange={(e) =>
                  onChange({ ...options, encoding: e.target.value as SourceOverrides['encoding'] })
                }
                data-testid="import-encoding"
              >
                {encodings.map((enc) => (
                  <option
                    key={enc}
                    value={enc}
                    disabled={!ENCODINGS.includes(enc as (typeof ENCODINGS)[number])}
                  >
                    {enc}
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : (
          <label className="field inline">
            <span>Sheet</span>
            <select
              value={options.sheet ?? preview.sheet ?? preview.sheets[0] ?? ''}
              disabled={busy || preview.sheets.length < 2}
              onChange={(e) => onChange({ ...options, sheet: e.target.value })}
              data-testid="import-sheet"
            >
              {preview.sheets.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field checkbox">
          <input
            type="checkbox"
            checked={options.hasHeader}
            disabled={busy}
            onChange={(e) => onChange({ ...options, hasHeader: e.target.checked })}
            data-testid="import-has-header"
          />
          <span>First row is a header</span>
        </label>
      </div>
      {preview.problems.length > 0 && (
        <p className="form-warning">
          {plural(preview.problems.length, 'line')} in the preview could not be read cleanly, e.g. line{' '}
          {preview.problems[0]?.line}: {preview.problems[0]?.reason}
        </p>
      )}
      <PreviewTable preview={preview} />
    </section>
  );
}

function PreviewTable({ preview }: { preview: ImportPreview }) {
  const count = sourceCount(preview);
  const columns = Array.from({ length: count }, (_, i) => i);
  const rows = preview.sample.slice(0, PREVIEW_ROWS);
  return (
    <div className="preview-scroll" data-testid="import-preview">
      <table className="preview-table">
        <thead>
          <tr>
            <th className="preview-line">#</th>
            {columns.map((i) => (
              <th key={i} title={sourceName(preview, i)}>
                {sourceName(preview, i)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no identity but their position
            <tr key={r}>
              <td className="preview-line">{r + 1}</td>
              {columns.map((i) => (
                <td key={i} title={row[i] ?? ''}>
                  {row[i] ?? ''}
                </td>
              ))}
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={count + 1} className="preview-empty">
                No data rows in the preview.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
