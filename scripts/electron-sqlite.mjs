// better-sqlite3 must be compiled for Electron's ABI to run inside Electron, while
// `npm test` uses the Node build in node_modules. This builds a second copy once per
// Electron version and CPU architecture into node_modules/.rowsmith/ (node-gyp with
// Electron's headers) and the app loads it through better-sqlite3's nativeBinding option
// (ROWSMITH_SQLITE_BINDING): `npm start` passes this path, and `npm run dist` ships the
// same file as resources/native/better_sqlite3.node, which the packaged app passes.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export function ensureElectronSqlite(root, arch = process.arch) {
  const version = require('electron/package.json').version;
  const out = join(root, 'node_modules', '.rowsmith', `electron-${version}-${process.platform}-${arch}`);
  const binding = join(out, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binding)) return { path: binding };
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const part of ['binding.gyp', 'src', 'deps', 'package.json'])
    cpSync(join(source, part), join(out, part), { recursive: true });
  console.log(`Building better-sqlite3 for Electron ${version} on ${arch} (once)…`);
  const gyp = findNodeGyp();
  if (!gyp) return { reason: 'node-gyp was not found to build better-sqlite3 for Electron' };
  const args = [
    gyp,
    'rebuild',
    '--release',
    `--target=${version}`,
    `--arch=${arch}`,
    '--runtime=electron',
    '--dist-url=https://electronjs.org/headers',
  ];
  const result = spawnSync(process.execPath, args, { cwd: out, stdio: 'inherit' });
  if (result.status !== 0 || !existsSync(binding))
    return { reason: 'better-sqlite3 could not be built for Electron' };
  return { path: binding };
}

function findNodeGyp() {
  const bundled = join(
    dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
  if (existsSync(bundled)) return bundled;
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}

/** Where `npm run dist` puts the build for one arch; electron-builder.yml ships it from here. */
export const stagedBinding = (root, arch) =>
  join(root, 'node_modules', '.rowsmith', 'package', arch, 'better_sqlite3.node');

/** Builds (once) and stages the Electron build of better-sqlite3 for one arch of an installer. */
export function stageElectronSqlite(root, arch) {
  const built = ensureElectronSqlite(root, arch);
  if (!built.path) return built;
  const staged = stagedBinding(root, arch);
  mkdirSync(dirname(staged), { recursive: true });
  cpSync(built.path, staged);
  return { path: staged };
}
