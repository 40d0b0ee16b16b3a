// Mouse and keys on the grid that AG Grid Community does not handle the way this app
// needs: right-click on a header opens our column menu; Delete with rows selected asks
// to delete them (instead of clearing the focused cell); Ctrl/Cmd+A selects every row in
// view. Listens in the capture phase, so it sees keys before the grid acts on them.
import type { RowData } from '@shared/model';
import type { GridApi } from 'ag-grid-community';
import { type RefObject, useEffect, useRef } from 'react';
import type { MenuAnchor } from '../components/menu';
import { columnIdOf } from './view';

interface GridDomHandlers {
  columnMenu(columnId: number, anchor: MenuAnchor): void;
  hasSelection(): boolean;
  deleteKey(): void;
  selectAllKey(): void;
}

export const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

export function useGridDomEvents(
  wrapper: RefObject<HTMLElement | null>,
  api: RefObject<GridApi<RowData> | null>,
  handlers: GridDomHandlers,
): void {
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    const el = wrapper.current;
    if (!el) return;
    const onContextMenu = (e: MouseEvent) => {
      const header = (e.target as HTMLElement).closest?.('.ag-header-cell[role="columnheader"][col-id]');
      const columnId = header ? columnIdOf(header.getAttribute('col-id') ?? '') : null;
      if (columnId === null) return;
      e.preventDefault();
      latest.current.columnMenu(columnId, { x: e.clientX, y: e.clientY });
    };
    const onKeyDown = (e: KeyboardEvent) => {
      if (isTyping(e.target) || api.current?.getEditingCells().length) return;
      if (e.key === 'Delete' && latest.current.hasSelection()) {
        e.preventDefault();
        e.stopPropagation();
        latest.current.deleteKey();
      } else if (e.key.toLowerCase() === 'a' && (e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey) {
        e.preventDefault();
        e.stopPropagation();
        latest.current.selectAllKey();
      }
    };
    el.addEventListener('contextmenu', onContextMenu);
    el.addEventListener('keydown', onKeyDown, true);
    return () => {
      el.removeEventListener('contextmenu', onContextMenu);
      el.removeEventListener('keydown', onKeyDown, true);
    };
  }, [wrapper, api]);
}
