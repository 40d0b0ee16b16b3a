// The app's auto-update as a state machine over an Updater (electron-updater's
// autoUpdater in the packaged app):
//   idle → checking → available{version, notes} | not-available
//   available → downloading{percent} → downloaded → installing;  any step → error{message}
// It checks shortly after start and then every few hours, never when the app runs
// unpacked. Downloads wait for the user (autoDownload off: installers are large, and the
// release notes come first); a downloaded update also installs when the app quits.
// It must never restart the app while a column is running: install() refuses, with the
// reason, until the runs are over (a run interrupted by a restart would resume, but the
// user did not ask for that).
import { AppError } from '@shared/errors';
import type { UpdateChannel, UpdatePhase, UpdateStatus } from '@shared/updates';
import { createLogger } from '../logger';
import { type Feed, readChannel, resolveFeed, writeChannel } from './update-feed';
import type { ProgressInfoLike, UpdateInfoLike, Updater, UpdaterEvent } from './updater';

const log = createLogger('updates');

type Listener = Parameters<Updater['on']>[1];

export const DEFAULT_CHECK_INTERVAL_MS = 4 * 3_600_000;
/** Let start-up (workbook, licensing) settle before the first check. */
export const FIRST_CHECK_DELAY_MS = 10_000;

export const RUNNING_COLUMNS_REASON =
  'A column is running. Restart to update when it has finished, or stop it first.';

export interface UpdateControllerOptions {
  /** null: this shell does not update itself */
  updater: Updater | null;
  isPackaged: boolean;
  currentVersion: string;
  /** where updates.json (the channel) and licensing.json (the feed's server) live */
  userDataDir: string;
  /** how many columns are running now (the engine's active runs) */
  activeRuns: () => number;
  onChange: (status: UpdateStatus) => void;
  checkIntervalMs?: number;
  firstCheckDelayMs?: number;
  /** the installer's own update server, when no licensing server is connected */
  builtInServer?: string | null;
  /** default: the connected licensing server (see ./update-feed) */
  feed?: (channel: UpdateChannel) => Feed;
}

export class UpdateController {
  private phase: UpdatePhase = { state: 'idle' };
  private channel: UpdateChannel;
  private lastCheckedAt: string | null = null;
  private feedUrl: string | null = null;
  private checking: Promise<void> | null = null;
  private timers: ReturnType<typeof setTimeout>[] = [];
  /** the block last told to the window, so a run's progress events announce nothing new */
  private announcedBlock: string | null = null;
  private readonly listeners: [UpdaterEvent, Listener][] = [];
  private readonly feed: (channel: UpdateChannel) => Feed;

  constructor(private readonly opts: UpdateControllerOptions) {
    this.channel = readChannel(opts.userDataDir);
    this.feed =
      opts.feed ??
      ((channel) => resolveFeed(opts.userDataDir, channel, { builtInServer: opts.builtInServer ?? null }));
    const permanent = this.permanentlyDisabled();
    if (permanent) this.phase = { state: 'disabled', reason: permanent };
    const updater = opts.updater;
    if (!updater || permanent) return;
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = true;
    // Back from beta to stable keeps the beta until a newer stable release exists.
    updater.allowDowngrade = false;
    this.listen('checking-for-update', () => {
      if (this.phase.state !== 'downloading') this.set({ state: 'checking' });
    });
    this.listen('update-available', (info: UpdateInfoLike) => {
      this.lastCheckedAt = new Date().toISOString();
      // A check while an update is downloading or downloaded keeps that update.
      if (['downloading', 'downloaded', 'installing'].includes(this.phase.state)) return;
      this.set({
        state: 'available',
        version: info.version,
        notes: notesText(info.releaseNotes),
        releaseDate: info.releaseDate ?? null,
      });
    });
    this.listen('update-not-available', (info: UpdateInfoLike | undefined) => {
      this.lastCheckedAt = new Date().toISOString();
      this.set({ state: 'not-available', latestVersion: info?.version ?? null });
    });
    this.listen('download-progress', (p: ProgressInfoLike) => {
      const current = this.phase;
      if (current.state !== 'downloading') return;
      this.set({
        ...current,
        percent: Math.max(0, Math.min(100, p.percent)),
        transferred: p.transferred,
        total: p.total,
        bytesPerSecond: p.bytesPerSecond,
      });
    });
    this.listen('update-downloaded', (info: UpdateInfoLike) => {
      updater.autoInstallOnAppQuit = true;
      const notes = 'notes' in this.phase ? this.phase.notes : notesText(info.releaseNotes);
      this.set({ state: 'downloaded', version: info.version, notes });
    });
    this.listen('error', (error: Error) => this.fail(error));
  }

