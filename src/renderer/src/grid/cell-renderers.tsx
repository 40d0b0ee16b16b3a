// How typed values look in a cell. Links open through the main process
// (`shell/open-external`), never window.open or in-app navigation.
import type { CellValue, RowData } from '@shared/model';
import type { CustomCellRendererProps } from 'ag-grid-react';
import type { ComponentType } from 'react';
import { STATUS_LABELS } from '../enrich/status';
import type { GridContext } from './grid-context';

type Props = CustomCellRendererProps<RowData, CellValue, GridContext>;

const text = (value: CellValue | undefined): string =>
  value === null || value === undefined ? '' : String(value);

export function UrlCell({ value, context }: Props) {
  const url = text(value);
  if (!/^https?:\/\/\S+$/i.test(url)) return <span>{url}</span>;
  return (
    <a
      className="cell-link"
      href={url}
      title={`Open ${url}`}
      onClick={(e) => {
        e.preventDefault();
        context.openUrl(url);
      }}
      onAuxClick={(e) => e.preventDefault()}
      draggable={false}
    >
      {url}
    </a>
  );
}

const MailIcon = () => (
  <svg className="cell-icon" viewBox="0 0 16 16" aria-hidden="true">
    <path d="M2 4h12v8H2z M2 4l6 5 6-5" fill="none" stroke="currentColor" strokeWidth="1.2" />
  </svg>
);

const PhoneIcon = () => (
  <svg className="cell-icon" viewBox="0 0 16 16" aria-hidden="true">
    <path
      d="M4 2h2.5l1 3-1.5 1a8 8 0 0 0 4 4l1-1.5 3 1V12a2 2 0 0 1-2 2A10 10 0 0 1 2 4a2 2 0 0 1 2-2z"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.2"
    />
  </svg>
);

export function EmailCell({ value }: Props) {
  const s = text(value);
  return s ? (
    <span className="cell-with-icon">
      <MailIcon />
      {s}
    </span>
  ) : null;
}

export function PhoneCell({ value }: Props) {
  const s = text(value);
  return s ? (
    <span className="cell-with-icon">
      <PhoneIcon />
      {s}
    </span>
  ) : null;
}

export function BooleanCell({ value }: Props) {
  if (value === null || value === undefined || value === '') return null;
  const checked = value === true || value === 'true' || value === 1;
  return (
    <span
      className={checked ? 'bool-glyph checked' : 'bool-glyph'}
      role="img"
      aria-label={checked ? 'Yes' : 'No'}
    >
      {checked ? '✓' : ''}
    </span>
  );
}

export function compactJson(value: CellValue | undefined): string {
  const s = text(value);
  if (!s) return '';
  try {
    return JSON.stringify(JSON.parse(s));
  } catch {
    return s;
  }
}

export function JsonCell({ value }: Props) {
  return <span className="cell-json">{compactJson(value)}</span>;
}

/** The selection column shows the row's position in the view next to its checkbox. */
export function RowNumberCell({ node }: Props) {
  return (
    <span className="row-number">
      {node.rowIndex === null ? '' : (node.rowIndex + 1).toLocaleString('en-US')}
    </span>
  );
}

const InfoIcon = () => (
  <svg viewBox="0 0 16 16" aria-hidden="true">
    <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.2" />
    <path d="M8 7v4.5M8 4.6v.1" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
  </svg>
);

/** A result reused from the cache (it cost nothing). */
const CachedIcon = () => (
  <svg viewBox="0 0 16 16" aria-hidden="true">
    <path
      d="M13 8a5 5 0 1 1-1.5-3.6M13 2.5v2.8h-2.8"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.3"
      strokeLinecap="round"
    />
  </svg>
);

export interface EnrichmentCellParams {
  enrichmentId: number;
  /** how the column's type shows a value (links, icons…); plain text when absent */
  inner?: ComponentType<Props>;
}

/**
 * A cell of an enrichment column: its value once done, otherwise its state (queued,
 * running, not found, error…). A click on the state, or on the ⓘ of a done cell, opens
 * the cell's audit.
 */
export function EnrichmentCell(props: Props & EnrichmentCellParams) {
  const { data, value, context, enrichmentId, inner: Inner } = props;
  const state = data?.runs?.[String(enrichmentId)];
  const open = (e: { preventDefault(): void; stopPropagation(): void }) => {
    e.preventDefault();
    e.stopPropagation();
    if (data) context.openAudit(enrichmentId, data.id);
  };
  const shown = Inner ? <Inner {...props} /> : <span>{text(value)}</span>;
  if (!state) return shown;
  if (state.status === 'done') {
    return (
      <span className="cell-enriched" data-status="done">
        <span className="cell-enriched-value">{shown}</span>
        <button
          type="button"
          className="cell-audit-button"
          title={state.cached ? 'From the cache (free) — open the audit' : 'Open the audit'}
          aria-label="Open the audit"
          onClick={open}
          data-testid="cell-audit-button"
        >
          {state.cached ? <CachedIcon /> : <InfoIcon />}
        </button>
      </span>
    );
  }
  return (
    <span className="cell-enriched" data-status={state.status}>
      {value !== null && value !== undefined && value !== '' && (
        <span className="cell-enriched-value stale">{shown}</span>
      )}
      <button
        type="button"
        className={`status-badge status-${state.status}`}
        title={state.error ?? STATUS_LABELS[state.status]}
        onClick={open}
        data-testid="cell-status"
        data-status={state.status}
      >
        {state.status === 'running' || state.status === 'queued' ? <span className="spinner" /> : null}
        {STATUS_LABELS[state.status]}
      </button>
    </span>
  );
}
