// The update server an installer was built for. Its own module, so that only the Electron
// shell loads the YAML parser for it: the web shell, the CLI and tests start without it.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/**
 * The update server an installer was built for (`npm run dist` with ROWSMITH_UPDATE_URL):
 * electron-builder writes its publish URL, `<server>/updates/<channel>`, into
 * resources/app-update.yml. Null when the file is missing or names no such URL.
 */
export function builtInUpdateServer(appUpdateYml: string): string | null {
  let text: string;
  try {
    text = readFileSync(appUpdateYml, 'utf8');
  } catch {
    return null;
  }
  let url: unknown;
  try {
    url = (parseYaml(text) as { url?: unknown } | null)?.url;
  } catch {
    return null;
  }
  if (typeof url !== 'string') return null;
  return /^(https?:\/\/.+?)\/updates(?:\/[^/]*)?\/?$/.exec(url)?.[1] ?? null;
}
