// What the real page and the real loopback web shell refuse, in Chromium and over HTTP:
// - cell values are text: markup and scripts imported into cells are shown, never run;
// - the page's CSP stops injected inline scripts and eval, requests to other origins
//   (fetch, images, frames), and a <webview> is an inert element that loads nothing;
// - window.open to a foreign site leaves the app where it is, and the popup cannot reach
//   back into it (no opener);
// - a link in a cell neither navigates the page nor opens a window: it goes to
//   shell/open-external, which refuses everything but plain http(s);
// - camera, microphone and geolocation stay refused by the page's Permissions-Policy,
//   even where the browser has been told to grant them;
// - the web shell answers nobody without its token, no foreign Host (DNS rebinding) and
//   no foreign Origin — not even a real page on another origin that knows the token.
// A "foreign" site is a loopback server on another port that counts every request.
import { writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cell, columnId, expectRowCount, openTable } from './grid';
import { cli, type E2eApp, startE2eApp } from './harness';

const PAYLOADS = [
  `<img src=x onerror="window.__pwned='img'">`,
  `<script>window.__pwned='script'</script>`,
  `"><svg onload="window.__pwned='svg'">`,
  `javascript:window.__pwned='link'`,
];

/**
 * Runs a function in the page. Its source is a string: this file is compiled for Node,
 * without the DOM's types, and the function only ever runs in Chromium.
 */
function inPage<T = unknown>(page: Page, source: string, arg?: unknown): Promise<T> {
  return page.evaluate(`(${source})(${JSON.stringify(arg ?? null)})`) as Promise<T>;
}

/**
 * Page source: collects the CSP violations the page reports, and waits (at most 5 s) until
 * every directive named has been reported: a refused request is a violation event, so the
 * test waits for it instead of guessing how long a load would have taken.
 */
const VIOLATIONS = `(() => {
  const seen = [];
  document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
  const until = (wanted) =>
    new Promise((resolve) => {
      const started = Date.now();
      const check = () =>
        wanted.every((d) => seen.includes(d)) || Date.now() - started > 5000
          ? resolve([...new Set(seen)].sort())
          : setTimeout(check, 10);
      check();
    });
  return { until };
})()`;

interface Foreign {
  url: string;
  port: number;
  hits: string[];
  close(): Promise<void>;
}

