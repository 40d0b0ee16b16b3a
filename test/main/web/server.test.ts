import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileRef } from '@shared/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileRegistry } from '../../../src/main/files/file-registry';
import { EventBus } from '../../../src/main/ipc/event-bus';
import { startWebShell, type WebShell } from '../../../src/main/web/server';
import { collect, fakeHandlers, send } from './helpers';

const INDEX_HTML =
  '<!doctype html><html><body><div id="root"></div><script src="/assets/app.js"></script></body></html>';

let root: string;
let staticDir: string;
let uploadsDir: string;
let events: EventBus;
let files: FileRegistry;
let shell: WebShell;
let auth: { authorization: string };

async function start(extra: { maxUploadBytes?: number } = {}): Promise<void> {
  shell = await startWebShell({ handlers: fakeHandlers(), events, files, staticDir, uploadsDir, ...extra });
  auth = { authorization: `Bearer ${shell.token}` };
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'rowsmith-web-'));
  staticDir = join(root, 'static');
  uploadsDir = join(root, 'uploads');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), INDEX_HTML);
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log("app")');
  await writeFile(join(staticDir, '.env'), 'SECRET=1');
  await writeFile(join(root, 'secret.txt'), 'TOP SECRET');
  await symlink(join(root, 'secret.txt'), join(staticDir, 'assets', 'leak.txt'));
  events = new EventBus();
  files = new FileRegistry();
  await start();
});

afterEach(async () => {
  await shell.close();
  await rm(root, { recursive: true, force: true });
});

const invoke = (channel: string, input: unknown, headers: Record<string, string> = {}) =>
  send(shell.port, {
    method: 'POST',
    path: `/api/invoke/${channel}`,
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });

describe('startWebShell: address and token', () => {
  it('listens on 127.0.0.1 with a random port and a 32-byte token in the URL', () => {
    expect(shell.port).toBeGreaterThan(0);
    expect(shell.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/?token=${shell.token}`);
  });

  it('refuses requests without the token, or with a wrong one, with 401 and no data', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: shell.token }]) {
      const api = await send(shell.port, {
        method: 'POST',
        path: '/api/invoke/app/info',
        headers,
        body: '{}',
      });
      expect(api.status).toBe(401);
      expect(api.text).not.toContain('9.9.9');
      const page = await send(shell.port, { path: '/', headers });
      expect(page.status).toBe(401);
      expect(page.text).not.toContain('root');
    }
    expect((await send(shell.port, { path: '/?token=nope' })).status).toBe(401);
  });

  it('refuses a foreign Host (DNS rebinding) with 403, even with the token', async () => {
    for (const host of [
      `evil.example:${shell.port}`,
      '127.0.0.1',
      `127.0.0.1:${shell.port + 1}`,
      `localhost.evil:${shell.port}`,
    ]) {
      const res = await send(shell.port, { path: '/api/invoke/app/info', headers: { ...auth, host } });
      expect(res.status).toBe(403);
    }
    const ok = await invoke('app/info', {}, { host: `localhost:${shell.port}` });
    expect(ok.status).toBe(200);
  });

  it('refuses foreign origins and cross-site requests with 403', async () => {
    const refused: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: `http://127.0.0.1:${shell.port + 1}` },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of refused) {
      expect((await invoke('app/info', {}, headers)).status).toBe(403);
    }
    expect(
      (
        await invoke(
          'app/info',
          {},
          { origin: `http://127.0.0.1:${shell.port}`, 'sec-fetch-site': 'same-origin' },
        )
      ).status,
    ).toBe(200);
    expect((await invoke('app/info', {}, { origin: `http://localhost:${shell.port}` })).status).toBe(200);
  });

  it('sets an HttpOnly SameSite=Strict cookie on the first page load, which opens assets but not the API', async () => {
    const page = await send(shell.port, {
      path: `/?token=${shell.token}`,
      headers: { 'sec-fetch-site': 'none' },
    });
    expect(page.status).toBe(200);
    const setCookie = page.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/^rowsmith_token=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    // The cookie is derived from the token, never the token itself.
    expect(setCookie).not.toContain(shell.token);
    const cookie = setCookie.split(';')[0] as string;

    const asset = await send(shell.port, { path: '/assets/app.js', headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await send(shell.port, { path: '/assets/app.js' })).status).toBe(401);
    const api = await send(shell.port, {
      method: 'POST',
      path: '/api/invoke/app/info',
      headers: { cookie },
      body: '{}',
    });
    expect(api.status).toBe(401);
  });
});

