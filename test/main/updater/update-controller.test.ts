// The update state machine over a fake Updater at its boundary (the interface
// electron-updater's autoUpdater satisfies): every transition, errors as one clear
// sentence, periodic checks on fake timers, never a restart while a column runs, off
// when unpacked or without a feed, and the channel kept across restarts.
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAppError } from '@shared/errors';
import type { UpdateStatus } from '@shared/updates';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { builtInUpdateServer } from '../../../src/main/updater/app-update-yml';
import {
  DEFAULT_CHECK_INTERVAL_MS,
  RUNNING_COLUMNS_REASON,
  UpdateController,
  type UpdateControllerOptions,
} from '../../../src/main/updater/update-controller';
import { resolveFeed } from '../../../src/main/updater/update-feed';
import type { Updater } from '../../../src/main/updater/updater';
import { tempDir } from '../../helpers/temp';

/** Answers checks and downloads as the test says, emitting electron-updater's events. */
class FakeUpdater extends EventEmitter implements Updater {
  autoDownload = true;
  autoInstallOnAppQuit = false;
  allowDowngrade = true;
  feeds: string[] = [];
  checks = 0;
  downloads = 0;
  installs: [boolean | undefined, boolean | undefined][] = [];
  /** what the next check does */
  answer: (u: FakeUpdater) => Promise<unknown> = async (u) => {
    u.emit('checking-for-update');
    u.emit('update-available', {
      version: '1.1.0',
      releaseNotes: 'Faster imports.',
      releaseDate: '2026-03-01T00:00:00.000Z',
    });
  };
  downloadAnswer: (u: FakeUpdater) => Promise<unknown> = async () => [];
  setFeedURL(options: { url: string }): void {
    this.feeds.push(options.url);
  }
  checkForUpdates(): Promise<unknown> {
    this.checks++;
    return this.answer(this);
  }
  downloadUpdate(): Promise<unknown> {
    this.downloads++;
    return this.downloadAnswer(this);
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }
}

const failing = (message: string, code?: string) =>
  Object.assign(new Error(`${message}\n    at GenericProvider.getLatestVersion (x.js:1:1)\nrawData: ...`), {
    code,
  });

