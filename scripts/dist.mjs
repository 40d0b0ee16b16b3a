// `npm run dist`: the installers for the platform this runs on (Linux: AppImage + deb;
// Windows: NSIS; macOS: dmg + zip for arm64 and x64), written to dist/. Steps: check the
// update feed URL, build with electron-vite, build and stage better-sqlite3 for Electron
// for each arch, then electron-builder with electron-builder.yml. Needs internet for
// Electron's headers and release zips; where they cannot be fetched it says so plainly.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { root } from './build-if-stale.mjs';
import { stageElectronSqlite } from './electron-sqlite.mjs';

const require = createRequire(import.meta.url);

const PLATFORMS = {
  linux: { flag: '--linux', arches: [process.arch] },
  win32: { flag: '--win', arches: ['x64'] },
  darwin: { flag: '--mac', arches: ['arm64', 'x64'] },
};

/** Network failures of @electron/get and node-gyp, as they print them. */
const OFFLINE =
  /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|socket hang up|unable to get local issuer|dial tcp|cannot download|Failed to download/i;

function fail(message) {
  console.error(`npm run dist: ${message}`);
  process.exit(1);
}

function checkUpdateUrl() {
  const value = process.env.ROWSMITH_UPDATE_URL;
  if (!value)
    fail(
      'set ROWSMITH_UPDATE_URL to the licensing server the installed apps check for updates (for example https://licensing.example.com); they read <url>/updates/<channel>/.',
    );
  let url;
  try {
    url = new URL(value);
  } catch {
    fail(`ROWSMITH_UPDATE_URL is not a URL: ${value}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('ROWSMITH_UPDATE_URL must be http(s).');
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))
    console.warn('npm run dist: ROWSMITH_UPDATE_URL is plain http; updates should come over https.');
  // electron-builder appends /updates/<channel>; a trailing slash would double it.
  process.env.ROWSMITH_UPDATE_URL = value.replace(/\/+$/, '');
}

/** Runs electron-builder, echoing its output and keeping the tail to explain a failure. */
function electronBuilder(args) {
  return new Promise((resolve) => {
    const cli = require.resolve('electron-builder/cli.js');
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk, stream) => {
      stream.write(chunk);
      tail = (tail + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', (c) => keep(c, process.stdout));
    child.stderr.on('data', (c) => keep(c, process.stderr));
    child.on('exit', (code) => resolve({ code: code ?? 1, tail }));
  });
}

const platform = PLATFORMS[process.platform];
if (!platform) fail(`installers are built on Linux, Windows or macOS, not ${process.platform}.`);
checkUpdateUrl();

const electronVite = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
const build = spawnSync(process.execPath, [electronVite, 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) fail('electron-vite build failed (see above).');

for (const arch of platform.arches) {
  const staged = stageElectronSqlite(root, arch);
  if (!staged.path)
    fail(
      `${staged.reason} for ${arch}. Building it downloads Electron's headers, so this needs internet access (and a C++ toolchain).`,
    );
}

const archFlags = process.platform === 'darwin' ? [] : platform.arches.map((a) => `--${a}`);
const result = await electronBuilder([
  platform.flag,
  ...archFlags,
  '--publish',
  'never',
  '--config',
  join(root, 'electron-builder.yml'),
]);
if (result.code !== 0) {
  if (OFFLINE.test(result.tail))
    fail(
      'Electron could not be downloaded (no internet access?). electron-builder fetches Electron’s release zip for each platform and arch; run this where github.com is reachable, or point ELECTRON_MIRROR at a mirror.',
    );
  fail(`electron-builder failed with code ${result.code} (see above).`);
}
console.log(`Installers written to ${join(root, 'dist')}`);
