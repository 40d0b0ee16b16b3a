// The one rule for opening links outside the app: only http(s) URLs, never file:,
// javascript:, custom protocols or URLs with credentials. Every shell's "open external"
// goes through this check. isAppUrl decides what counts as the app's own page (for
// navigation and IPC sender checks).
import { AppError } from '@shared/errors';

export function assertSafeExternalUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('invalid_input', 'That is not a valid link.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('forbidden', `Only http and https links can be opened (not ${url.protocol}).`);
  }
  if (url.username || url.password)
    throw new AppError('forbidden', 'Links with embedded credentials are not opened.');
  return url;
}

/** True when a URL belongs to the app itself (its dev server origin, or its bundled files). */
export function isAppUrl(url: string, appOrigin: string): boolean {
  try {
    const parsed = new URL(url);
    if (appOrigin === 'file://') return parsed.protocol === 'file:';
    return parsed.origin === appOrigin;
  } catch {
    return false;
  }
}