  /** Checks soon after start, then every few hours. */
  start(): void {
    if (this.phase.state === 'disabled' && this.permanentlyDisabled()) return;
    const interval = this.opts.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
    this.timers.push(
      setTimeout(() => void this.check(), this.opts.firstCheckDelayMs ?? FIRST_CHECK_DELAY_MS),
      setInterval(() => void this.check(), interval),
    );
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    for (const [event, listener] of this.listeners) this.opts.updater?.removeListener(event, listener);
    this.listeners.length = 0;
  }

  status(): UpdateStatus {
    // Connecting to a licensing server gives a feed: no need to wait for the next check to say so.
    if (this.phase.state === 'disabled' && !this.permanentlyDisabled() && 'url' in this.feed(this.channel))
      this.phase = { state: 'idle' };
    this.announcedBlock = this.blockedReason();
    return {
      phase: this.phase,
      channel: this.channel,
      currentVersion: this.opts.currentVersion,
      lastCheckedAt: this.lastCheckedAt,
      autoDownload: false,
      installBlockedReason: this.announcedBlock,
    };
  }

  /**
   * Asks the feed for a newer version; resolves when the answer is in. A check while one
   * runs joins it; one while an update downloads, is downloaded or installs does nothing.
   */
  async check(): Promise<UpdateStatus> {
    const updater = this.opts.updater;
    if (!updater || this.permanentlyDisabled()) return this.status();
    if (['downloading', 'downloaded', 'installing'].includes(this.phase.state)) return this.status();
    if (!this.checking) {
      this.checking = this.runCheck(updater).finally(() => {
        this.checking = null;
      });
    }
    await this.checking;
    return this.status();
  }

  /** Starts downloading the available update; progress arrives as `updates/changed` events. */
  download(): UpdateStatus {
    const updater = this.opts.updater;
    const current = this.phase;
    const retry = current.state === 'error' && current.during === 'download' && current.version;
    if (!updater || (current.state !== 'available' && !retry)) {
      throw new AppError('conflict', 'There is no update to download; check for updates first.');
    }
    const version = current.state === 'available' ? current.version : (current.version as string);
    this.set({
      state: 'downloading',
      version,
      notes: current.notes,
      percent: 0,
      transferred: 0,
      total: 0,
      bytesPerSecond: 0,
    });
    updater.downloadUpdate().catch((error: Error) => this.fail(error, 'download'));
    return this.status();
  }

  /** "Restart to update": quits, installs and starts the new version — never while a column runs. */
  install(): { installing: true } {
    const updater = this.opts.updater;
    const current = this.phase;
    if (!updater || current.state !== 'downloaded')
      throw new AppError('conflict', 'No update has been downloaded yet.');
    const reason = this.blockedReason();
    if (reason) throw new AppError('busy', reason);
    this.set({ state: 'installing', version: current.version });
    try {
      updater.quitAndInstall(false, true);
    } catch (error) {
      this.fail(error as Error, 'install');
    }
    return { installing: true };
  }

  /** Switches between stable and beta, remembers it, and checks the new channel. */
  async setChannel(channel: UpdateChannel): Promise<UpdateStatus> {
    if (channel === this.channel) return this.status();
    writeChannel(this.opts.userDataDir, channel);
    this.channel = channel;
    const updater = this.opts.updater;
    if (!updater || this.permanentlyDisabled()) return this.status();
    // An update downloaded from the other channel must not install itself on quit.
    updater.autoInstallOnAppQuit = false;
    if (this.phase.state !== 'installing') this.set({ state: 'idle' });
    return this.check();
  }

