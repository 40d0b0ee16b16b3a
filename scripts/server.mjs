// `npm run server`: bundles the TypeScript licensing server with esbuild (packages stay
// external, '@shared' points at src/shared) into .tmp/ and runs it in this process.
// Settings come from the environment; see docs/licensing-api.md.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, '.tmp'), { recursive: true });
const outfile = join(root, '.tmp', 'licensing-server.cjs');
await build({
  entryPoints: [join(root, 'src', 'server', 'main.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile,
  packages: 'external',
  alias: { '@shared': join(root, 'src', 'shared') },
  logLevel: 'warning',
});
createRequire(import.meta.url)(outfile);
