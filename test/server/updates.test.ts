// The auto-update feed on both dialects, read the way the app reads it: electron-updater's
// own GenericProvider (over builder-util's Node HTTP executor) fetches the channel files
// from the real server on loopback, parses them with its parser, resolves the files and
// downloads them checking the SHA-512 the YAML carries; its differential downloader
// fetches changed blocks with multi-range requests. Plus the admin API's refusals:
// no token, path traversal, bad versions, size limits, published files never changing.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { NodeHttpExecutor } from 'builder-util/out/nodeHttpExecutor';
import { CancellationToken, UUID } from 'builder-util-runtime';
import { GenericDifferentialDownloader } from 'electron-updater/out/differentialDownloader/GenericDifferentialDownloader';
import { GenericProvider } from 'electron-updater/out/providers/GenericProvider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { inRollout } from '../../src/server/updates/feed';
import { compareSemver } from '../../src/server/updates/semver';
import { tempDir } from '../helpers/temp';
import { ADMIN_TOKEN, describeDialects, expectError, startServer, type TestServer } from './helpers/harness';

const executor = new NodeHttpExecutor();
const sha512 = (data: Buffer) => createHash('sha512').update(data).digest('base64');
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** node:http, not fetch: the path goes out exactly as written (fetch would normalise "..") */
function raw(
  base: string,
  method: string,
  path: string,
  opts: { body?: Buffer; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Raw> {
  const url = new URL(base);
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body) {
    headers['content-type'] ??= 'application/octet-stream';
    headers['content-length'] = String(opts.body.length);
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = (r: Raw) => JSON.parse(r.body.toString());

/** electron-updater's provider for a feed, as the app configures it (no channel set: latest*.yml). */
function provider(
  base: string,
  platform: 'linux' | 'win32' | 'darwin',
  opts: { channel?: string; stagingId?: string } = {},
) {
  const p = new GenericProvider(
    { provider: 'generic', url: base },
    // biome-ignore lint/suspicious/noExplicitAny: the two fields GenericProvider reads from its AppUpdater
    { channel: opts.channel ?? null, isAddNoCacheQuery: false } as any,
    { executor: executor as never, platform, isUseMultipleRangeRequest: true },
  );
  if (opts.stagingId) p.setRequestHeaders({ 'x-user-staging-id': opts.stagingId });
  return p;
}

/** A staging id (the `.updaterId` UUID) whose rollout bucket is below or above `percent`. */
function stagingId(inside: boolean, percent: number): string {
  for (;;) {
    const id = randomUUID();
    const value = UUID.parse(id).readUInt32BE(12) / 0xffffffff;
    if (value < percent / 100 === inside) return id;
  }
}

describe('rollout buckets and versions (pure)', () => {
  it('puts an install in or out of a rollout exactly as electron-updater does', () => {
    for (let i = 0; i < 2_000; i++) {
      const id = randomUUID();
      const percent = 1 + (i % 100);
      const theirs = UUID.parse(id).readUInt32BE(12) / 0xffffffff < percent / 100;
      expect(inRollout(id, percent)).toBe(theirs);
    }
  });
  it('orders versions by semver precedence', () => {
    const sorted = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.2.0',
      '1.10.0',
    ];
    const shuffled = [...sorted].reverse();
    expect(shuffled.sort(compareSemver)).toEqual(sorted);
  });
});

describeDialects('auto-update feed', (dialect) => {
  let s: TestServer;
  let dir: ReturnType<typeof tempDir>;
  const artifacts = new Map<string, Buffer>();

  async function upload(version: string, name: string, data = randomBytes(3_000)): Promise<Raw> {
    artifacts.set(`${version}/${name}`, data);
    return raw(s.url, 'PUT', `/v1/admin/releases/${version}/files/${encodeURIComponent(name)}`, {
      body: data,
    });
  }
  async function publish(version: string, body: Record<string, unknown>): Promise<Raw> {
    const payload = Buffer.from(JSON.stringify(body));
    return raw(s.url, 'POST', `/v1/admin/releases/${version}/publish`, {
      body: payload,
      headers: { 'content-type': 'application/json' },
    });
  }
  async function patch(version: string, body: Record<string, unknown>): Promise<Raw> {
    return raw(s.url, 'PATCH', `/v1/admin/releases/${version}`, {
      body: Buffer.from(JSON.stringify(body)),
      headers: { 'content-type': 'application/json' },
    });
  }
  async function release(
    version: string,
    channel: string,
    names: string[],
    extra: Record<string, unknown> = {},
  ) {
    for (const name of names) expect((await upload(version, name)).status).toBe(201);
    const res = await publish(version, { channel, ...extra });
    expect(res.status, res.body.toString()).toBe(200);
    return json(res);
  }
  const linux = (v: string) => [
    `Rowsmith-${v}.AppImage`,
    `rowsmith_${v}_amd64.deb`,
    `Rowsmith-${v}.AppImage.blockmap`,
  ];

  beforeAll(async () => {
    dir = tempDir('rowsmith-releases-');
    s = await startServer(dialect, { releasesDir: dir.path, maxReleaseFileBytes: 1_000_000 });
    await release(
      '1.0.0',
      'stable',
      [...linux('1.0.0'), 'Rowsmith-Setup-1.0.0.exe', 'Rowsmith-1.0.0-mac.zip', 'Rowsmith-1.0.0.dmg'],
      {
        notes: 'First release.\n\n- Imports\n- Exports',
      },
    );
  });
  afterAll(async () => {
    await s?.close();
    dir?.cleanup();
  });

  it('serves latest-linux.yml as electron-updater parses it, with files that match their SHA-512', async () => {
    const p = provider(`${s.url}/updates/stable`, 'linux');
    const info = await p.getLatestVersion();
    expect(info.version).toBe('1.0.0');
    expect(info.releaseNotes).toBe('First release.\n\n- Imports\n- Exports');
    expect(typeof info.releaseDate).toBe('string');
    expect(new Date(info.releaseDate).toISOString()).toBe(info.releaseDate);
    expect(info.stagingPercentage).toBeUndefined();
    expect(info.files.map((f) => f.url)).toEqual([
      '1.0.0/Rowsmith-1.0.0.AppImage',
      '1.0.0/rowsmith_1.0.0_amd64.deb',
    ]);
    expect(info.path).toBe('1.0.0/Rowsmith-1.0.0.AppImage');
    expect(info.sha512).toBe(info.files[0]?.sha512);
    for (const file of p.resolveFiles(info)) {
      const key = file.url.pathname.replace(/^\/updates\/stable\//, '');
      const local = artifacts.get(key);
      expect(file.info.size).toBe(local?.length);
      // builder-util-runtime checks the digest while downloading and fails on a mismatch.
      const served = await executor.downloadToBuffer(file.url, {
        sha512: file.info.sha512,
        cancellationToken: new CancellationToken(),
      });
      expect(served.equals(local as Buffer)).toBe(true);
    }
  });

  it('serves latest.yml (Windows) and latest-mac.yml (zip first, the file MacUpdater installs)', async () => {
    const win = await provider(`${s.url}/updates/stable`, 'win32').getLatestVersion();
    expect(win.files.map((f) => f.url)).toEqual(['1.0.0/Rowsmith-Setup-1.0.0.exe']);
    const mac = await provider(`${s.url}/updates/stable`, 'darwin').getLatestVersion();
    expect(mac.files.map((f) => f.url)).toEqual(['1.0.0/Rowsmith-1.0.0-mac.zip', '1.0.0/Rowsmith-1.0.0.dmg']);
    const yml = await raw(s.url, 'GET', '/updates/stable/latest-mac.yml', { token: null });
    expect(yml.headers['content-type']).toBe('text/yaml; charset=utf-8');
    expect(yml.headers['cache-control']).toBe('no-store');
    expect(parse(yml.body.toString())).toMatchObject({
      version: '1.0.0',
      path: '1.0.0/Rowsmith-1.0.0-mac.zip',
    });
  });

  it('keeps architectures apart on Linux (latest-linux-arm64.yml)', async () => {
    const res = await raw(s.url, 'GET', '/updates/stable/latest-linux-arm64.yml', { token: null });
    expectError({ status: res.status, body: json(res) }, 404, 'not_found');
    await release('1.0.1', 'stable', ['Rowsmith-1.0.1-arm64.AppImage']);
    const arm = parse((await raw(s.url, 'GET', '/updates/stable/latest-linux-arm64.yml')).body.toString());
    expect(arm.files.map((f: { url: string }) => f.url)).toEqual(['1.0.1/Rowsmith-1.0.1-arm64.AppImage']);
    // the x64 feed still offers 1.0.0: 1.0.1 has nothing for it
    expect((await provider(`${s.url}/updates/stable`, 'linux').getLatestVersion()).version).toBe('1.0.0');
  });

  it('artifacts: content types, Content-Length, HEAD, and immutable caching', async () => {
    const cases: [string, string][] = [
      ['1.0.0/Rowsmith-1.0.0.AppImage', 'application/vnd.appimage'],
      ['1.0.0/rowsmith_1.0.0_amd64.deb', 'application/vnd.debian.binary-package'],
      ['1.0.0/Rowsmith-Setup-1.0.0.exe', 'application/vnd.microsoft.portable-executable'],
      ['1.0.0/Rowsmith-1.0.0-mac.zip', 'application/zip'],
      ['1.0.0/Rowsmith-1.0.0.dmg', 'application/x-apple-diskimage'],
      ['1.0.0/Rowsmith-1.0.0.AppImage.blockmap', 'application/octet-stream'],
    ];
    for (const [path, type] of cases) {
      const res = await raw(s.url, 'GET', `/updates/stable/${path}`, { token: null });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(type);
      expect(Number(res.headers['content-length'])).toBe(artifacts.get(path)?.length);
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers['cache-control']).toContain('immutable');
      expect(res.body.equals(artifacts.get(path) as Buffer)).toBe(true);
      const head = await raw(s.url, 'HEAD', `/updates/stable/${path}`, { token: null });
      expect(head.status).toBe(200);
      expect(Number(head.headers['content-length'])).toBe(artifacts.get(path)?.length);
      expect(head.body.length).toBe(0);
    }
  });

  it('answers Range requests: one range, a suffix, several (multipart/byteranges) and 416', async () => {
    const path = '/updates/stable/1.0.0/Rowsmith-1.0.0.AppImage';
    const data = artifacts.get('1.0.0/Rowsmith-1.0.0.AppImage') as Buffer;
    const one = await raw(s.url, 'GET', path, { token: null, headers: { range: 'bytes=100-199' } });
    expect(one.status).toBe(206);
    expect(one.headers['content-range']).toBe(`bytes 100-199/${data.length}`);
    expect(one.body.equals(data.subarray(100, 200))).toBe(true);
    const suffix = await raw(s.url, 'GET', path, { token: null, headers: { range: 'bytes=-4' } });
    expect(suffix.body.equals(data.subarray(data.length - 4))).toBe(true);
    const multi = await raw(s.url, 'GET', path, {
      token: null,
      headers: { range: 'bytes=0-9, 50-59, 2990-' },
    });
    expect(multi.status).toBe(206);
    const boundary = /boundary=(\S+)/.exec(String(multi.headers['content-type']))?.[1];
    expect(Number(multi.headers['content-length'])).toBe(multi.body.length);
    const parts = multi.body.toString('latin1').split(`--${boundary}`).slice(1, -1);
    expect(parts).toHaveLength(3);
    expect(parts[1]).toContain(`Content-Range: bytes 50-59/${data.length}`);
    expect(
      Buffer.from(parts[1]?.split('\r\n\r\n')[1]?.replace(/\r\n$/, '') ?? '', 'latin1').equals(
        data.subarray(50, 60),
      ),
    ).toBe(true);
    const beyond = await raw(s.url, 'GET', path, {
      token: null,
      headers: { range: `bytes=${data.length}-` },
    });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${data.length}`);
  });

  it("electron-updater's differential downloader rebuilds a new version from changed blocks only", async () => {
    const block = 4_096;
    const old = randomBytes(block * 40);
    const next = Buffer.from(old);
    for (const i of [3, 4, 17, 30]) randomBytes(block).copy(next, i * block);
    const blockMap = (data: Buffer) => {
      const sizes: number[] = [];
      const checksums: string[] = [];
      for (let o = 0; o < data.length; o += block) {
        const chunk = data.subarray(o, o + block);
        sizes.push(chunk.length);
        checksums.push(createHash('sha256').update(chunk).digest('base64'));
      }
      return { version: '2' as const, files: [{ name: 'file', offset: 0, checksums, sizes }] };
    };
    expect((await upload('1.1.0', 'Rowsmith-1.1.0.AppImage', next)).status).toBe(201);
    await publish('1.1.0', { channel: 'stable' });
    const local = tempDir('rowsmith-diff-');
    try {
      writeFileSync(join(local.path, 'old'), old);
      const info = await provider(`${s.url}/updates/stable`, 'linux').getLatestVersion();
      expect(info.version).toBe('1.1.0');
      const [file] = provider(`${s.url}/updates/stable`, 'linux').resolveFiles(info);
      const downloader = new GenericDifferentialDownloader(file?.info as never, executor as never, {
        newUrl: file?.url as URL,
        oldFile: join(local.path, 'old'),
        newFile: join(local.path, 'new'),
        logger: quiet,
        isUseMultipleRangeRequest: true,
        requestHeaders: null,
        cancellationToken: new CancellationToken(),
      });
      await downloader.download(blockMap(old), blockMap(next));
      expect(readFileSync(join(local.path, 'new')).equals(next)).toBe(true);
    } finally {
      local.cleanup();
    }
  });

  it('reads the blockmap size an AppImage embeds (blockMapSize, for differential download)', async () => {
    const map = deflateRawSync(
      Buffer.from(
        JSON.stringify({ version: '2', files: [{ name: 'file', offset: 0, checksums: [], sizes: [] }] }),
      ),
    );
    const size = Buffer.alloc(4);
    size.writeUInt32BE(map.length);
    const image = Buffer.concat([randomBytes(5_000), map, size]);
    await release('1.2.0', 'stable', ['Rowsmith-1.2.0.AppImage', 'Rowsmith-Setup-1.2.0.exe']);
    await raw(s.url, 'PATCH', '/v1/admin/releases/1.2.0', {
      body: Buffer.from('{"pulled":true}'),
      headers: { 'content-type': 'application/json' },
    });
    expect((await upload('1.2.1', 'Rowsmith-1.2.1.AppImage', image)).status).toBe(201);
    const published = await release('1.2.1', 'stable', []);
    expect(published.files[0]).toMatchObject({ name: 'Rowsmith-1.2.1.AppImage', blockMapSize: map.length });
    const info = await provider(`${s.url}/updates/stable`, 'linux').getLatestVersion();
    expect(info.files[0]).toMatchObject({ url: '1.2.1/Rowsmith-1.2.1.AppImage', blockMapSize: map.length });
  });

  describe('channels', () => {
    it('a beta release is in the beta feed only; beta clients also see newer stable releases', async () => {
      await release('2.0.0-beta.1', 'beta', linux('2.0.0-beta.1'), { notes: 'Beta!' });
      expect((await provider(`${s.url}/updates/stable`, 'linux').getLatestVersion()).version).toBe('1.2.1');
      // The app's configuration (latest-linux.yml under /updates/beta) and a client whose own channel is beta.
      expect((await provider(`${s.url}/updates/beta`, 'linux').getLatestVersion()).version).toBe(
        '2.0.0-beta.1',
      );
      const asBeta = await provider(`${s.url}/updates/beta`, 'linux', { channel: 'beta' }).getLatestVersion();
      expect(asBeta).toMatchObject({ version: '2.0.0-beta.1', releaseNotes: 'Beta!' });
      expect((await raw(s.url, 'GET', '/updates/stable/beta-linux.yml')).status).toBe(404);
      // a beta's files are not under the stable feed
      expect(
        (await raw(s.url, 'GET', '/updates/stable/2.0.0-beta.1/Rowsmith-2.0.0-beta.1.AppImage')).status,
      ).toBe(404);
      expect(
        (await raw(s.url, 'GET', '/updates/beta/2.0.0-beta.1/Rowsmith-2.0.0-beta.1.AppImage')).status,
      ).toBe(200);

      await release('2.0.0', 'stable', linux('2.0.0'));
      expect((await provider(`${s.url}/updates/beta`, 'linux').getLatestVersion()).version).toBe('2.0.0');
      expect((await raw(s.url, 'GET', '/updates/beta/2.0.0/Rowsmith-2.0.0.AppImage')).status).toBe(200);
    });

    it('refuses a pre-release version on the stable channel, and unknown channels', async () => {
      await upload('2.1.0-rc.1', 'Rowsmith-2.1.0-rc.1.AppImage');
      const res = await publish('2.1.0-rc.1', { channel: 'stable' });
      expectError({ status: res.status, body: json(res) }, 400, 'invalid_request');
      expect(json(res).message).toMatch(/pre-release/);
      const nightly = await publish('2.1.0-rc.1', { channel: 'nightly' });
      expectError({ status: nightly.status, body: json(nightly) }, 400, 'invalid_request');
      expect((await raw(s.url, 'GET', '/updates/nightly/latest.yml')).status).toBe(404);
    });
  });

  describe('staged rollout', () => {
    it('puts stagingPercentage in the YAML; a client outside the rollout is offered the release before', async () => {
      await release('3.0.0', 'stable', linux('3.0.0'), { rolloutPercent: 20 });
      const anyone = await provider(`${s.url}/updates/stable`, 'linux').getLatestVersion();
      expect(anyone).toMatchObject({ version: '3.0.0', stagingPercentage: 20 });
      const inside = stagingId(true, 20);
      const outside = stagingId(false, 20);
      expect(
        (await provider(`${s.url}/updates/stable`, 'linux', { stagingId: inside }).getLatestVersion())
          .version,
      ).toBe('3.0.0');
      const out = await provider(`${s.url}/updates/stable`, 'linux', {
        stagingId: outside,
      }).getLatestVersion();
      expect(out.version).toBe('2.0.0');
      expect(out.stagingPercentage).toBeUndefined();

      const widened = await patch('3.0.0', { rolloutPercent: 100 });
      expect(json(widened).rolloutPercent).toBe(100);
      const all = await provider(`${s.url}/updates/stable`, 'linux', {
        stagingId: outside,
      }).getLatestVersion();
      expect(all.version).toBe('3.0.0');
      expect(all.stagingPercentage).toBeUndefined();
    });

    it('a pulled release leaves the feed and its files with it; it can be put back', async () => {
      expect(json(await patch('3.0.0', { pulled: true })).status).toBe('pulled');
      expect((await provider(`${s.url}/updates/stable`, 'linux').getLatestVersion()).version).toBe('2.0.0');
      expect((await raw(s.url, 'GET', '/updates/stable/3.0.0/Rowsmith-3.0.0.AppImage')).status).toBe(404);
      expect(json(await patch('3.0.0', { pulled: false })).status).toBe('published');
      expect((await provider(`${s.url}/updates/stable`, 'linux').getLatestVersion()).version).toBe('3.0.0');
      const invalid = await patch('3.0.0', { rolloutPercent: 0 });
      expectError({ status: invalid.status, body: json(invalid) }, 400, 'invalid_request');
      const nothing = await patch('3.0.0', {});
      expectError({ status: nothing.status, body: json(nothing) }, 400, 'invalid_request');
    });
  });

  describe('admin API', () => {
    it('refuses every release route without the admin token', async () => {
      const org = await s.org();
      const deviceToken = org.device.token as string;
      for (const token of [null, 'wrong', deviceToken]) {
        const calls = [
          raw(s.url, 'PUT', '/v1/admin/releases/9.0.0/files/Rowsmith-9.0.0.AppImage', {
            token,
            body: Buffer.from('x'),
          }),
          raw(s.url, 'POST', '/v1/admin/releases/1.0.0/publish', {
            token,
            body: Buffer.from('{"channel":"stable"}'),
            headers: { 'content-type': 'application/json' },
          }),
          raw(s.url, 'PATCH', '/v1/admin/releases/1.0.0', {
            token,
            body: Buffer.from('{"pulled":true}'),
            headers: { 'content-type': 'application/json' },
          }),
          raw(s.url, 'GET', '/v1/admin/releases', { token }),
        ];
        for (const res of await Promise.all(calls))
          expectError({ status: res.status, body: json(res) }, 401, 'unauthorized');
      }
      expect(existsSync(join(dir.path, '9.0.0'))).toBe(false);
      expect(json(await raw(s.url, 'GET', '/v1/admin/releases/1.0.0')).status).toBe('published');
    });

    it('refuses path traversal and names that are not update artifacts', async () => {
      const bad = [
        '/v1/admin/releases/4.0.0/files/..%2F..%2Fevil.exe',
        '/v1/admin/releases/4.0.0/files/%2E%2E',
        '/v1/admin/releases/4.0.0/files/a%5C..%5Cevil.exe',
        '/v1/admin/releases/4.0.0/files/.hidden.exe',
        '/v1/admin/releases/4.0.0/files/latest.yml',
        '/v1/admin/releases/4.0.0/files/notes.txt',
        '/v1/admin/releases/..%2F..%2Ftmp/files/Rowsmith.exe',
        '/v1/admin/releases/4.0/files/Rowsmith-4.0.exe',
        '/v1/admin/releases/v4.0.0/files/Rowsmith-4.0.0.exe',
      ];
      for (const path of bad) {
        const res = await raw(s.url, 'PUT', path, { body: Buffer.from('MZ') });
        expect(res.status, path).toBe(400);
        expect(json(res).error).toBe('invalid_request');
      }
      for (const path of [
        '/updates/stable/1.0.0/..%2F..%2Flicensing.sqlite',
        '/updates/stable/..%2F1.0.0/Rowsmith-1.0.0.AppImage',
        '/updates/stable/1.0.0/../../etc/passwd',
      ]) {
        expect((await raw(s.url, 'GET', path, { token: null })).status, path).toBe(404);
      }
      expect(readdirSync(dir.path).sort()).not.toContain('evil.exe');
    });

    it('refuses a file over the size limit, and keeps nothing of it', async () => {
      const res = await raw(s.url, 'PUT', '/v1/admin/releases/4.0.0/files/Rowsmith-4.0.0.AppImage', {
        body: randomBytes(1_000_001),
      });
      expectError({ status: res.status, body: json(res) }, 413, 'payload_too_large');
      expect(existsSync(join(dir.path, '4.0.0', 'Rowsmith-4.0.0.AppImage'))).toBe(false);
      expect(readdirSync(join(dir.path, '.incoming'))).toEqual([]);
    });

    it('refuses a body that is not application/octet-stream, and an empty file', async () => {
      const asJson = await raw(s.url, 'PUT', '/v1/admin/releases/4.0.0/files/Rowsmith-4.0.0.AppImage', {
        body: Buffer.from('{}'),
        headers: { 'content-type': 'application/json' },
      });
      expect(asJson.status).toBe(415);
      const empty = await raw(s.url, 'PUT', '/v1/admin/releases/4.0.0/files/Rowsmith-4.0.0.AppImage', {
        body: Buffer.alloc(0),
      });
      expect(empty.status).toBe(400);
    });

    it('a published release is immutable: no new files, no second publish; a draft needs an installer', async () => {
      const res = await upload('1.0.0', 'Rowsmith-1.0.0.AppImage');
      expectError({ status: res.status, body: json(res) }, 409, 'release_conflict');
      artifacts.delete('1.0.0/Rowsmith-1.0.0.AppImage');
      const again = await publish('1.0.0', { channel: 'stable' });
      expectError({ status: again.status, body: json(again) }, 409, 'release_conflict');
      await upload('5.0.0', 'Rowsmith-5.0.0.AppImage.blockmap');
      const noInstaller = await publish('5.0.0', { channel: 'stable' });
      expectError({ status: noInstaller.status, body: json(noInstaller) }, 400, 'invalid_request');
      const missing = await publish('6.0.0', { channel: 'stable' });
      expectError({ status: missing.status, body: json(missing) }, 404, 'not_found');
      const draft = await patch('5.0.0', { rolloutPercent: 50 });
      expectError({ status: draft.status, body: json(draft) }, 409, 'release_conflict');
    });

    it('lists releases newest first, with per-file sizes and SHA-512s computed by the server', async () => {
      const list = json(await raw(s.url, 'GET', '/v1/admin/releases'));
      const versions = list.items.map((r: { version: string }) => r.version);
      // drafts too (4.0.0 is the draft the refused uploads left), newest first
      expect(versions.slice(0, 2)).toEqual(['5.0.0', '4.0.0']);
      const first = list.items.find((r: { version: string }) => r.version === '1.0.0');
      const deb = first.files.find((f: { name: string }) => f.name === 'rowsmith_1.0.0_amd64.deb');
      const local = artifacts.get('1.0.0/rowsmith_1.0.0_amd64.deb') as Buffer;
      expect(deb).toMatchObject({
        platform: 'linux',
        arch: 'x64',
        size: local.length,
        sha512: sha512(local),
      });
      expect(first).toMatchObject({ status: 'published', channel: 'stable', rolloutPercent: 100 });
      expect([...versions].sort(compareSemver).reverse()).toEqual(versions);
    });
  });
});
