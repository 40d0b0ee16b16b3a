// The one rule for opening links outside the app: only http(s) URLs, never file:,
// javascript:, custom protocols or URLs with credentials. Every shell's "open external"
// goes through this check.
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
