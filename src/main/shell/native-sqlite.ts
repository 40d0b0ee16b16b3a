// Which better-sqlite3 build Electron loads. node_modules holds the Node build (`npm test`
// uses it); Electron needs one compiled for its own ABI, always passed as nativeBinding
// through ROWSMITH_SQLITE_BINDING: `npm start` sets it to the build in
// node_modules/.rowsmith, and an installed app finds it in its resources folder, where
// electron-builder.yml puts it. Must run before the first database opens.
import { join } from 'node:path';
import { app } from 'electron';

export function pointAtElectronSqlite(): void {
  if (app.isPackaged && !process.env.ROWSMITH_SQLITE_BINDING)
    process.env.ROWSMITH_SQLITE_BINDING = join(process.resourcesPath, 'native', 'better_sqlite3.node');
}
