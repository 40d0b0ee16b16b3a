// Where updates come from and on which channel: the feed is the licensing server this
// install is connected to (licensing.json) + `/updates/<channel>`, the channel the
// user's choice kept in updates.json (stable unless they chose beta). The built-in
// licensing server has no releases, so then the feed is ROWSMITH_UPDATE_SERVER's, or the
// server the installer was built for (its app-update.yml), or none.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type UpdateChannel, updateChannelSchema } from '@shared/updates';
import { readLicensingMode } from '../credits/licensing-service';

export type Feed = { url: string } | { reason: string };

export function resolveFeed(
  userDataDir: string,
  channel: UpdateChannel,
  opts: { env?: NodeJS.ProcessEnv; builtInServer?: string | null } = {},
): Feed {
  const env = opts.env ?? process.env;
  const mode = readLicensingMode(userDataDir);
  const server =
    mode.mode === 'remote'
      ? mode.serverUrl
      : env.ROWSMITH_UPDATE_SERVER?.trim() || opts.builtInServer?.trim() || undefined;
  if (!server) {
    return {
      reason:
        'Updates come from your organisation’s licensing server; this install uses the built-in one. Connect to your server to get updates.',
    };
  }
  return { url: `${server.replace(/\/+$/, '')}/updates/${channel}` };
}

const file = (userDataDir: string) => join(userDataDir, 'updates.json');

export function readChannel(userDataDir: string): UpdateChannel {
  if (!existsSync(file(userDataDir))) return 'stable';
  try {
    const parsed = updateChannelSchema.safeParse(JSON.parse(readFileSync(file(userDataDir), 'utf8')).channel);
    return parsed.success ? parsed.data : 'stable';
  } catch {
    return 'stable';
  }
}

export function writeChannel(userDataDir: string, channel: UpdateChannel): void {
  writeFileSync(file(userDataDir), `${JSON.stringify({ channel }, null, 2)}\n`, { mode: 0o600 });
}
