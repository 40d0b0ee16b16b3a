// The inside of a column header: the name, a type hint and a menu button. AG Grid keeps
// the rest of the header (sorting, filter button, resize, drag to move).
import type { ColumnType } from '@shared/model';
import type { CustomInnerHeaderProps } from 'ag-grid-react';
import { useEffect, useRef } from 'react';
import type { GridContext } from './grid-context';
import { columnIdOf } from './view';

export interface HeaderLabelParams {
  type: ColumnType;
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
  const { displayName, column, type } = props;
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

  return (
    <span className="header-label">
      <span className="header-type" title={type} aria-hidden="true">
        {TYPE_GLYPH[type]}
      </span>
      <span className="header-name" title={displayName}>
        {displayName}
      </span>
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
