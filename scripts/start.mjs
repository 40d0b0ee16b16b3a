// `npm start`: build if the sources changed, then open the Electron window. Where
// Electron cannot be fetched or started, say so in one line and serve the very same UI
// from the loopback web shell instead. `npm run web` (--web) goes straight to the shell.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildIfStale, root } from './build-if-stale.mjs';
import { ensureElectronSqlite } from './electron-sqlite.mjs';

const require = createRequire(import.meta.url);
const webOnly = process.argv.includes('--web');

/** The Electron binary's path, or why there is none. */
function findElectron() {
  try {
    const path = require('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { reason: 'its binary is not installed' };
  } catch (error) {
    return { reason: String(error.message ?? error).split('\n')[0] };
  }
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
