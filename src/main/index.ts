// Electron entry: wires the shell (window, security, IPC, dialogs) to the core built
// by createApp. Nothing else: all logic lives in services that run without Electron.
import { join } from 'node:path';
import { app, type BrowserWindow } from 'electron';
import { createApp } from './app/create-app';
import { createLogger } from './logger';
import { SecretStore } from './secrets/secret-store';
import { dialogHooks } from './shell/dialogs';
import { forwardEvents, registerIpc } from './shell/ipc';
import { safeStorageCipher } from './shell/secrets';
import { hardenApp, hardenSession, openExternalSafely } from './shell/security';
import { appOriginOf, createMainWindow } from './shell/window';

const log = createLogger('shell');
let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  hardenApp(appOriginOf);
  app.whenReady().then(start, (error) => log.error('failed to start', error));
}

async function start(): Promise<void> {
  hardenSession();
  const core = await createApp({
    userDataDir: app.getPath('userData'),
    workbookPath: process.env.ROWSMITH_WORKBOOK ?? join(app.getPath('userData'), 'workbook.rowsmith'),
    version: app.getVersion(),
    platform: { shell: 'electron', ...dialogHooks(() => mainWindow), openExternal: openExternalSafely },
    resumeRuns: true,
    licensing: 'server',
    secrets: SecretStore.inFolder(app.getPath('userData'), safeStorageCipher()),
  });
  registerIpc(core.handlers, appOriginOf);
  mainWindow = createMainWindow();
  const stopEvents = forwardEvents(core.events, mainWindow);
  mainWindow.on('closed', () => {
    stopEvents();
    mainWindow = null;
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void core.close());
}
