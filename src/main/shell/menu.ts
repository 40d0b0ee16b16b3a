// The application menu as a template (plain data, built without Electron so it is
// tested on Node): the app's commands with their shortcuts from the shared command
// table, the standard Edit/View/Window roles, and on macOS the app menu first. Items
// only send a command to the renderer; the renderer decides what it does.
import { commandInfo, type MenuCommand } from '@shared/commands';
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  /** Development builds get Reload and the developer tools. */
  dev: boolean;
  send(command: MenuCommand): void;
  showDataFolder(): void;
}

const separator: MenuItemConstructorOptions = { type: 'separator' };

export function buildMenuTemplate(opts: MenuOptions): MenuItemConstructorOptions[] {
  const mac = opts.platform === 'darwin';
  const item = (command: MenuCommand): MenuItemConstructorOptions => {
    const info = commandInfo(command);
    return { id: command, label: info.label, accelerator: info.accelerator, click: () => opts.send(command) };
  };

  const appMenu: MenuItemConstructorOptions = {
    label: opts.appName,
    submenu: [
      { role: 'about' },
      separator,
      item('settings'),
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      item('import'),
      item('export'),
      separator,
      ...(mac ? [{ role: 'close' } as const] : [item('settings'), separator, { role: 'quit' } as const]),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      { role: 'selectAll' },
      separator,
      item('find'),
    ],
  };
  const column: MenuItemConstructorOptions = {
    label: 'Column',
    submenu: [item('run-column'), item('stop-runs')],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(opts.dev ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, separator] : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  };
  const window: MenuItemConstructorOptions = {
    role: 'windowMenu',
    submenu: mac
      ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      item('about'),
      item('copy-diagnostics'),
      { label: 'Show Data Folder', click: () => opts.showDataFolder() },
      ...(mac ? [] : [separator, { role: 'about' } as const]),
    ],
  };
  return [...(mac ? [appMenu] : []), file, edit, column, view, window, help];
}