describe('UpdateController', () => {
  let dir: ReturnType<typeof tempDir>;
  let updater: FakeUpdater;
  let runs: number;
  let changes: UpdateStatus[];
  let controller: UpdateController;

  const make = (opts: Partial<UpdateControllerOptions> = {}) => {
    controller = new UpdateController({
      updater,
      isPackaged: true,
      currentVersion: '1.0.0',
      userDataDir: dir.path,
      activeRuns: () => runs,
      onChange: (s) => changes.push(s),
      feed: (channel) => ({ url: `https://licensing.example.com/updates/${channel}` }),
      ...opts,
    });
    return controller;
  };
  const states = () => changes.map((c) => c.phase.state);

  beforeEach(() => {
    dir = tempDir('rowsmith-updates-');
    updater = new FakeUpdater();
    runs = 0;
    changes = [];
  });
  afterEach(() => {
    controller?.stop();
    vi.useRealTimers();
    dir.cleanup();
  });

  it('configures electron-updater: no background download, install on quit, no downgrade', () => {
    make();
    expect(updater).toMatchObject({ autoDownload: false, autoInstallOnAppQuit: true, allowDowngrade: false });
    expect(controller.status()).toMatchObject({
      phase: { state: 'idle' },
      channel: 'stable',
      currentVersion: '1.0.0',
      autoDownload: false,
    });
  });

  it('check: idle → checking → available with version and notes, at the feed of the channel', async () => {
    make();
    const status = await controller.check();
    expect(updater.feeds).toEqual(['https://licensing.example.com/updates/stable']);
    expect(states()).toEqual(['checking', 'checking', 'available']);
    expect(status.phase).toEqual({
      state: 'available',
      version: '1.1.0',
      notes: 'Faster imports.',
      releaseDate: '2026-03-01T00:00:00.000Z',
    });
    expect(status.lastCheckedAt).not.toBeNull();
  });

  it('check: → not-available with the latest version the feed has', async () => {
    updater.answer = async (u) => {
      u.emit('checking-for-update');
      u.emit('update-not-available', { version: '1.0.0' });
    };
    make();
    expect((await controller.check()).phase).toEqual({ state: 'not-available', latestVersion: '1.0.0' });
  });

  it('two checks at once ask the feed once', async () => {
    make();
    await Promise.all([controller.check(), controller.check(), controller.check()]);
    expect(updater.checks).toBe(1);
  });

  it('a failed check is one error (event and rejection), in a sentence without stack or raw YAML', async () => {
    updater.answer = async (u) => {
      u.emit('checking-for-update');
      const error = failing(
        'Cannot find channel "latest-linux.yml" update info: HttpError: 404',
        'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND',
      );
      u.emit('error', error);
      throw error;
    };
    make();
    const status = await controller.check();
    expect(status.phase).toEqual({
      state: 'error',
      during: 'check',
      message: 'No release for this computer has been published on the stable channel yet.',
      version: null,
      notes: null,
    });
    expect(states().filter((s) => s === 'error')).toHaveLength(1);

    updater.answer = async () => {
      throw failing('connect ECONNREFUSED 127.0.0.1:443', 'ECONNREFUSED');
    };
    expect((await controller.check()).phase).toMatchObject({
      state: 'error',
      message: 'The update server cannot be reached; Rowsmith will try again later.',
    });
    updater.answer = async () => {
      throw failing('Something odd');
    };
    const odd = (await controller.check()).phase;
    expect(odd).toMatchObject({ message: 'Checking for updates failed: Something odd' });
  });

  it('download: available → downloading{percent} → downloaded, only when the user asks', async () => {
    let finish: () => void = () => {};
    updater.downloadAnswer = (u) =>
      new Promise((resolve) => {
        u.emit('download-progress', { percent: 12.5, transferred: 10, total: 80, bytesPerSecond: 5 });
        finish = () => {
          u.emit('download-progress', { percent: 100, transferred: 80, total: 80, bytesPerSecond: 5 });
          u.emit('update-downloaded', { version: '1.1.0', releaseNotes: 'Faster imports.' });
          resolve([]);
        };
      });
    make();
    await controller.check();
    expect(updater.downloads).toBe(0);
    const started = controller.download();
    expect(started.phase).toMatchObject({
      state: 'downloading',
      version: '1.1.0',
      notes: 'Faster imports.',
      percent: 12.5,
      total: 80,
    });
    finish();
    expect(controller.status().phase).toEqual({
      state: 'downloaded',
      version: '1.1.0',
      notes: 'Faster imports.',
    });
    expect(states()).toEqual([
      'checking',
      'checking',
      'available',
      'downloading',
      'downloading',
      'downloading',
      'downloaded',
    ]);
    // A check once downloaded leaves the downloaded update alone.
    await controller.check();
    expect(updater.checks).toBe(1);
  });

  it('download without an available update is refused', async () => {
    make();
    expect(() => controller.download()).toThrow(/no update to download/);
  });

  it('a failed download keeps the version, so Download can be tried again', async () => {
    updater.downloadAnswer = async (u) => {
      const error = Object.assign(new Error('sha512 checksum mismatch, expected a, got b'), {
        code: 'ERR_CHECKSUM_MISMATCH',
      });
      u.emit('error', error);
      throw error;
    };
    make();
    await controller.check();
    controller.download();
    await vi.waitFor(() => expect(controller.status().phase.state).toBe('error'));
    expect(controller.status().phase).toEqual({
      state: 'error',
      during: 'download',
      message: 'The downloaded update was damaged (its checksum did not match). Download it again.',
      version: '1.1.0',
      notes: 'Faster imports.',
    });
    updater.downloadAnswer = async (u) => {
      u.emit('update-downloaded', { version: '1.1.0' });
    };
    controller.download();
    await vi.waitFor(() => expect(controller.status().phase.state).toBe('downloaded'));
    expect(updater.downloads).toBe(2);
  });

  describe('restart to update', () => {
    const downloaded = async () => {
      updater.downloadAnswer = async (u) => {
        u.emit('update-downloaded', { version: '1.1.0' });
      };
      make();
      await controller.check();
      controller.download();
      await vi.waitFor(() => expect(controller.status().phase.state).toBe('downloaded'));
    };

    it('never restarts while a column is running; says why, and says when it can', async () => {
      await downloaded();
      runs = 1;
      controller.runsChanged('started');
      expect(changes.at(-1)?.installBlockedReason).toBe(RUNNING_COLUMNS_REASON);
      let refused: unknown;
      try {
        controller.install();
      } catch (error) {
        refused = error;
      }
      expect(isAppError(refused, 'busy')).toBe(true);
      expect((refused as Error).message).toBe(RUNNING_COLUMNS_REASON);
      expect(updater.installs).toEqual([]);
      expect(controller.status().phase.state).toBe('downloaded');

      const before = changes.length;
      controller.runsChanged('started'); // more progress: nothing new to say
      expect(changes.length).toBe(before);
      runs = 0;
      controller.runsChanged('finished');
      expect(changes.at(-1)?.installBlockedReason).toBeNull();
      expect(controller.install()).toEqual({ installing: true });
      expect(controller.status().phase).toEqual({ state: 'installing', version: '1.1.0' });
      expect(updater.installs).toEqual([[false, true]]);
    });

    it('asks the engine at the moment of the click, not only from events', async () => {
      await downloaded();
      runs = 2; // a run started and no event has arrived yet
      expect(() => controller.install()).toThrow(RUNNING_COLUMNS_REASON);
    });

    it('is refused before anything was downloaded', async () => {
      make();
      await controller.check();
      expect(() => controller.install()).toThrow(/No update has been downloaded/);
    });
  });

  it('checks shortly after start and then every few hours (fake timers), not while downloading', async () => {
    vi.useFakeTimers();
    updater.answer = async (u) => {
      u.emit('update-not-available', { version: '1.0.0' });
    };
    make({ firstCheckDelayMs: 10_000 });
    controller.start();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(updater.checks).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(updater.checks).toBe(1);
    await vi.advanceTimersByTimeAsync(DEFAULT_CHECK_INTERVAL_MS);
    expect(updater.checks).toBe(2);
    await vi.advanceTimersByTimeAsync(DEFAULT_CHECK_INTERVAL_MS * 3);
    expect(updater.checks).toBe(5);

    updater.answer = async (u) => {
      u.emit('update-available', { version: '1.1.0' });
    };
    updater.downloadAnswer = () => new Promise(() => {}); // a long download
    await vi.advanceTimersByTimeAsync(DEFAULT_CHECK_INTERVAL_MS);
    controller.download();
    await vi.advanceTimersByTimeAsync(DEFAULT_CHECK_INTERVAL_MS * 2);
    expect(updater.checks).toBe(6);
    controller.stop();
    await vi.advanceTimersByTimeAsync(DEFAULT_CHECK_INTERVAL_MS * 2);
    expect(updater.checks).toBe(6);
  });

  it('the interval is configurable', async () => {
    vi.useFakeTimers();
    make({ firstCheckDelayMs: 0, checkIntervalMs: 60_000 });
    controller.start();
    await vi.advanceTimersByTimeAsync(180_000);
    expect(updater.checks).toBe(4);
  });

  it('is off when the app runs unpacked, with the reason, and never asks the feed', async () => {
    vi.useFakeTimers();
    make({ isPackaged: false });
    controller.start();
    await vi.advanceTimersByTimeAsync(DEFAULT_CHECK_INTERVAL_MS * 2);
    expect(await controller.check()).toMatchObject({
      phase: {
        state: 'disabled',
        reason: 'Updates are installed only in the packaged app; this one runs from source.',
      },
    });
    expect(updater.checks).toBe(0);
    expect(updater.listenerCount('update-available')).toBe(0);
    expect(() => controller.download()).toThrow();
  });

  it('is off in a shell without an updater', async () => {
    make({ updater: null });
    expect((await controller.check()).phase).toMatchObject({
      state: 'disabled',
      reason: expect.stringMatching(/does not update itself/),
    });
  });

  it('feed: the connected licensing server + /updates/<channel>; none on the built-in server', async () => {
    make({ feed: undefined });
    const status = await controller.check();
    expect(status.phase).toMatchObject({ state: 'disabled', reason: expect.stringMatching(/built-in one/) });
    expect(updater.checks).toBe(0);
    // licensing.json as licensing/connect writes it
    writeFileSync(
      join(dir.path, 'licensing.json'),
      JSON.stringify({ mode: 'remote', serverUrl: 'https://lic.example.com' }),
    );
    expect(controller.status().phase.state).toBe('idle');
    await controller.check();
    expect(updater.feeds).toEqual(['https://lic.example.com/updates/stable']);
  });

  it('feed without a connected server: ROWSMITH_UPDATE_SERVER, else the server the installer was built for', async () => {
    expect(resolveFeed(dir.path, 'beta', { env: {}, builtInServer: 'https://vendor.example.com/' })).toEqual({
      url: 'https://vendor.example.com/updates/beta',
    });
    expect(
      resolveFeed(dir.path, 'stable', {
        env: { ROWSMITH_UPDATE_SERVER: 'https://staging.example.com' },
        builtInServer: 'https://vendor.example.com',
      }),
    ).toEqual({ url: 'https://staging.example.com/updates/stable' });
    expect(resolveFeed(dir.path, 'stable', { env: {} })).toHaveProperty('reason');
    // A connected licensing server comes first.
    writeFileSync(
      join(dir.path, 'licensing.json'),
      JSON.stringify({ mode: 'remote', serverUrl: 'https://lic.example.com' }),
    );
    expect(resolveFeed(dir.path, 'stable', { env: {}, builtInServer: 'https://vendor.example.com' })).toEqual(
      {
        url: 'https://lic.example.com/updates/stable',
      },
    );
    // The controller takes the installer's server from the shell.
    rmSync(join(dir.path, 'licensing.json'));
    make({ feed: undefined, builtInServer: 'https://vendor.example.com' });
    await controller.check();
    expect(updater.feeds).toEqual(['https://vendor.example.com/updates/stable']);
  });

  it("reads the installer's update server from app-update.yml as electron-builder writes it", () => {
    const yml = join(dir.path, 'app-update.yml');
    writeFileSync(
      yml,
      'provider: generic\nurl: https://vendor.example.com/updates/stable\nupdaterCacheDirName: rowsmith-updater\n',
    );
    expect(builtInUpdateServer(yml)).toBe('https://vendor.example.com');
    // A channel left as electron-builder's macro, quoted.
    writeFileSync(
      yml,
      `provider: generic\nurl: 'https://vendor.example.com:8443/base/updates/$\{channel}'\n`,
    );
    expect(builtInUpdateServer(yml)).toBe('https://vendor.example.com:8443/base');
    writeFileSync(yml, 'provider: github\nowner: someone\n');
    expect(builtInUpdateServer(yml)).toBeNull();
    expect(builtInUpdateServer(join(dir.path, 'missing.yml'))).toBeNull();
  });

  it('set-channel: remembered, resets the offer, checks the beta feed, and an update from the other channel does not install on quit', async () => {
    updater.downloadAnswer = async (u) => {
      u.emit('update-downloaded', { version: '1.1.0' });
    };
    make();
    await controller.check();
    controller.download();
    await vi.waitFor(() => expect(controller.status().phase.state).toBe('downloaded'));
    updater.answer = async (u) => {
      u.emit('update-available', { version: '1.2.0-beta.1', releaseNotes: 'Beta' });
    };
    const status = await controller.setChannel('beta');
    expect(status.channel).toBe('beta');
    expect(status.phase).toMatchObject({ state: 'available', version: '1.2.0-beta.1' });
    expect(updater.feeds.at(-1)).toBe('https://licensing.example.com/updates/beta');
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(JSON.parse(readFileSync(join(dir.path, 'updates.json'), 'utf8'))).toEqual({ channel: 'beta' });
    controller.stop();
    expect(make().status().channel).toBe('beta');
  });

  it('a channel file that is unreadable means stable', () => {
    writeFileSync(join(dir.path, 'updates.json'), '{nope');
    expect(make().status().channel).toBe('stable');
    expect(existsSync(join(dir.path, 'updates.json'))).toBe(true);
  });
});
