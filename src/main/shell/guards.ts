// The rules that keep every Electron web contents inside the app, as plain functions over
// objects shaped like Electron's (so they run and are tested on Node; security.ts only
// hands them the real app, session and web contents):
// - navigation and redirects: only to the app's own pages, in any frame;
// - new windows: always denied; an http(s) link goes to the user's browser instead;
// - <webview>: never attached; permissions (camera, notifications, …): never granted.
// Must never import 'electron' or let a URL outside the app load in a window.
import { pathToFileURL } from 'node:url';
import { assertSafeExternalUrl } from '../files/safe-url';

/** What Electron passes as the first argument of navigation and webview events. */
export interface PreventableEvent {
  preventDefault(): void;
  /** Electron ≥ 25 puts the target on the event; older signatures pass it as an argument. */
  url?: string;
}

export type NavigationListener = (event: PreventableEvent, url?: string) => void;

export interface GuardedContents {
  on(
    event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect' | 'will-attach-webview',
    listener: NavigationListener,
  ): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface GuardedSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
}

export interface GuardOptions {
  /** Whether a URL is one of the app's own pages (see ownPages). */
  isOwnPage: (url: string) => boolean;
  /** Opens a URL in the user's browser; only ever called with a checked http(s) URL. */
  openExternal: (url: string) => Promise<void>;
  /** Told about each refusal (for the log); never decides anything. */
  onRefused?: (what: string, url: string) => void;
}

/**
 * The app's own pages: the dev server's origin while developing, else the bundled
 * renderer folder — not every file: URL, or a page could be navigated to any local file.
 */
export function ownPages(devServerUrl: string | undefined, rendererDir: string): (url: string) => boolean {
  if (devServerUrl) {
    const origin = new URL(devServerUrl).origin;
    return (url) => {
      try {
        return new URL(url).origin === origin;
      } catch {
        return false;
      }
    };
  }
  const root = pathToFileURL(rendererDir).href.replace(/\/?$/, '/');
  return (url) => {
    try {
      const parsed = new URL(url);
      // The URL parser resolves ../ and %2e%2e, so the prefix check sees the real path;
      // an escaped slash or backslash could still climb out once the path is decoded.
      return (
        parsed.protocol === 'file:' &&
        !parsed.host &&
        parsed.href.startsWith(root) &&
        !/%2f|%5c/i.test(parsed.pathname)
      );
    } catch {
      return false;
    }
  };
}

/** The http(s) URL to hand to the user's browser, or null for anything else. */
export function externalLinkTarget(url: string): string | null {
  try {
    return assertSafeExternalUrl(url).toString();
  } catch {
    return null;
  }
}

export function guardWebContents(contents: GuardedContents, opts: GuardOptions): void {
  const stayInApp =
    (what: string): NavigationListener =>
    (event, url) => {
      const target = event.url ?? url ?? '';
      if (opts.isOwnPage(target)) return;
      event.preventDefault();
      opts.onRefused?.(what, target);
    };
  contents.on('will-navigate', stayInApp('navigation'));
  contents.on('will-frame-navigate', stayInApp('frame navigation'));
  contents.on('will-redirect', stayInApp('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    opts.onRefused?.('webview', event.url ?? '');
  });
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalLinkTarget(url);
    if (external) void opts.openExternal(external).catch((error) => opts.onRefused?.(String(error), url));
    else opts.onRefused?.('new window', url);
    return { action: 'deny' };
  });
}

/** IPC is answered only for the app's own top frame: never an iframe, never a foreign page. */
export function isTrustedSender(
  frame: { url: string; parent: unknown } | null | undefined,
  isOwnPage: (url: string) => boolean,
): boolean {
  return !!frame && frame.parent === null && isOwnPage(frame.url);
}

/** No permission is ever granted: the app needs none of camera, microphone, location, … */
export function guardSession(target: GuardedSession): void {
  target.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
}
