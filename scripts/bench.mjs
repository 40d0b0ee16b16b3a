// `npm run bench`: builds the app (the CLI is measured as users run it), bundles the
// TypeScript benchmark with esbuild and runs it on plain Node.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
const which = spawnSync('sqlite3', ['--version']);
if (which.status !== 0) {
  console.error(
    'npm run bench needs the sqlite3 command line shell for its baseline (apt-get install sqlite3).',
  );
  process.exit(1);
}
run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
mkdirSync(join(root, '.tmp'), { recursive: true });
const outfile = join(root, '.tmp', 'bench.cjs');
await build({
  entryPoints: [join(root, 'bench', 'main.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile,
  packages: 'external',
  alias: { '@shared': join(root, 'src', 'shared') },
  logLevel: 'warning',
});
run(process.execPath, ['--expose-gc', outfile]);
