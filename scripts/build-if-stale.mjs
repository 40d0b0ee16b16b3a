// Builds the app (electron-vite) unless out/ is newer than every source file. Shared by
// `npm start`, `npm run web` and the end-to-end tests' setup.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function buildIfStale() {
  const outputs = [
    'out/main/index.js',
    'out/main/web.js',
    'out/main/cli.js',
    'out/preload/index.js',
    'out/renderer/index.html',
  ];
  const inputs = ['src', 'electron.vite.config.ts', 'package.json'];
  const oldest = Math.min(
    ...outputs.map((p) => (existsSync(join(root, p)) ? statSync(join(root, p)).mtimeMs : 0)),
  );
  if (oldest > 0 && oldest >= Math.max(...inputs.map((p) => newestMtime(join(root, p))))) return;
  console.log('Building Rowsmith…');
  const result = spawnSync(
    process.execPath,
    // The package exports no bin path; find its bin through its package.json.
    [join(dirname(require.resolve('electron-vite/package.json')), 'bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) throw new Error('The build failed.');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildIfStale();
