// How typed values look in a cell. Links open through the main process
// (`shell/open-external`), never window.open or in-app navigation.
import type { CellValue, RowData } from '@shared/model';
import type { CustomCellRendererProps } from 'ag-grid-react';
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
