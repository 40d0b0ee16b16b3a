// Electron entry: wires the shell (window, security, IPC, dialogs, menu) to the core built
// by createApp. Nothing else: all logic lives in services that run without Electron.
import { join } from 'node:path';
import { app, type BrowserWindow, Menu, shell } from 'electron';
import { createApp } from './app/create-app';
import { createLogger } from './logger';
import { SecretStore } from './secrets/secret-store';
import { dialogHooks } from './shell/dialogs';
import { startFileLog } from './shell/file-log';
import { forwardEvents, registerIpc, sendEvent } from './shell/ipc';
import { buildMenuTemplate } from './shell/menu';
import { pointAtElectronSqlite } from './shell/native-sqlite';
import { safeStorageCipher } from './shell/secrets';
import { hardenApp, hardenSession, openExternalSafely } from './shell/security';
import { claimSingleInstance } from './shell/single-instance';
import { electronUpdater } from './shell/updater';
import { createMainWindow, isOwnPage } from './shell/window';

const log = createLogger('shell');
let mainWindow: BrowserWindow | null = null;

if (claimSingleInstance(app, () => mainWindow)) {
  hardenApp(isOwnPage);
  app.whenReady().then(start, (error) => log.error('failed to start', error));
}

async function start(): Promise<void> {
  hardenSession();
  const userData = app.getPath('userData');
  startFileLog(userData);
  pointAtElectronSqlite();
  const core = await createApp({
    userDataDir: userData,
    workbookPath: process.env.ROWSMITH_WORKBOOK ?? join(userData, 'workbook.rowsmith'),
    version: app.getVersion(),
    platform: { shell: 'electron', ...dialogHooks(() => mainWindow), openExternal: openExternalSafely },
    resumeRuns: true,
    licensing: 'server',
    secrets: SecretStore.inFolder(userData, safeStorageCipher()),
    updater: electronUpdater(),
  });
  registerIpc(core.handlers, isOwnPage);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate({
        platform: process.platform,
        appName: app.name,
        dev: !app.isPackaged,
        send: (command) => sendEvent(mainWindow, 'menu/command', { command }),
        showDataFolder: () => void shell.openPath(userData),
      }),
    ),
  );
  mainWindow = createMainWindow(userData);
  const stopEvents = forwardEvents(core.events, mainWindow);
  mainWindow.on('closed', () => {
    stopEvents();
    mainWindow = null;
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void core.close());
}