  /**
   * The engine's runs changed: "Restart to update" may have become possible or not.
   * Progress events come often; while a run is known to be going they change nothing.
   */
  runsChanged(what: 'started' | 'finished'): void {
    if (what === 'started' && this.announcedBlock) return;
    if (this.blockedReason() !== this.announcedBlock) this.opts.onChange(this.status());
  }

  private async runCheck(updater: Updater): Promise<void> {
    const feed = this.feed(this.channel);
    if ('reason' in feed) {
      this.set({ state: 'disabled', reason: feed.reason });
      return;
    }
    if (feed.url !== this.feedUrl) {
      updater.setFeedURL({ provider: 'generic', url: feed.url, useMultipleRangeRequest: true });
      this.feedUrl = feed.url;
    }
    this.set({ state: 'checking' });
    try {
      await updater.checkForUpdates();
      // An updater that answers without events (none should) must not leave "checking" behind.
      if (this.phase.state === 'checking') this.set({ state: 'not-available', latestVersion: null });
    } catch (error) {
      this.fail(error as Error, 'check');
    }
  }

  private fail(error: Error, during?: 'check' | 'download' | 'install'): void {
    const current = this.phase;
    const when =
      during ??
      (current.state === 'downloading'
        ? 'download'
        : current.state === 'installing'
          ? 'install'
          : current.state === 'error'
            ? current.during
            : 'check');
    if (current.state === 'error' && current.during === when) return; // the event and the rejection of one failure
    log.warn(`update ${when} failed`, error);
    const version = 'version' in current ? current.version : null;
    this.set({
      state: 'error',
      message: userMessage(error, when, this.channel),
      during: when,
      version: when === 'check' ? null : version,
      notes: 'notes' in current ? current.notes : null,
    });
  }

  private blockedReason(): string | null {
    return this.opts.activeRuns() > 0 ? RUNNING_COLUMNS_REASON : null;
  }

  private permanentlyDisabled(): string | null {
    if (!this.opts.updater)
      return 'This version of Rowsmith does not update itself; install new versions of the desktop app.';
    if (!this.opts.isPackaged)
      return 'Updates are installed only in the packaged app; this one runs from source.';
    return null;
  }

  private set(phase: UpdatePhase): void {
    this.phase = phase;
    this.opts.onChange(this.status());
  }

  private listen<A>(event: UpdaterEvent, listener: (arg: A) => void): void {
    this.opts.updater?.on(event, listener);
    this.listeners.push([event, listener as Listener]);
  }
}

/** electron-updater gives a string, or for some providers a list of notes per version; plain text here. */
function notesText(notes: UpdateInfoLike['releaseNotes']): string | null {
  if (!notes) return null;
  const text =
    typeof notes === 'string' ? notes : notes.map((n) => `${n.version}\n${n.note ?? ''}`).join('\n\n');
  return text.trim().slice(0, 20_000) || null;
}

/** electron-updater's errors carry stacks and raw YAML; a user gets one clear sentence. */
function userMessage(error: Error, during: 'check' | 'download' | 'install', channel: UpdateChannel): string {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND')
    return `No release for this computer has been published on the ${channel} channel yet.`;
  if (
    ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(code) ||
    /net::ERR_/.test(error.message)
  )
    return 'The update server cannot be reached; Rowsmith will try again later.';
  if (code === 'ERR_CHECKSUM_MISMATCH' || /checksum mismatch/i.test(error.message))
    return 'The downloaded update was damaged (its checksum did not match). Download it again.';
  const first = (error.message || String(error)).split('\n')[0]?.slice(0, 300) ?? '';
  const what =
    during === 'check'
      ? 'Checking for updates'
      : during === 'download'
        ? 'Downloading the update'
        : 'Installing the update';
  return `${what} failed: ${first}`;
}
