// After `npm install`: fetch the Electron binary (npm blocks dependency install scripts,
// so we run Electron's installer ourselves). Where it cannot be downloaded, say so in one
// line and succeed anyway: `npm start` then serves the same UI from the web shell.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) process.exit(0);
let electronDir;
try {
  electronDir = dirname(require.resolve('electron/package.json'));
} catch {
  process.exit(0); // production install without dev dependencies
}
if (existsSync(join(electronDir, 'path.txt'))) process.exit(0);
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.warn(
    `Rowsmith: Electron's installer needs Node.js 22.12 or newer (this is ${process.version}); \`npm start\` will serve the app from the loopback web shell.`,
  );
  process.exit(0);
}
const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
  stdio: ['ignore', 'ignore', 'pipe'],
  timeout: 300_000,
});
if (result.status !== 0) {
  console.warn(
    'Rowsmith: the Electron binary could not be downloaded; `npm start` will serve the app from the loopback web shell.',
  );
}