/** Another origin: answers every request with a small page, and remembers the paths asked for. */
async function startForeign(page: (path: string) => string): Promise<Foreign> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '/');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(req.url ?? '/'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Raw HTTP to the web shell, with exactly the Host and other headers given. */
function send(
  port: number,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('security', () => {
  let app: E2eApp;
  let foreign: Foreign;
  let token: string;
  let port: number;

  beforeAll(async () => {
    foreign = await startForeign(() => '<!doctype html><title>Elsewhere</title><p>foreign page</p>');
    app = await startE2eApp((workbook) => {
      const file = join(dirname(workbook), 'payloads.csv');
      const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
      writeFileSync(file, `Name,Note\n${PAYLOADS.map((p, i) => `${quote(p)},row ${i}`).join('\n')}\n`);
      cli(workbook, ['import', file, '--table', 'Payloads']);
      const links = join(dirname(workbook), 'links.csv');
      writeFileSync(links, `Website\n${foreign.url}/site\n`);
      cli(workbook, ['import', links, '--table', 'Links']);
    });
    const url = new URL(app.url);
    token = url.searchParams.get('token') as string;
    port = Number(url.port);
    expect(token.length).toBeGreaterThan(20);
  });
  afterAll(async () => {
    await app?.close();
    await foreign?.close();
  });

  /** Calls one channel of the web shell's API as the app's own page would. */
  const invoke = (channel: string, input: unknown) =>
    send(
      port,
      `/api/invoke/${channel}`,
      { host: `127.0.0.1:${port}`, 'content-type': 'application/json', authorization: `Bearer ${token}` },
      JSON.stringify(input),
    );

  it('shows markup and scripts in cells as text and never runs them', async () => {
    const { page } = app;
    await openTable(page, 'Payloads');
    await expectRowCount(page, PAYLOADS.length);
    const name = await columnId(page, 'Name');
    for (const [i, payload] of PAYLOADS.entries()) {
      await expect.poll(() => cell(page, i, name).textContent()).toBe(payload);
    }
    const injected = await inPage<{ pwned: string | null; elements: number; links: (string | null)[] }>(
      page,
      `() => ({
        pwned: window.__pwned ?? null,
        elements: document.querySelectorAll('.ag-cell img, .ag-cell script, .ag-cell svg[onload]').length,
        links: [...document.querySelectorAll('.ag-cell a')].map((a) => a.getAttribute('href')),
      })`,
    );
    expect(injected.pwned).toBeNull();
    expect(injected.elements).toBe(0);
    expect(injected.links.filter((href) => href?.toLowerCase().startsWith('javascript:'))).toEqual([]);
  });

  // (eval cannot be tested from here: code evaluated through the DevTools protocol is exempt
  // from the page's CSP; that script-src is exactly 'self' is checked in test/main/web/server.test.ts.)
  it('the CSP stops injected inline scripts and inline event handlers', async () => {
    const result = await inPage<{ inline: string | null; reported: string[] }>(
      app.page,
      `async () => {
        const violations = ${VIOLATIONS};
        const script = document.createElement('script');
        script.textContent = "window.__inline = 'ran'";
        document.body.append(script);
        const handler = document.createElement('div');
        handler.setAttribute('onclick', "window.__inline = 'handler'");
        document.body.append(handler);
        handler.click();
        const reported = await violations.until(['script-src-attr', 'script-src-elem']);
        return { inline: window.__inline ?? null, reported };
      }`,
    );
    expect(result.inline).toBeNull();
    expect(result.reported).toEqual(expect.arrayContaining(['script-src-attr', 'script-src-elem']));
  });

  it('the CSP stops requests to other origins: fetch, images and frames', async () => {
    const before = foreign.hits.length;
    const result = await inPage(
      app.page,
      `async (target) => {
        const violations = ${VIOLATIONS};
        const fetched = await fetch(target + '/fetch').then(() => 'answered', () => 'refused');
        const img = document.createElement('img');
        img.src = target + '/image.png';
        const imgDone = new Promise((resolve) => {
          img.onerror = () => resolve('refused');
          img.onload = () => resolve('loaded');
        });
        document.body.append(img);
        const frame = document.createElement('iframe');
        frame.src = target + '/frame';
        document.body.append(frame);
        const image = await imgDone;
        const reported = await violations.until(['connect-src', 'frame-src', 'img-src']);
        return { fetched, image, reported };
      }`,
      foreign.url,
    );
    expect(result).toEqual({
      fetched: 'refused',
      image: 'refused',
      reported: ['connect-src', 'frame-src', 'img-src'],
    });
    expect(foreign.hits.slice(before)).toEqual([]);
  });

  it('a <webview> is an inert element that loads nothing', async () => {
    const before = foreign.hits.length;
    const frames = app.page.frames().length;
    // A plain element: no src behaviour, no guest contents, nothing to attach.
    const webview = await inPage(
      app.page,
      `async (target) => {
        const element = document.createElement('webview');
        element.setAttribute('src', target + '/webview');
        element.setAttribute('nodeintegration', '');
        document.body.append(element);
        // Nothing reports a load that never starts: allow the time a guest page would need.
        await new Promise((resolve) => setTimeout(resolve, 300));
        return {
          type: element.constructor.name,
          hasSrc: 'src' in element,
          hasWebContents: 'getWebContentsId' in element,
        };
      }`,
      foreign.url,
    );
    expect(webview).toEqual({ type: 'HTMLElement', hasSrc: false, hasWebContents: false });
    expect(app.page.frames().length).toBe(frames);
    expect(foreign.hits.slice(before)).toEqual([]);
  });

  it('window.open to a foreign site leaves the app in place, and the popup has no way back in', async () => {
    const { page } = app;
    const appUrl = page.url();
    const popupOpened = page.context().waitForEvent('page');
    const handle = await inPage(
      page,
      `(target) => (window.open(target + '/popup') === null ? 'blocked' : 'opened')`,
      foreign.url,
    );
    const popup = await popupOpened;
    await popup.waitForLoadState();
    // Cross-Origin-Opener-Policy: same-origin puts the foreign page in its own browsing context group.
    expect(await inPage(popup, '() => window.opener')).toBeNull();
    await popup.close();
    expect(handle).toBe('opened');
    expect(page.url()).toBe(appUrl);
    await page.getByTestId('app-ready').waitFor();
  });

  it('a link in a cell goes to shell/open-external: the page stays, no window opens, nothing loads', async () => {
    const { page } = app;
    await openTable(page, 'Links');
    const website = await columnId(page, 'Website');
    const typed = await invoke('columns/update', { columnId: Number(website.slice(1)), type: 'url' });
    expect(typed.status).toBe(200);
    const target = `${foreign.url}/site`;
    const link = cell(page, 0, website).locator('a.cell-link');
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(target);

    const appUrl = page.url();
    const pages = page.context().pages().length;
    const before = foreign.hits.length;
    // The browser's own ways to follow a link elsewhere: middle click, Ctrl+click, click.
    await link.click({ button: 'middle' });
    for (const modifiers of [['Control'], []] as const) {
      const asked = page.waitForRequest((r) => r.url().endsWith('/api/invoke/shell/open-external'));
      await link.click({ modifiers: [...modifiers] });
      expect((await asked).postDataJSON()).toEqual({ url: target });
    }
    // The web shell has no browser of its own to hand the link to, and says so.
    await expect.poll(() => page.getByTestId('toasts').textContent()).toContain(`Could not open ${target}`);
    expect(page.url()).toBe(appUrl);
    expect(page.context().pages().length).toBe(pages);
    expect(foreign.hits.slice(before)).toEqual([]);
  });

  it('shell/open-external refuses every link that is not plain http(s)', async () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'mailto:someone@example.com',
      'smb://fileserver/share',
      `http://user:secret@127.0.0.1:${foreign.port}/site`,
    ]) {
      const refused = await invoke('shell/open-external', { url });
      expect({ url, status: refused.status }).toEqual({ url, status: 403 });
      expect((JSON.parse(refused.text) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    const before = foreign.hits.length;
    const plain = await invoke('shell/open-external', { url: `${foreign.url}/site` });
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.text)).toEqual({ opened: false });
    expect(foreign.hits.slice(before)).toEqual([]);
  });

  it('camera, microphone and geolocation stay refused, even where the browser would grant them', async () => {
    const context = app.page.context();
    // As if the user had once allowed them for this address: the page's own policy still says no.
    await context.grantPermissions(['geolocation', 'camera', 'microphone'], {
      origin: new URL(app.url).origin,
    });
    try {
      const asked = await inPage(
        app.page,
        `async () => {
          const allowed = ['geolocation', 'camera', 'microphone'].filter((f) =>
            document.featurePolicy.allowsFeature(f),
          );
          const position = await new Promise((resolve) =>
            navigator.geolocation.getCurrentPosition(
              () => resolve('given'),
              (e) => resolve(e.code === e.PERMISSION_DENIED ? 'denied' : 'error ' + e.code),
              { timeout: 10000 },
            ),
          );
          const media = await navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then(
            (stream) => {
              for (const track of stream.getTracks()) track.stop();
              return 'given';
            },
            (e) => e.name,
          );
          return { allowed, position, media };
        }`,
      );
      expect(asked).toEqual({
        allowed: [],
        position: 'denied',
        media: 'NotAllowedError',
      });
    } finally {
      await context.clearPermissions();
    }
  });

  it('the web shell answers nobody without its token, on a foreign Host or from a foreign Origin', async () => {
    const host = `127.0.0.1:${port}`;
    const body = '{}';
    const json = { host, 'content-type': 'application/json' };
    const bearer = { ...json, authorization: `Bearer ${token}` };
    const invoke = '/api/invoke/tables/list';

    expect((await send(port, invoke, bearer, body)).status).toBe(200);
    expect((await send(port, invoke, json, body)).status).toBe(401);
    expect((await send(port, invoke, { ...json, authorization: 'Bearer wrong' }, body)).status).toBe(401);
    // The token in the address opens the page, never the API.
    expect((await send(port, `${invoke}?token=${token}`, json, body)).status).toBe(401);
    expect((await send(port, '/', { host })).status).toBe(401);
    // DNS rebinding: a name that resolved to 127.0.0.1 still carries its own Host.
    for (const rebound of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1:${port + 1}`]) {
      const refused = await send(port, invoke, { ...bearer, host: rebound }, body);
      expect(refused.status).toBe(403);
      expect((await send(port, `/?token=${token}`, { host: rebound })).status).toBe(403);
    }
    for (const origin of [
      'http://attacker.example',
      foreign.url,
      `http://127.0.0.1:${port}.attacker.example`,
    ]) {
      expect((await send(port, invoke, { ...bearer, origin }, body)).status).toBe(403);
    }
    expect((await send(port, invoke, { ...bearer, 'sec-fetch-site': 'cross-site' }, body)).status).toBe(403);
    expect((await send(port, invoke, { ...bearer, 'sec-fetch-site': 'same-site' }, body)).status).toBe(403);
  });

  it('a real page on another origin cannot change the workbook, even knowing the token', async () => {
    const page = await app.page.context().newPage();
    await page.goto(`${foreign.url}/attack`);
    const attempts = await page.evaluate(
      async ({ appOrigin, token }) => {
        const create = (init: RequestInit, query = '') =>
          fetch(`${appOrigin}/api/invoke/tables/create${query}`, { method: 'POST', ...init }).then(
            (r) => (r.type === 'opaque' ? 'opaque' : String(r.status)),
            () => 'refused',
          );
        return [
          // A "simple" request needs no preflight: it reaches the server, which must refuse it
          // (the browser then also withholds the answer: Cross-Origin-Resource-Policy).
          await create({
            mode: 'no-cors',
            headers: { 'content-type': 'text/plain' },
            body: '{"name":"CSRF"}',
          }),
          await create(
            { mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"name":"CSRF"}' },
            `?token=${token}`,
          ),
          await create({
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: '{"name":"CSRF"}',
          }),
        ];
      },
      { appOrigin: new URL(app.url).origin, token },
    );
    await page.close();
    // None got an answer the page could read, and none changed the workbook.
    expect(attempts.every((a) => a === 'refused' || a === 'opaque')).toBe(true);
    const tables = await send(
      port,
      '/api/invoke/tables/list',
      { host: `127.0.0.1:${port}`, 'content-type': 'application/json', authorization: `Bearer ${token}` },
      '{}',
    );
    expect((JSON.parse(tables.text) as { name: string }[]).map((t) => t.name)).not.toContain('CSRF');
  });
});
