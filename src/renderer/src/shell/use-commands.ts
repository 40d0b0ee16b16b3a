// Menu commands reach the workspace here, whichever shell it runs in: in Electron the
// application menu (and its accelerators) sends `menu/command` events; in a browser tab
// there is no menu, so the same shortcuts from the shared command table are caught on
// keydown. Electron never takes the keydown path, or one key press would act twice.
// The keydown listener captures on the window, ahead of the grid: like a menu accelerator,
// a shortcut must win over AG Grid's own use of the key (Ctrl+Enter would edit the cell).
import { commandForKey, type MenuCommand } from '@shared/commands';
import { useEffect, useRef } from 'react';
import { bridge, subscribe } from '../api';

export type CommandHandlers = Record<MenuCommand, () => void>;

/** A modal dialog owns the keyboard and the screen: commands wait until it is closed. */
const dialogOpen = () => document.querySelector('dialog[open]') !== null;

export function useMenuCommands(handlers: CommandHandlers): void {
  const current = useRef(handlers);
  current.current = handlers;

  useEffect(() => {
    const run = (command: MenuCommand) => {
      if (!dialogOpen()) current.current[command]();
    };
    if (bridge().shell === 'electron') return subscribe('menu/command', ({ command }) => run(command));
    const onKeyDown = (e: KeyboardEvent) => {
      const command = commandForKey(e);
      if (!command || e.defaultPrevented) return;
      // The browser's own meaning of the key (open a file, find in page) is never wanted here.
      e.preventDefault();
      if (dialogOpen()) return;
      e.stopPropagation();
      current.current[command]();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);
}

/** The column id of the grid cell that has the keyboard focus, if any (AG Grid marks it). */
export function focusedColumnId(): number | null {
  const colId = document.querySelector('.ag-cell.ag-cell-focus[col-id]')?.getAttribute('col-id');
  const match = colId ? /^c(\d+)$/.exec(colId) : null;
  return match ? Number(match[1]) : null;
}
