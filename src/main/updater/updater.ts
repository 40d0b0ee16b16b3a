// The part of electron-updater's autoUpdater the app uses, as an interface: the Electron
// shell passes the real autoUpdater (src/main/shell/updater.ts), tests and the web
// shell's test hook pass a scripted one. Nothing here imports electron-updater.

/** electron-updater's event names (AppUpdaterEvents) that the controller listens to. */
export type UpdaterEvent =
  | 'checking-for-update'
  | 'update-available'
  | 'update-not-available'
  | 'download-progress'
  | 'update-downloaded'
  | 'error';

/** builder-util-runtime's UpdateInfo, the fields read here. */
export interface UpdateInfoLike {
  version: string;
  releaseNotes?: string | { version: string; note: string | null }[] | null;
  releaseDate?: string;
}

/** builder-util-runtime's ProgressInfo. */
export interface ProgressInfoLike {
  percent: number;
  transferred: number;
  total: number;
  bytesPerSecond: number;
}

export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  /** electron-updater: `{ provider: 'generic', url }` points it at a feed folder. */
  setFeedURL(options: { provider: 'generic'; url: string; useMultipleRangeRequest?: boolean }): void;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  // biome-ignore lint/suspicious/noExplicitAny: each event has its own payload (see the types above)
  on(event: UpdaterEvent, listener: (...args: any[]) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  removeListener(event: UpdaterEvent, listener: (...args: any[]) => void): unknown;
}

/** What a shell hands the app: its updater (null: this shell does not update itself) and whether it runs packaged. */
export interface UpdaterSetup {
  updater: Updater | null;
  isPackaged: boolean;
  /** the update server the installer was built for, used when no licensing server is connected */
  builtInServer?: string | null;
  /** how often to check (default 4 hours) */
  checkIntervalMs?: number;
  /** how long after start the first check runs (default 10 s) */
  firstCheckDelayMs?: number;
}
