// scripts/publish-release.mjs against a real licensing server on loopback, on both
// dialects: it finds electron-builder's artifacts in a dist folder, uploads them,
// publishes, and the feed then offers them to electron-updater's own provider.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NodeHttpExecutor } from 'builder-util/out/nodeHttpExecutor';
import { GenericProvider } from 'electron-updater/out/providers/GenericProvider';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp';
import { ADMIN_TOKEN, describeDialects, startServer, type TestServer } from './helpers/harness';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '../../scripts/publish-release.mjs');

async function publishRelease(args: string[], token: string | null = ADMIN_TOKEN) {
  const env = { ...process.env, ROWSMITH_ADMIN_TOKEN: token ?? '' };
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function latest(base: string, platform: 'linux' | 'win32') {
  const p = new GenericProvider(
    { provider: 'generic', url: base },
    // biome-ignore lint/suspicious/noExplicitAny: the two fields GenericProvider reads from its AppUpdater
    { channel: null, isAddNoCacheQuery: false } as any,
    { executor: new NodeHttpExecutor() as never, platform, isUseMultipleRangeRequest: true },
  );
  return p.getLatestVersion();
}

describeDialects('npm run publish-release', (dialect) => {
  let s: TestServer;
  let dir: ReturnType<typeof tempDir>;
  let dist: string;
  beforeAll(async () => {
    dir = tempDir('rowsmith-publish-');
    s = await startServer(dialect, { releasesDir: join(dir.path, 'releases') });
    dist = join(dir.path, 'dist');
    mkdirSync(dist);
    // What electron-builder leaves in dist/: artifacts, blockmaps, its own channel file, unpacked folders.
    for (const name of [
      'Rowsmith-1.4.0.AppImage',
      'rowsmith_1.4.0_amd64.deb',
      'Rowsmith-Setup-1.4.0.exe',
      'Rowsmith-Setup-1.4.0.exe.blockmap',
      'Rowsmith-1.3.0.AppImage',
    ]) {
      writeFileSync(join(dist, name), randomBytes(10_000));
    }
    writeFileSync(join(dist, 'latest-linux.yml'), 'version: 1.4.0\nfiles: []\n');
    writeFileSync(join(dist, 'builder-debug.yml'), 'x: 1\n');
    mkdirSync(join(dist, 'linux-unpacked'));
    writeFileSync(join(dir.path, 'notes.md'), '## 1.4.0\n\n- Faster imports\n');
  });
  afterAll(async () => {
    await s?.close();
    dir?.cleanup();
  });

  it('refuses a wrong admin token and publishes nothing', async () => {
    const res = await publishRelease(
      ['--server', s.url, '--channel', 'stable', '--dist', dist],
      'wrong-token',
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/401 unauthorized/);
    expect((await s.admin.get('/v1/admin/releases')).body.items).toEqual([]);
  });

  it('uploads the version electron-builder built from dist/ and publishes it with notes and a rollout', async () => {
    const res = await publishRelease([
      '--server',
      s.url,
      '--channel',
      'stable',
      '--rollout',
      '20',
      '--notes',
      join(dir.path, 'notes.md'),
      '--dist',
      dist,
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('Published 1.4.0');
    const release = (await s.admin.get('/v1/admin/releases/1.4.0')).body;
    expect(release.files.map((f: { name: string }) => f.name)).toEqual([
      'Rowsmith-1.4.0.AppImage',
      'Rowsmith-Setup-1.4.0.exe',
      'Rowsmith-Setup-1.4.0.exe.blockmap',
      'rowsmith_1.4.0_amd64.deb',
    ]);
    const linux = await latest(`${s.url}/updates/stable`, 'linux');
    expect(linux).toMatchObject({
      version: '1.4.0',
      stagingPercentage: 20,
      releaseNotes: '## 1.4.0\n\n- Faster imports\n',
    });
    expect((await latest(`${s.url}/updates/stable`, 'win32')).files.map((f) => f.url)).toEqual([
      '1.4.0/Rowsmith-Setup-1.4.0.exe',
    ]);
  });

  it('publishes the files named on the command line, to beta, with --version', async () => {
    const file = join(dist, 'Rowsmith-1.5.0-beta.1.AppImage');
    writeFileSync(file, randomBytes(5_000));
    const res = await publishRelease([
      '--server',
      s.url,
      '--channel',
      'beta',
      '--version',
      '1.5.0-beta.1',
      file,
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect((await latest(`${s.url}/updates/beta`, 'linux')).version).toBe('1.5.0-beta.1');
    expect((await latest(`${s.url}/updates/stable`, 'linux')).version).toBe('1.4.0');
  });

  it('says what is wrong with its arguments', async () => {
    expect((await publishRelease(['--channel', 'stable'])).stderr).toMatch(/--server URL is required/);
    expect((await publishRelease(['--server', s.url, '--channel', 'nightly'])).stderr).toMatch(
      /stable or beta/,
    );
    expect((await publishRelease(['--server', s.url, '--rollout', '0'])).stderr).toMatch(/1 to 100/);
    expect((await publishRelease(['--server', s.url], null)).stderr).toMatch(/ROWSMITH_ADMIN_TOKEN/);
    const again = await publishRelease(['--server', s.url, '--channel', 'stable', '--dist', dist]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/409 release_conflict/);
  });
});