describe('POST /api/invoke/<channel>', () => {
  it('runs the handler and returns its output as JSON', async () => {
    const res = await invoke('tables/get', { tableId: 7 });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({ id: 7, name: 'Companies', kind: 'companies', rowCount: 3, columns: [] });
    const empty = await send(shell.port, {
      method: 'POST',
      path: '/api/invoke/app/info',
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expect(empty.json()).toMatchObject({ version: '9.9.9', shell: 'web' });
  });

  it('maps failures to statuses with { error: { name, code, message } }', async () => {
    const invalid = await invoke('tables/get', { tableId: 'seven' });
    expect(invalid.status).toBe(400);
    expect(invalid.json()).toEqual({
      error: { name: 'AppError', code: 'invalid_input', message: expect.stringContaining('tables/get') },
    });

    const unknown = await invoke('nope/never', {});
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'unknown_channel' } });

    const busy = await invoke('jobs/cancel', { jobId: 'j1' });
    expect(busy.status).toBe(409);
    expect(busy.json()).toEqual({
      error: { name: 'AppError', code: 'busy', message: 'That job is finishing.' },
    });

    const missing = await invoke('tables/list', {});
    expect(missing.status).toBe(501);
    expect(missing.json()).toMatchObject({ error: { code: 'not_available' } });
  });

  it('answers an unexpected error with 500 and never a stack trace', async () => {
    const res = await invoke('tables/delete', { tableId: 1 });
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({
      error: { name: 'AppError', code: 'internal', message: 'SQLITE_IOERR: disk I/O error' },
    });
    expect(res.text).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('rejects bad JSON (400), other content types (415), GET (405) and bodies over 16 MiB (413)', async () => {
    const badJson = await send(shell.port, {
      method: 'POST',
      path: '/api/invoke/app/info',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"oops',
    });
    expect(badJson.status).toBe(400);
    expect(badJson.json()).toMatchObject({ error: { code: 'invalid_input' } });

    const form = await send(shell.port, {
      method: 'POST',
      path: '/api/invoke/app/info',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(415);

    expect((await send(shell.port, { path: '/api/invoke/app/info', headers: auth })).status).toBe(405);

    const huge = await invoke('app/info', { pad: 'x'.repeat(16 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.json()).toMatchObject({ error: { code: 'file_too_large' } });
  });
});

describe('GET /api/events', () => {
  it('streams every bus event as server-sent events, and stops listening on disconnect', async () => {
    const seen: string[] = [];
    const req = httpRequest({
      host: '127.0.0.1',
      port: shell.port,
      path: '/api/events',
      headers: { host: `127.0.0.1:${shell.port}`, ...auth },
    });
    const res = await new Promise<import('node:http').IncomingMessage>((resolve) => {
      req.on('response', resolve);
      req.end();
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => seen.push(chunk));
    await vi.waitFor(() => expect(seen.join('')).toContain(': connected'));

    events.emit('tables/changed', { tableId: 4, what: 'rows' });
    events.emit('job/progress', {
      jobId: 'j1',
      kind: 'export',
      phase: 'writing',
      processed: 10,
      total: 100,
      unit: 'rows',
      rows: 10,
      etaMs: null,
    });
    await vi.waitFor(() => expect(seen.join('')).toContain('event: job/progress'));
    const text = seen.join('');
    expect(text).toContain('event: tables/changed\ndata: {"tableId":4,"what":"rows"}\n\n');
    expect(text).toMatch(/event: job\/progress\ndata: \{"jobId":"j1".*\}\n\n/);

    const listeners = (events as unknown as { listeners: Set<unknown> }).listeners;
    expect(listeners.size).toBe(1);
    req.destroy();
    await vi.waitFor(() => expect(listeners.size).toBe(0));
  });

  it('needs the Bearer token', async () => {
    expect((await send(shell.port, { path: '/api/events' })).status).toBe(401);
  });
});

describe('POST /api/upload', () => {
  it('streams the body to a new file, registers it for import, and never uses the given name as a path', async () => {
    const content = 'name,domain\nAcme,acme.example\n'.repeat(10_000);
    const res = await send(shell.port, {
      method: 'POST',
      path: `/api/upload?name=${encodeURIComponent('../../etc/Zoë list.CSV')}`,
      headers: { ...auth, 'content-type': 'text/csv' },
      body: content,
    });
    expect(res.status).toBe(200);
    const ref = res.json() as FileRef;
    expect(ref).toEqual({
      fileId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      name: 'Zoë list.CSV',
      size: content.length,
    });

    const registered = files.get(ref.fileId, 'import');
    expect(registered.temporary).toBe(true);
    expect(registered.path.startsWith(`${uploadsDir}/`)).toBe(true);
    expect(registered.path).toMatch(/\/[0-9a-f]{32}\.csv$/);
    expect(await readFile(registered.path, 'utf8')).toBe(content);
    expect(await readdir(root)).toEqual(expect.arrayContaining(['static', 'uploads', 'secret.txt']));
    expect(await readdir(root)).toHaveLength(3);
  });

  it('rejects a declared size over the limit with 413 before writing anything', async () => {
    await shell.close();
    await start({ maxUploadBytes: 1024 });
    const res = await send(shell.port, {
      method: 'POST',
      path: '/api/upload?name=big.csv',
      headers: auth,
      body: Buffer.alloc(4096, 0x61),
    });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'file_too_large' } });
    expect(await readdir(uploadsDir)).toEqual([]);
  });

  it('stops a streamed upload that grows past the limit with 413 and deletes the partial file', async () => {
    await shell.close();
    await start({ maxUploadBytes: 64 * 1024 });
    const req = httpRequest({
      host: '127.0.0.1',
      port: shell.port,
      method: 'POST',
      path: '/api/upload?name=big.csv',
      headers: { host: `127.0.0.1:${shell.port}`, ...auth, 'transfer-encoding': 'chunked' },
    });
    req.on('error', () => undefined);
    const response = new Promise<import('node:http').IncomingMessage>((resolve) =>
      req.on('response', resolve),
    );
    for (let i = 0; i < 8; i++) req.write(Buffer.alloc(16 * 1024, 0x62));
    req.end();
    const res = await collect(await response);
    expect(res.status).toBe(413);
    await vi.waitFor(async () => expect(await readdir(uploadsDir)).toEqual([]));
  });

  it('deletes the partial file when the client goes away mid-upload', async () => {
    const req = httpRequest({
      host: '127.0.0.1',
      port: shell.port,
      method: 'POST',
      path: '/api/upload?name=part.csv',
      headers: { host: `127.0.0.1:${shell.port}`, ...auth, 'transfer-encoding': 'chunked' },
    });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(32 * 1024, 0x63));
    await vi.waitFor(async () => expect(await readdir(uploadsDir)).toHaveLength(1));
    req.destroy();
    await vi.waitFor(async () => expect(await readdir(uploadsDir)).toEqual([]));
    expect(() => files.get('anything1', 'import')).toThrow();
  });
});

describe('GET /api/download/<id>', () => {
  it('serves a registered download as an attachment with a safe, RFC 5987 file name', async () => {
    const path = join(root, 'export.csv');
    await writeFile(path, '\uFEFFname\r\nAcme\r\n');
    const file = files.register(path, 'download', { name: 'Zoë "Q3"; report\r\n.csv', temporary: true });

    const res = await send(shell.port, { path: `/api/download/${file.fileId}`, headers: auth });
    expect(res.status).toBe(200);
    expect(res.text).toBe('\uFEFFname\r\nAcme\r\n');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="Zoe _Q3__ report__.csv"; filename*=UTF-8''Zo%C3%AB%20%22Q3%22%3B%20report__.csv`,
    );
    expect(res.headers['cache-control']).toBe('no-store');

    // A download link in the page carries only the cookie.
    const page = await send(shell.port, { path: `/?token=${shell.token}` });
    const cookie = (page.headers['set-cookie']?.[0] ?? '').split(';')[0] as string;
    expect(
      (await send(shell.port, { path: `/api/download/${file.fileId}`, headers: { cookie } })).status,
    ).toBe(200);
    expect((await send(shell.port, { path: `/api/download/${file.fileId}` })).status).toBe(401);
  });

  it('answers 404 for unknown ids and for files registered for another purpose', async () => {
    const path = join(root, 'upload.csv');
    await writeFile(path, 'x');
    const imported = files.register(path, 'import');
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', imported.fileId, '..%2F..%2Fsecret.txt']) {
      const res = await send(shell.port, { path: `/api/download/${id}`, headers: auth });
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });
});

describe('static files', () => {
  it('serves index.html for / with a strict CSP and security headers', async () => {
    const res = await send(shell.port, { path: '/', headers: auth });
    expect(res.status).toBe(200);
    expect(res.text).toBe(INDEX_HTML);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const csp = res.headers['content-security-policy'] as string;
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp.split('; ')).toContain(directive);
    }
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const permissions = (res.headers['permissions-policy'] as string).split(', ');
    for (const feature of ['camera=()', 'microphone=()', 'geolocation=()'])
      expect(permissions).toContain(feature);
  });

  it('falls back to index.html for app routes, and 404s for missing assets and dotfiles', async () => {
    expect((await send(shell.port, { path: '/tables/3', headers: auth })).text).toBe(INDEX_HTML);
    expect((await send(shell.port, { path: '/assets/missing.js', headers: auth })).status).toBe(404);
    expect((await send(shell.port, { path: '/.env', headers: auth })).status).toBe(404);
  });

  it('never serves a file outside the static folder, however the path is spelled', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/..%2F..%2Fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5C..%5Csecret.txt',
      '/%252e%252e/secret.txt',
      '/assets/leak.txt',
      '/%00/index.html',
      '//../secret.txt',
    ]) {
      const res = await send(shell.port, { path, headers: auth });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.text, path).not.toContain('TOP SECRET');
    }
  });

  it('answers only GET and HEAD', async () => {
    const head = await send(shell.port, { method: 'HEAD', path: '/assets/app.js', headers: auth });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('18');
    expect(head.body.length).toBe(0);
    expect((await send(shell.port, { method: 'DELETE', path: '/', headers: auth })).status).toBe(405);
  });
});

describe('close()', () => {
  it('ends open event streams and stops listening', async () => {
    const req = httpRequest({
      host: '127.0.0.1',
      port: shell.port,
      path: '/api/events',
      headers: { host: `127.0.0.1:${shell.port}`, ...auth },
    });
    const res = await new Promise<import('node:http').IncomingMessage>((resolve) => {
      req.on('response', resolve);
      req.end();
    });
    const ended = new Promise<void>((resolve) => res.on('close', () => resolve()));
    res.resume();
    const port = shell.port;
    await shell.close();
    await ended;
    await expect(send(port, { path: '/', headers: auth })).rejects.toThrow(/ECONNREFUSED/);
    await start();
  });
});
