// `npm run web`: the app's core behind the loopback web shell, for machines where
// Electron cannot start and for end-to-end tests. Prints the URL (with its token) once.
import { join } from 'node:path';
import { createApp } from '../app/create-app';
import { defaultUserDataDir } from '../app/paths';
import { openFileLog } from '../log/file-log';
import { createLogger } from '../logger';
import { updaterFromEnv } from '../updater/scripted-updater';
import { startWebShell } from './server';

const log = createLogger('web');

async function main(): Promise<void> {
  const userDataDir = defaultUserDataDir();
  openFileLog(userDataDir);
  const app = await createApp({
    userDataDir,
    workbookPath: process.env.ROWSMITH_WORKBOOK || undefined,
    version: process.env.ROWSMITH_VERSION ?? '0.1.0',
    platform: { shell: 'web' },
    resumeRuns: true,
    licensing: 'server',
    updater: updaterFromEnv(),
  });
  const shell = await startWebShell({
    handlers: app.handlers,
    events: app.events,
    files: app.files,
    staticDir: join(__dirname, '../renderer'),
    uploadsDir: app.dirs.uploads,
    port: Number(process.env.PORT ?? 0),
    token: process.env.ROWSMITH_WEB_TOKEN || undefined,
  });
  process.stdout.write(`Rowsmith is running at ${shell.url}\n`);
  process.stdout.write(`Workbook: ${app.workbook.path}\n`);
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await shell.close();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error) => {
  log.error('the web shell could not start', error);
  process.exit(1);
});
