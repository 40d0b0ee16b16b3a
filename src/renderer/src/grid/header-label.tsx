// The inside of a column header: the name, a type hint and a menu button. AG Grid keeps
// the rest of the header (sorting, filter button, resize, drag to move).
import type { ColumnType } from '@shared/model';
import type { CustomInnerHeaderProps } from 'ag-grid-react';
import { useEffect, useRef } from 'react';
import { finishedRows, RUN_STATUS_LABELS, runPercent } from '../enrich/status';
import { formatCount } from '../format';
import { isActive, useLatestRun } from '../state/runs';
import type { GridContext } from './grid-context';
import { columnIdOf } from './view';

export interface HeaderLabelParams {
  type: ColumnType;
  /** set on enrichment columns: the header shows their run's progress */
  enrichmentId: number | null;
}

const TYPE_GLYPH: Record<ColumnType, string> = {
  text: 'Aa',
  number: '#',
  boolean: '☑',
  date: '▤',
  url: '↗',
  email: '@',
  phone: '☏',
  json: '{}',
};

export function HeaderLabel(props: CustomInnerHeaderProps & HeaderLabelParams) {
  const { displayName, column, type, enrichmentId } = props;
  const context = props.context as GridContext;
  const button = useRef<HTMLButtonElement>(null);
  const columnId = columnIdOf(column.getColId());

  const open = useRef<() => void>(() => {});
  open.current = () => {
    const el = button.current;
    if (!el || columnId === null) return;
    const r = el.getBoundingClientRect();
    context.openColumnMenu(columnId, { x: r.left, y: r.bottom + 2 });
  };

  // AG Grid listens for clicks and drags on the header natively (React's root listener
  // would hear them too late), so the button handles its click natively and stops it:
  // opening the menu neither sorts nor starts a column move.
  useEffect(() => {
    const el = button.current;
    if (!el) return;
    const stop = (e: Event) => e.stopPropagation();
    const onClick = (e: Event) => {
      e.stopPropagation();
      e.preventDefault();
      open.current();
    };
    el.addEventListener('click', onClick);
    el.addEventListener('mousedown', stop);
    el.addEventListener('pointerdown', stop);
    return () => {
      el.removeEventListener('click', onClick);
      el.removeEventListener('mousedown', stop);
      el.removeEventListener('pointerdown', stop);
    };
  }, []);

  const label = (
    <>
      <span
        className={enrichmentId === null ? 'header-type' : 'header-type enriched'}
        title={enrichmentId === null ? type : `Enrichment column (${type})`}
        aria-hidden="true"
      >
        {enrichmentId === null ? TYPE_GLYPH[type] : '⚡'}
      </span>
      <span className="header-name" title={displayName}>
        {displayName}
      </span>
    </>
  );
  return (
    <span className={enrichmentId === null ? 'header-label' : 'header-label with-run'}>
      {enrichmentId === null ? (
        label
      ) : (
        <span className="header-stack">
          <span className="header-line">{label}</span>
          <RunProgress enrichmentId={enrichmentId} />
        </span>
      )}
      {columnId !== null && (
        <button
          ref={button}
          type="button"
          className="header-menu-button"
          aria-label={`Column menu for ${displayName}`}
          data-testid={`column-menu-${columnId}`}
        >
          ⋮
        </button>
      )}
    </span>
  );
}

/** Under an enrichment column's name: its latest run — done / total, errors, credits. */
function RunProgress({ enrichmentId }: { enrichmentId: number }) {
  const run = useLatestRun(enrichmentId);
  if (!run) return <span className="header-run muted">Not run yet</span>;
  const active = isActive(run);
  const text = `${formatCount(finishedRows(run))} / ${formatCount(run.total)}${run.errors ? ` · ${formatCount(run.errors)} err` : ''} · ${formatCount(run.credits)} cr`;
  return (
    <span
      className={active ? 'header-run active' : 'header-run'}
      title={`${RUN_STATUS_LABELS[run.status]}: ${run.done} done, ${run.notFound} not found, ${run.errors} errors, ${run.outOfCredits} out of credits, ${run.cached} from the cache; ${run.credits} credits charged`}
      data-testid={`run-progress-${enrichmentId}`}
      data-run-status={run.status}
    >
      <span className="header-run-track" aria-hidden="true">
        <span className="header-run-fill" style={{ width: `${runPercent(run)}%` }} />
      </span>
      <span className="header-run-text">{text}</span>
    </span>
  );
}
