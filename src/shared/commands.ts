// The app's menu commands and their shortcuts, in one table: the Electron menu turns it
// into accelerators (and sends `menu/command` events), the web shell's keydown handler
// matches the same keys, so both shells answer Ctrl/Cmd+O the same way. No I/O here.

export const MENU_COMMANDS = [
  'import',
  'export',
  'find',
  'run-column',
  'stop-runs',
  'settings',
  'about',
  'copy-diagnostics',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export interface CommandInfo {
  command: MenuCommand;
  label: string;
  /** Electron accelerator syntax; CmdOrCtrl is Cmd on macOS and Ctrl elsewhere. None: menu only. */
  accelerator?: string;
}

export const COMMANDS: readonly CommandInfo[] = [
  { command: 'import', label: 'Import…', accelerator: 'CmdOrCtrl+O' },
  { command: 'export', label: 'Export…', accelerator: 'CmdOrCtrl+E' },
  { command: 'find', label: 'Find', accelerator: 'CmdOrCtrl+F' },
  { command: 'run-column', label: 'Run Column…', accelerator: 'CmdOrCtrl+Enter' },
  { command: 'stop-runs', label: 'Stop Runs', accelerator: 'CmdOrCtrl+.' },
  { command: 'settings', label: 'Settings…', accelerator: 'CmdOrCtrl+,' },
  { command: 'about', label: 'About Rowsmith and Updates…' },
  { command: 'copy-diagnostics', label: 'Copy Diagnostics' },
];

export const commandInfo = (command: MenuCommand): CommandInfo =>
  COMMANDS.find((c) => c.command === command) as CommandInfo;

export const isMenuCommand = (value: unknown): value is MenuCommand =>
  typeof value === 'string' && (MENU_COMMANDS as readonly string[]).includes(value);

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/**
 * The command a key press means, or null. Ctrl or Cmd (not both) stands for CmdOrCtrl:
 * a browser tab cannot know which one the user's platform favours without guessing.
 */
export function commandForKey(press: KeyPress): MenuCommand | null {
  if (press.ctrlKey === press.metaKey || press.altKey || press.shiftKey) return null;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  for (const { command, accelerator } of COMMANDS) {
    if (!accelerator) continue;
    const wanted = accelerator.replace(/^CmdOrCtrl\+/, '');
    if ((wanted.length === 1 ? wanted.toLowerCase() : wanted) === key) return command;
  }
  return null;
}
