// Electron's updater for the app's UpdateController: electron-updater's autoUpdater,
// which reads the generic feed the licensing server publishes (see ../updater/update-feed;
// without a connected server, the one the installer was built for, from app-update.yml)
// and checks each download's sha512. Its own logging goes through the one logger.
import { join } from 'node:path';
import { app } from 'electron';
import { autoUpdater } from 'electron-updater';
import { createLogger } from '../logger';
import { builtInUpdateServer } from '../updater/app-update-yml';
import type { Updater, UpdaterSetup } from '../updater/updater';

const log = createLogger('updater');

export function electronUpdater(): UpdaterSetup {
  autoUpdater.logger = {
    info: (message?: unknown) => log.info(String(message)),
    warn: (message?: unknown) => log.warn(String(message)),
    error: (message?: unknown) => log.error(String(message)),
    debug: (message: string) => log.debug(message),
  };
  return {
    updater: autoUpdater as unknown as Updater,
    isPackaged: app.isPackaged,
    builtInServer: app.isPackaged ? builtInUpdateServer(join(process.resourcesPath, 'app-update.yml')) : null,
  };
}
