// A TEST HOOK, not an updater: with ROWSMITH_FAKE_UPDATER='<json>' the web shell (which
// never updates itself) gets an Updater that plays a script — a check finds the given
// version with its notes, a download reports progress in steps, then "downloaded";
// quitAndInstall only records the call — so the end-to-end tests can drive the update
// banner in Chromium through the real controller, handlers and events. Never used
// unless that variable is set; the Electron shell always uses electron-updater.
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { Updater, UpdaterSetup } from './updater';

const scriptSchema = z.object({
  /** the version the feed offers; null: nothing newer */
  version: z.string().min(1).max(100).nullable(),
  notes: z.string().max(20_000).optional(),
  /** progress events before "downloaded" */
  steps: z.number().int().min(1).max(100).default(4),
  stepMs: z.number().int().min(0).max(60_000).default(150),
  /** a message: the download fails with it */
  failDownload: z.string().max(500).optional(),
  firstCheckDelayMs: z.number().int().min(0).default(0),
  checkIntervalMs: z.number().int().min(1_000).optional(),
});
export type UpdaterScript = z.input<typeof scriptSchema>;

export class ScriptedUpdater extends EventEmitter implements Updater {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowDowngrade = false;
  feedUrl: string | null = null;
  installCalls = 0;
  private readonly script: z.output<typeof scriptSchema>;

  constructor(script: UpdaterScript) {
    super();
    this.script = scriptSchema.parse(script);
  }

  setFeedURL(options: { url: string }): void {
    this.feedUrl = options.url;
  }

  async checkForUpdates(): Promise<unknown> {
    this.emit('checking-for-update');
    const { version, notes } = this.script;
    if (version) this.emit('update-available', { version, releaseNotes: notes ?? null });
    else this.emit('update-not-available', { version: '0.0.0' });
    return { isUpdateAvailable: Boolean(version) };
  }

  async downloadUpdate(): Promise<unknown> {
    const { steps, stepMs, failDownload, version } = this.script;
    const total = 80 * 1024 * 1024;
    for (let i = 1; i <= steps; i++) {
      await new Promise((resolve) => setTimeout(resolve, stepMs));
      if (failDownload && i === steps) {
        const error = new Error(failDownload);
        this.emit('error', error);
        throw error;
      }
      this.emit('download-progress', {
        percent: (i / steps) * 100,
        transferred: (total * i) / steps,
        total,
        bytesPerSecond: total / steps / Math.max(stepMs / 1000, 0.001),
      });
    }
    this.emit('update-downloaded', { version, releaseNotes: this.script.notes ?? null });
    return [];
  }

  quitAndInstall(): void {
    this.installCalls++;
  }
}

/** The web shell's updater: none, unless the test hook ROWSMITH_FAKE_UPDATER scripts one. */
export function updaterFromEnv(env: NodeJS.ProcessEnv = process.env): UpdaterSetup {
  const raw = env.ROWSMITH_FAKE_UPDATER;
  if (!raw) return { updater: null, isPackaged: false };
  const script = scriptSchema.parse(JSON.parse(raw));
  return {
    updater: new ScriptedUpdater(script),
    isPackaged: true,
    firstCheckDelayMs: script.firstCheckDelayMs,
    checkIntervalMs: script.checkIntervalMs,
  };
}
