// Native open/save dialogs for the Electron shell; they return paths to the main
// process only (the renderer gets file ids from the registry).
import { type BrowserWindow, dialog } from 'electron';

export function dialogHooks(window: () => BrowserWindow | null) {
  return {
    async pickImportFile(): Promise<string | null> {
      const owner = window();
      const options = {
        title: 'Import a table',
        properties: ['openFile' as const],
        filters: [
          { name: 'Tables', extensions: ['csv', 'tsv', 'txt', 'xlsx'] },
          { name: 'All files', extensions: ['*'] },
        ],
      };
      const result = owner
        ? await dialog.showOpenDialog(owner, options)
        : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async pickExportPath(defaultName: string): Promise<string | null> {
      const owner = window();
      const options = { title: 'Export', defaultPath: defaultName };
      const result = owner
        ? await dialog.showSaveDialog(owner, options)
        : await dialog.showSaveDialog(options);
      return result.canceled ? null : (result.filePath ?? null);
    },
  };
}
