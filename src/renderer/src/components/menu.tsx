// A small popup menu (column header menu, sidebar context menu, hidden columns) placed
// at a point on screen, rendered in a portal so grid headers cannot clip it. Arrow keys
// move, Enter picks, Escape or a click elsewhere closes.
import { type KeyboardEvent, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  disabled?: boolean;
  danger?: boolean;
  hint?: string;
  testId?: string;
  /** e.g. an item that swaps in a sub-list */
  keepOpen?: boolean;
}

export interface MenuAnchor {
  x: number;
  y: number;
}

interface MenuProps {
  anchor: MenuAnchor;
  items: MenuItem[];
  onClose: () => void;
  testId?: string;
  emptyText?: string;
}

export function Menu({ anchor, items, onClose, testId, emptyText = 'Nothing here' }: MenuProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState(anchor);

  // Keep the menu inside the window.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    setPos({
      x: Math.max(4, Math.min(anchor.x, window.innerWidth - width - 4)),
      y: Math.max(4, Math.min(anchor.y, window.innerHeight - height - 4)),
    });
    el.querySelector<HTMLButtonElement>('button:not([disabled])')?.focus();
  }, [anchor]);

  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    const onBlur = () => onClose();
    window.addEventListener('mousedown', onDown, true);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('mousedown', onDown, true);
      window.removeEventListener('blur', onBlur);
    };
  }, [onClose]);

  const onKeyDown = (e: KeyboardEvent) => {
    const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>('button:not([disabled])') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      buttons[(index + step + buttons.length) % buttons.length]?.focus();
    } else if (e.key === 'Tab') {
      onClose();
    }
  };

  return createPortal(
    <div
      ref={ref}
      className="menu"
      role="menu"
      style={{ left: pos.x, top: pos.y }}
      onKeyDown={onKeyDown}
      data-testid={testId}
    >
      {items.length === 0 && <div className="menu-empty">{emptyText}</div>}
      {items.map((item) => (
        <button
          key={item.testId ?? item.label}
          type="button"
          role="menuitem"
          className={item.danger ? 'menu-item danger' : 'menu-item'}
          disabled={item.disabled}
          title={item.hint}
          data-testid={item.testId}
          onClick={() => {
            if (!item.keepOpen) onClose();
            item.onSelect();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>,
    document.body,
  );
}

/** Where to open a menu for a button: just below it. */
export const anchorBelow = (el: HTMLElement): MenuAnchor => {
  const r = el.getBoundingClientRect();
  return { x: r.left, y: r.bottom + 2 };
};
