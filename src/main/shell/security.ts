// Hardening for every window and web contents, applied to Electron's real objects: the
// rules themselves live in guards.ts (tested on Node). Also sets the page's CSP header
// (the same policy as the web shell's) and is the one way to open a link outside the app.
import { app, type Session, session, shell } from 'electron';
import { assertSafeExternalUrl } from '../files/safe-url';
import { createLogger } from '../logger';
import { CONTENT_SECURITY_POLICY } from '../web/security';
import { guardSession, guardWebContents } from './guards';

const log = createLogger('security');

/** The only way the app opens a URL outside itself: http(s) only, never file: or custom schemes. */
export async function openExternalSafely(url: string): Promise<void> {
  await shell.openExternal(assertSafeExternalUrl(url).toString());
}

export function hardenSession(target: Session = session.defaultSession): void {
  guardSession(target);
  target.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
}

export function hardenApp(isOwnPage: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, {
      isOwnPage,
      openExternal: openExternalSafely,
      onRefused: (what, url) => log.warn(`refused ${what}: ${url.slice(0, 200)}`),
    });
  });
}
