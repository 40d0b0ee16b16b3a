// `npm start`: build if the sources changed, then open the Electron window. Where
// Electron cannot be fetched or started, say so in one line and serve the very same UI
// from the loopback web shell instead. `npm run web` (--web) goes straight to the shell.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildIfStale, root } from './build-if-stale.mjs';
import { ensureElectronSqlite } from './electron-sqlite.mjs';

const require = createRequire(import.meta.url);
const webOnly = process.argv.includes('--web');

/**
 * The Electron binary's path, or why there is none. Reads electron's path.txt directly:
 * require('electron') would try to download a missing binary and hang without a network.
 */
function findElectron() {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return { reason: 'the Electron binary was not downloaded' };
  const binary = join(
    process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist'),
    readFileSync(pathFile, 'utf8').trim(),
  );
  return existsSync(binary) ? { path: binary } : { reason: `the Electron binary is missing (${binary})` };
}

function runWeb() {
  const child = spawn(process.execPath, [join(root, 'out', 'main', 'web.js')], {
    cwd: root,
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}

buildIfStale();
if (webOnly) {
  runWeb();
} else {
  const electron = findElectron();
  const binding = electron.path ? ensureElectronSqlite(root) : null;
  if (!electron.path || !binding?.path) {
    console.log(
      `Electron cannot start here (${electron.reason ?? binding?.reason}); serving Rowsmith from the loopback web shell instead.`,
    );
    runWeb();
  } else {
    const child = spawn(electron.path, [root], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ROWSMITH_SQLITE_BINDING: binding.path },
    });
    child.on('error', (error) => {
      console.log(
        `Electron cannot start here (${error.message}); serving Rowsmith from the loopback web shell instead.`,
      );
      runWeb();
    });
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal === null && code !== null) {
        console.log(
          `Electron exited with code ${code}; serving Rowsmith from the loopback web shell instead.`,
        );
        runWeb();
      } else process.exit(code ?? 0);
    });
  }
}
