// The installer configuration, read by electron-builder's own loader and checked against
// its schema; the files that go into app.asar through its own file matcher; the icons
// decoded byte by byte; and the afterPack hook flipping fuses with @electron/fuses in a
// stand-in binary that carries Electron's fuse wire (the real binary can't be downloaded
// here, so this proves the hook and the wire format, not a packed app).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp';

const require = createRequire(import.meta.url);
const root = resolve(__dirname, '../..');

// biome-ignore lint/suspicious/noExplicitAny: electron-builder's config is loosely typed JSON
type Config = Record<string, any>;
let config: Config;

beforeAll(async () => {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config');
  const { DebugLogger } = require('builder-util');
  config = await getConfig(root, null, null);
  await validateConfiguration(config, new DebugLogger(false));
});

describe('electron-builder.yml', () => {
  it('names the app', () => {
    expect(config.appId).toBe('app.rowsmith.desktop');
    expect(config.productName).toBe('Rowsmith');
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).productName).toBe('Rowsmith');
    expect(config.directories).toEqual({ output: 'dist', buildResources: 'resources' });
  });

  it('builds AppImage + deb, NSIS, and dmg + zip for arm64 and x64', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.mac.target).toEqual([
      { target: 'dmg', arch: ['arm64', 'x64'] },
      { target: 'zip', arch: ['arm64', 'x64'] },
    ]);
  });

  it('packs an asar without the Node build of better-sqlite3 and ships the Electron build beside it', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(false);
    expect(config.extraResources).toEqual([
      {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an electron-builder macro
        from: 'node_modules/.rowsmith/package/${arch}/better_sqlite3.node',
        to: 'native/better_sqlite3.node',
      },
    ]);
    // The same path scripts/dist.mjs stages to.
    const staged = `${root}/node_modules/.rowsmith/package/arm64/better_sqlite3.node`;
    return import('../../scripts/electron-sqlite.mjs').then((m) =>
      expect(m.stagedBinding(root, 'arm64')).toBe(staged),
    );
  });

  it('takes the electron-vite build and package.json, never sources, tests or maps', () => {
    const { FileMatcher } = require('app-builder-lib/out/fileMatcher');
    const patterns = config.files[0].filter as string[];
    const same = (s: string) => s;
    const app = new FileMatcher(root, '/app', same, patterns).createFilter();
    // node_modules get only the exclusions, as electron-builder's node-module matcher does.
    const modules = new FileMatcher(root, '/app', same, [
      '**/*',
      ...patterns.filter((p) => p.startsWith('!')),
    ]).createFilter();
    const file = { isDirectory: () => false };
    const inApp = (p: string) => app(join(root, p), file);
    const inModules = (p: string) => modules(join(root, p), file);
    expect(inApp('out/main/index.js')).toBe(true);
    expect(inApp('out/main/import-worker.js')).toBe(true);
    expect(inApp('out/preload/index.js')).toBe(true);
    expect(inApp('out/renderer/index.html')).toBe(true);
    expect(inApp('package.json')).toBe(true);
    for (const p of [
      'out/main/index.js.map',
      'src/main/index.ts',
      'src/renderer/src/app.tsx',
      'test/delivery/builder-config.test.ts',
      'bench/run.mjs',
      'scripts/dist.mjs',
      'resources/icons/512x512.png',
      'README.md',
      'electron.vite.config.ts',
    ])
      expect(inApp(p), p).toBe(false);
    expect(inModules('node_modules/better-sqlite3/lib/database.js')).toBe(true);
    expect(inModules('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(false);
    expect(inModules('node_modules/better-sqlite3/deps/sqlite3/sqlite3.c')).toBe(false);
  });

  it('publishes to the licensing server’s update feed', () => {
    expect(config.publish).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an electron-builder macro
      { provider: 'generic', url: '${env.ROWSMITH_UPDATE_URL}/updates/${channel}' },
    ]);
    const { expandMacro } = require('app-builder-lib/out/util/macroExpander');
    const before = process.env.ROWSMITH_UPDATE_URL;
    process.env.ROWSMITH_UPDATE_URL = 'https://licensing.example.com';
    try {
      expect(expandMacro(config.publish[0].url, 'x64', { channel: null })).toBe(
        'https://licensing.example.com/updates/latest',
      );
      expect(expandMacro(config.publish[0].url, 'x64', { channel: 'beta' })).toBe(
        'https://licensing.example.com/updates/beta',
      );
    } finally {
      if (before === undefined) delete process.env.ROWSMITH_UPDATE_URL;
      else process.env.ROWSMITH_UPDATE_URL = before;
    }
  });

  it('uses the afterPack hook and asks npm not to run electron-winstaller’s install script', () => {
    expect(config.afterPack).toBe('scripts/after-pack.cjs');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.allowScripts['electron-winstaller']).toBe(false);
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs');
  });
});

