// Opens a documentation link in the user's browser through the main process's
// `shell/open-external`, which allows http(s) only; never window.open. When the shell
// cannot open links (the web shell), the caller is told so it can show the address.
import { call } from '../api';

export async function openExternalLink(url: string): Promise<boolean> {
  if (!/^https?:\/\//i.test(url)) return false;
  const { opened } = await call('shell/open-external', { url });
  return opened;
}
