// The webContents and session guards, driven the way Electron drives them: events with
// preventDefault emitted on an EventEmitter shaped like a WebContents (both the Electron
// ≥ 25 form with the URL on the event and the older (event, url) form), the window-open
// handler called with { url }, and permission handlers called with a callback.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  externalLinkTarget,
  type GuardedSession,
  guardSession,
  guardWebContents,
  isTrustedSender,
  ownPages,
} from '../../../src/main/shell/guards';

const RENDERER = join('/opt/Rowsmith/resources/app.asar/out/renderer');
const INDEX = pathToFileURL(join(RENDERER, 'index.html')).href;

class ElectronEvent {
  defaultPrevented = false;
  constructor(readonly url?: string) {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

class FakeWebContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  /** Emits like Electron 45: the URL on the event and, deprecated, as the next argument. */
  navigate(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', url: string): boolean {
    const e = new ElectronEvent(url);
    this.emit(event, e, url);
    return e.defaultPrevented;
  }
}

function guarded(isOwnPage = ownPages(undefined, RENDERER)) {
  const contents = new FakeWebContents();
  const opened: string[] = [];
  const refused: string[] = [];
  guardWebContents(contents, {
    isOwnPage,
    openExternal: async (url) => {
      opened.push(url);
    },
    onRefused: (what, url) => refused.push(`${what} ${url}`),
  });
  return { contents, opened, refused };
}

describe('navigation', () => {
  it('lets the app move between its own bundled pages', () => {
    const { contents } = guarded();
    expect(contents.navigate('will-navigate', INDEX)).toBe(false);
    expect(contents.navigate('will-navigate', `${INDEX}#/table/3`)).toBe(false);
  });

  it.each([
    'https://evil.example/phish',
    'http://127.0.0.1:9999/',
    'file:///etc/passwd',
    pathToFileURL('/opt/Rowsmith/resources/app.asar/out/secrets.html').href,
    `${pathToFileURL(RENDERER).href}/../../main/index.js`,
    `${pathToFileURL(RENDERER).href}/%2e%2e/%2e%2e/main/index.js`,
    `${pathToFileURL(RENDERER).href}/..%2F..%2Fmain/index.js`,
    'file://attacker-host/share/page.html',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'rowsmith-evil://x',
    'not a url',
  ])('refuses %s in navigation, frame navigation and redirects', (url) => {
    const { contents, refused } = guarded();
    expect(contents.navigate('will-navigate', url)).toBe(true);
    expect(contents.navigate('will-frame-navigate', url)).toBe(true);
    expect(contents.navigate('will-redirect', url)).toBe(true);
    expect(refused).toHaveLength(3);
  });

  it('reads the URL from the older (event, url) signature too', () => {
    const { contents } = guarded();
    const e = new ElectronEvent();
    contents.emit('will-navigate', e, 'https://evil.example/');
    expect(e.defaultPrevented).toBe(true);
    const own = new ElectronEvent();
    contents.emit('will-navigate', own, INDEX);
    expect(own.defaultPrevented).toBe(false);
  });

  it('in development allows only the dev server origin', () => {
    const { contents } = guarded(ownPages('http://localhost:5173/', RENDERER));
    expect(contents.navigate('will-navigate', 'http://localhost:5173/index.html')).toBe(false);
    expect(contents.navigate('will-navigate', 'http://localhost:5174/')).toBe(true);
    expect(contents.navigate('will-navigate', INDEX)).toBe(true);
  });
});

describe('new windows and links', () => {
  it('denies every new window and sends only http(s) links to the browser', async () => {
    const { contents, opened } = guarded();
    const open = (url: string) => contents.openHandler?.({ url });
    for (const url of [
      'https://www.linkedin.com/company/acme',
      'http://example.com/a?b=c',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'https://user:pass@example.com/',
      INDEX,
    ]) {
      expect(open(url)).toEqual({ action: 'deny' });
    }
    await Promise.resolve();
    expect(opened).toEqual(['https://www.linkedin.com/company/acme', 'http://example.com/a?b=c']);
  });

  it('externalLinkTarget accepts http(s) only', () => {
    expect(externalLinkTarget('HTTPS://Example.com/x')).toBe('https://example.com/x');
    expect(externalLinkTarget('file:///C:/Windows/System32/calc.exe')).toBeNull();
    expect(externalLinkTarget('vbscript:msgbox')).toBeNull();
    expect(externalLinkTarget('//example.com')).toBeNull();
  });

  it('a browser that fails to open a link is reported, not thrown', async () => {
    const contents = new FakeWebContents();
    const refused: string[] = [];
    guardWebContents(contents, {
      isOwnPage: () => false,
      openExternal: async () => {
        throw new Error('no browser');
      },
      onRefused: (what) => refused.push(what),
    });
    expect(contents.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    await expect.poll(() => refused).toEqual(['Error: no browser']);
  });
});

describe('webviews, permissions and IPC senders', () => {
  it('never attaches a <webview>', () => {
    const { contents, refused } = guarded();
    const e = new ElectronEvent();
    contents.emit('will-attach-webview', e, { preload: '/tmp/evil.js' }, { src: 'https://evil.example' });
    expect(e.defaultPrevented).toBe(true);
    expect(refused).toHaveLength(1);
  });

  it('denies every permission request and check', () => {
    const handlers: {
      request?: Parameters<GuardedSession['setPermissionRequestHandler']>[0];
      check?: Parameters<GuardedSession['setPermissionCheckHandler']>[0];
    } = {};
    guardSession({
      setPermissionRequestHandler: (h) => {
        handlers.request = h;
      },
      setPermissionCheckHandler: (h) => {
        handlers.check = h;
      },
    });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const answers: boolean[] = [];
      handlers.request?.({}, permission, (granted) => answers.push(granted));
      expect(answers).toEqual([false]);
      expect(handlers.check?.({}, permission)).toBe(false);
    }
  });

  it('answers IPC only from the app’s own top frame', () => {
    const isOwnPage = ownPages(undefined, RENDERER);
    expect(isTrustedSender({ url: INDEX, parent: null }, isOwnPage)).toBe(true);
    expect(isTrustedSender({ url: INDEX, parent: { url: INDEX } }, isOwnPage)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, isOwnPage)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/evil.html', parent: null }, isOwnPage)).toBe(false);
    expect(isTrustedSender(null, isOwnPage)).toBe(false);
  });
});
