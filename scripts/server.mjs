// `npm run server`: bundles the TypeScript licensing server with esbuild (packages stay
// external, '@shared' points at src/shared) into .tmp/ and runs it in this process.
// Settings come from the environment; see docs/licensing-api.md.
// `npm run bench:server` (this script with --bench): bundles bench/server.ts the same
// way and prints its figures.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bench = process.argv.includes('--bench');
mkdirSync(join(root, '.tmp'), { recursive: true });
const outfile = join(root, '.tmp', bench ? 'bench-server.cjs' : 'licensing-server.cjs');
await build({
  entryPoints: [join(root, ...(bench ? ['bench', 'server.ts'] : ['src', 'server', 'main.ts']))],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile,
  packages: 'external',
  alias: { '@shared': join(root, 'src', 'shared') },
  logLevel: 'warning',
});
const loaded = createRequire(import.meta.url)(outfile);
if (bench) {
  const results = await loaded.benchServer();
  for (const r of results) {
    const status = r.pass === undefined ? '' : r.pass ? 'PASS' : 'MISS';
    console.log(
      `${r.name.padEnd(64)} ${String(r.value).padStart(9)} ${r.unit.padEnd(4)} ${(r.target ?? '').padEnd(11)} ${status}${r.note ? `  (${r.note})` : ''}`,
    );
  }
  process.exit(0);
}
