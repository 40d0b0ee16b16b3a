// The application menu template on each platform: every command with its shortcut, a
// click sends exactly that command, macOS gets its app menu (About, Settings, Quit) first
// and the others keep Settings and Quit in File; the developer tools only in development.
// The keydown matcher the web shell uses answers the same shortcuts.
import { COMMANDS, commandForKey, type MenuCommand } from '@shared/commands';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate } from '../../../src/main/shell/menu';

function build(platform: NodeJS.Platform, dev = false) {
  const sent: MenuCommand[] = [];
  let dataFolder = 0;
  const template = buildMenuTemplate({
    platform,
    appName: 'Rowsmith',
    dev,
    send: (command) => sent.push(command),
    showDataFolder: () => dataFolder++,
  });
  return { template, sent, dataFolder: () => dataFolder };
}

const submenu = (item: MenuItemConstructorOptions | undefined) =>
  (item?.submenu ?? []) as MenuItemConstructorOptions[];
const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  items.flatMap((i) => [i, ...flatten(submenu(i))]);
const labels = (items: MenuItemConstructorOptions[]) => items.map((i) => i.label ?? i.role ?? i.type);
const click = (item: MenuItemConstructorOptions) => (item.click as unknown as (() => void) | undefined)?.();

describe.each(['darwin', 'win32', 'linux'] as const)('on %s', (platform) => {
  it('has every command once, with its shortcut, and a click sends that command', () => {
    const { template, sent } = build(platform);
    const items = flatten(template);
    for (const { command, accelerator } of COMMANDS) {
      const found = items.filter((i) => i.id === command);
      expect(found, command).toHaveLength(1);
      expect(found[0]?.accelerator).toBe(accelerator);
      click(found[0] as MenuItemConstructorOptions);
    }
    expect(sent).toEqual(COMMANDS.map((c) => c.command));
  });

  it('keeps the usual shortcuts', () => {
    const byId = new Map(flatten(build(platform).template).map((i) => [i.id, i.accelerator]));
    expect(Object.fromEntries(byId)).toMatchObject({
      import: 'CmdOrCtrl+O',
      export: 'CmdOrCtrl+E',
      find: 'CmdOrCtrl+F',
      'run-column': 'CmdOrCtrl+Enter',
      'stop-runs': 'CmdOrCtrl+.',
      settings: 'CmdOrCtrl+,',
    });
    // No two items share an accelerator.
    const accelerators = flatten(build(platform).template)
      .map((i) => i.accelerator)
      .filter(Boolean);
    expect(new Set(accelerators).size).toBe(accelerators.length);
  });

  it('has the standard Edit, View, Window and Help menus built from roles', () => {
    const { template } = build(platform);
    const edit = submenu(template.find((m) => m.label === 'Edit'));
    expect(edit.map((i) => i.role).filter(Boolean)).toEqual(
      expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']),
    );
    const view = submenu(template.find((m) => m.label === 'View')).map((i) => i.role);
    expect(view).toEqual(expect.arrayContaining(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']));
    expect(template.some((m) => m.role === 'windowMenu')).toBe(true);
    expect(template.at(-1)?.role).toBe('help');
  });

  it('offers Reload and the developer tools only in development', () => {
    const roles = (dev: boolean) => flatten(build(platform, dev).template).map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('reload');
    expect(roles(true)).toEqual(expect.arrayContaining(['toggleDevTools', 'reload']));
  });

  it('Help › Show Data Folder opens the user data folder', () => {
    const built = build(platform);
    const item = flatten(built.template).find((i) => i.label === 'Show Data Folder');
    click(item as MenuItemConstructorOptions);
    expect(built.dataFolder()).toBe(1);
  });
});

describe('the macOS app menu', () => {
  it('comes first, named after the app, with About, Settings, Services, Hide and Quit', () => {
    const { template } = build('darwin');
    expect(template[0]?.label).toBe('Rowsmith');
    expect(labels(submenu(template[0]))).toEqual([
      'about',
      'separator',
      'Settings…',
      'separator',
      'services',
      'separator',
      'hide',
      'hideOthers',
      'unhide',
      'separator',
      'quit',
    ]);
    expect(labels(template)).toEqual(['Rowsmith', 'File', 'Edit', 'Column', 'View', 'windowMenu', 'help']);
    // File closes the window on macOS; quitting is in the app menu only.
    expect(submenu(template[1]).map((i) => i.role)).toContain('close');
    expect(flatten(template).filter((i) => i.role === 'quit')).toHaveLength(1);
  });

  it('is absent elsewhere, where File ends with Settings and Quit (Exit)', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const { template } = build(platform);
      expect(template[0]?.label).toBe('File');
      expect(labels(submenu(template[0]))).toEqual([
        'Import…',
        'Export…',
        'separator',
        'Settings…',
        'separator',
        'quit',
      ]);
      expect(submenu(template.find((m) => m.role === 'help')).map((i) => i.role)).toContain('about');
    }
  });
});

describe('commandForKey (the web shell’s shortcuts)', () => {
  const press = (
    key: string,
    mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>>,
  ) => commandForKey({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

  it('maps Ctrl or Cmd with the menu’s keys to the same commands', () => {
    for (const mod of ['ctrlKey', 'metaKey'] as const) {
      expect(press('o', { [mod]: true })).toBe('import');
      expect(press('O', { [mod]: true })).toBe('import');
      expect(press('e', { [mod]: true })).toBe('export');
      expect(press('f', { [mod]: true })).toBe('find');
      expect(press('Enter', { [mod]: true })).toBe('run-column');
      expect(press('.', { [mod]: true })).toBe('stop-runs');
      expect(press(',', { [mod]: true })).toBe('settings');
    }
  });

  it('ignores plain keys, other modifiers and other letters', () => {
    expect(press('o', {})).toBeNull();
    expect(press('Enter', {})).toBeNull();
    expect(press('o', { ctrlKey: true, shiftKey: true })).toBeNull();
    expect(press('o', { ctrlKey: true, altKey: true })).toBeNull();
    expect(press('o', { ctrlKey: true, metaKey: true })).toBeNull();
    expect(press('c', { ctrlKey: true })).toBeNull();
    expect(press('a', { metaKey: true })).toBeNull();
  });
});