/** Width, height and RGBA pixels of a PNG, checking signature, chunk CRCs and row sizes. */
function decodePng(data: Buffer): { width: number; height: number } {
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const { crc32 } = require('node:zlib') as { crc32?: (b: Buffer) => number };
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.toString('ascii', offset + 4, offset + 8);
    const body = data.subarray(offset + 8, offset + 8 + length);
    const crc = data.readUInt32BE(offset + 8 + length);
    if (crc32) expect(crc32(data.subarray(offset + 4, offset + 8 + length))).toBe(crc);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect([body[8], body[9]]).toEqual([8, 6]); // 8-bit RGBA
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  expect(ended).toBe(true);
  expect(inflateSync(Buffer.concat(idat)).length).toBe(height * (width * 4 + 1));
  return { width, height };
}

describe('icons', () => {
  const icons = join(root, 'resources', 'icons');
  it.each([16, 24, 32, 48, 64, 128, 256, 512, 1024])('the %i px PNG is valid and of that size', (size) => {
    expect(decodePng(readFileSync(join(icons, `${size}x${size}.png`)))).toEqual({
      width: size,
      height: size,
    });
  });

  it('icon.ico holds 16…256 (BMP up to 64, PNG at 256)', () => {
    const ico = readFileSync(join(icons, 'icon.ico'));
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const sizes: number[] = [];
    for (let i = 0; i < count; i++) {
      const entry = ico.subarray(6 + i * 16, 22 + i * 16);
      const size = entry[0] || 256;
      const image = ico.subarray(entry.readUInt32LE(12), entry.readUInt32LE(12) + entry.readUInt32LE(8));
      if (size === 256) expect(decodePng(image)).toEqual({ width: 256, height: 256 });
      else {
        expect(image.readUInt32LE(0)).toBe(40); // BITMAPINFOHEADER
        expect([image.readInt32LE(4), image.readInt32LE(8), image.readUInt16LE(14)]).toEqual([
          size,
          size * 2,
          32,
        ]);
        expect(image.length).toBe(40 + size * size * 4 + Math.ceil(size / 32) * 4 * size);
      }
      sizes.push(size);
    }
    expect(sizes).toEqual([16, 24, 32, 48, 64, 256]);
  });

  it('icon.icns holds PNGs from 32 to 1024', () => {
    const icns = readFileSync(join(icons, 'icon.icns'));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const expected: Record<string, number> = {
      ic07: 128,
      ic08: 256,
      ic09: 512,
      ic10: 1024,
      ic11: 32,
      ic12: 64,
      ic13: 256,
      ic14: 512,
    };
    const seen: string[] = [];
    for (let offset = 8; offset < icns.length; ) {
      const type = icns.toString('ascii', offset, offset + 4);
      const length = icns.readUInt32BE(offset + 4);
      const size = expected[type];
      expect(decodePng(icns.subarray(offset + 8, offset + length))).toEqual({ width: size, height: size });
      seen.push(type);
      offset += length;
    }
    expect(seen.sort()).toEqual(Object.keys(expected).sort());
  });
});

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's wire as shipped: RunAsNode, NodeOptions, Inspect, FileProtocol, WasmTrap on. */
const SHIPPED_WIRE = '101100011';

/** A stand-in Electron binary: filler bytes, the sentinel, version 1, the wire, more filler. */
function fakeElectron(path: string): void {
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(
    path,
    Buffer.concat([
      Buffer.alloc(4096, 0x7f),
      Buffer.from(SENTINEL, 'ascii'),
      Buffer.from([1, SHIPPED_WIRE.length]),
      Buffer.from(SHIPPED_WIRE, 'ascii'),
      Buffer.alloc(4096, 0x7f),
    ]),
  );
}

describe('afterPack: fuses', () => {
  const hook = require('../../scripts/after-pack.cjs');
  const packager = { appInfo: { productFilename: 'Rowsmith' }, executableName: 'rowsmith' };
  const on = FuseState.ENABLE;
  const off = FuseState.DISABLE;

  it.each([
    ['linux', 'rowsmith', off],
    ['win32', 'Rowsmith.exe', on],
    ['darwin', 'Rowsmith.app/Contents/Frameworks/Electron Framework.framework/Electron Framework', on],
  ])('flips the fuses of the %s binary', async (platform, binary, asarIntegrity) => {
    const dir = tempDir();
    try {
      fakeElectron(join(dir.path, binary));
      // x64 (arch 1): the arm64 ad-hoc re-signing needs macOS's codesign.
      await hook({ appOutDir: dir.path, electronPlatformName: platform, arch: 1, packager });
      const wire = await getCurrentFuseWire(
        platform === 'darwin' ? join(dir.path, 'Rowsmith.app') : join(dir.path, binary),
      );
      expect(wire[FuseV1Options.RunAsNode]).toBe(off);
      expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(on);
      expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(off);
      expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(off);
      expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(asarIntegrity);
      expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(on);
      // Fuses the hook does not set keep Electron's value.
      expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(on);
    } finally {
      dir.cleanup();
    }
  });

  it('resets the ad-hoc signature on macOS arm64 only', async () => {
    expect((await hook.fuseConfig('darwin', 3)).resetAdHocDarwinSignature).toBe(true);
    expect((await hook.fuseConfig('darwin', 1)).resetAdHocDarwinSignature).toBe(false);
    expect((await hook.fuseConfig('linux', 3)).resetAdHocDarwinSignature).toBe(false);
  });
});
