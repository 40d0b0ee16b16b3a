// Hardening for every window and web contents: no navigation away from the app, no
// new windows, no <webview>, no permission grants, and a strict CSP on our own pages.
// Links reach the user's browser only through openExternalSafely (http/https only).
import { app, type Session, session, shell, type WebContents } from 'electron';
import { assertSafeExternalUrl, isAppUrl } from '../files/safe-url';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** The only way the app opens a URL outside itself. */
export async function openExternalSafely(url: string): Promise<void> {
  await shell.openExternal(assertSafeExternalUrl(url).toString());
}

export function hardenSession(target: Session = session.defaultSession): void {
  target.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
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

export function hardenApp(appOrigin: () => string): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, appOrigin())) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url, appOrigin())) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      void openExternalSafely(url).catch(() => undefined);
      return { action: 'deny' };
    });
  });
}
