// Builds the app's core for any shell: opens the workbook, creates the services and the
// one validated handler map. Electron, the web shell and the CLI differ only in the
// PlatformHooks they pass (native dialogs, opening links). Never imports 'electron'.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SettingsCatalogue } from '../catalogue/provider-settings-service';
import {
  type ProviderEnvironment,
  ProviderSettings,
  providerEnvironmentFromEnv,
} from '../catalogue/providers';
import { LinkedInImportService } from '../catalogue/search-import/linkedin-import';
import {
  type ConnectedCredits,
  connectCredits,
  type LicensingMode,
  readLicensingMode,
  SwitchableCredits,
} from '../credits/licensing-service';
import { LocalLedger } from '../credits/local-ledger';
import { EngineService } from '../engine/engine-service';
import { EnrichmentsService } from '../engine/enrichments-service';
import type { RunSettings } from '../engine/run-executor';
import { ExportService } from '../export/export-service';
import { FileRegistry } from '../files/file-registry';
import { ImportService } from '../import/import-service';
import { EventBus } from '../ipc/event-bus';
import { createHandlerMap, type HandlerMap } from '../ipc/handler-map';
import { JobManager } from '../jobs/job-manager';
import { createLogger } from '../logger';
import { SecretStore } from '../secrets/secret-store';
import { UpdateController } from '../updater/update-controller';
import type { UpdaterSetup } from '../updater/updater';
import { openWorkbook, type Workbook } from '../workbook/database';
import { RowsService } from '../workbook/rows-service';
import { TablesService } from '../workbook/tables-service';
import { buildHandlers } from './handlers';

export interface PlatformHooks {
  shell: 'electron' | 'web' | 'cli';
  /** Native open dialog; returns a path or null when the user cancels. */
  pickImportFile?: () => Promise<string | null>;
  /** Native save dialog. */
  pickExportPath?: (defaultName: string) => Promise<string | null>;
  /** Opens an http(s) URL in the user's browser (already checked by assertSafeExternalUrl). */
  openExternal?: (url: string) => Promise<void>;
}

export interface AppOptions {
  userDataDir: string;
  workbookPath?: string;
  version: string;
  platform: PlatformHooks;
  /** Engine tuning (tests, benchmarks). */
  engine?: RunSettings;
  /** Go on with runs a quit or crash interrupted (the app does; one-shot CLI commands do not). */
  resumeRuns?: boolean;
  /**
   * Where credits come from: 'server' is the configured licensing server (the embedded
   * one by default), as the app and the CLI run; 'local-ledger' keeps them in the
   * workbook (tests, benchmarks of the engine alone). Default 'local-ledger'.
   */
  licensing?: 'server' | 'local-ledger' | LicensingMode;
  /** Encrypts secrets at rest; Electron passes safeStorage, elsewhere a 0600 key file. */
  secrets?: SecretStore;
  /** Provider base URLs and network options (tests: loopback fakes); default from the environment. */
  providers?: ProviderEnvironment;
  /** How often a LinkedIn import asks its provider for new rows (default 3 s; tests: a few ms). */
  linkedinImportPollMs?: number;
  /** The providers and actions Settings → Providers lists; the built-in catalogue by default (tests: a test adapter). */
  settingsCatalogue?: SettingsCatalogue;
  /** The shell's auto-updater (Electron: electron-updater; web shell: only a test hook); none by default. */
  updater?: UpdaterSetup;
}

export interface App {
  workbook: Workbook;
  tables: TablesService;
  rows: RowsService;
  imports: ImportService;
  exports: ExportService;
  jobs: JobManager;
  enrichments: EnrichmentsService;
  engine: EngineService;
  /** every credit decision goes through this one */
  credits: SwitchableCredits;
  /** the workbook's own ledger: the credit client with licensing 'local-ledger', and the tests' double */
  localLedger: LocalLedger;
  /** the licensing server connection, when credits come from one */
  licensing: { current: ConnectedCredits | null };
  secrets: SecretStore;
  /** providers' API keys, base URLs and waterfall orders */
  providers: ProviderSettings;
  linkedinImport: LinkedInImportService;
  /** auto-update: checks, downloads, "Restart to update" (never while a column runs) */
  updates: UpdateController;
  events: EventBus;
  files: FileRegistry;
  handlers: HandlerMap;
  dirs: { userData: string; uploads: string; downloads: string };
  close(): Promise<void>;
}

export const defaultWorkbookPath = (userDataDir: string) => join(userDataDir, 'workbook.rowsmith');

export async function createApp(opts: AppOptions): Promise<App> {
  const dirs = {
    userData: opts.userDataDir,
    uploads: join(opts.userDataDir, 'uploads'),
    downloads: join(opts.userDataDir, 'exports'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true, mode: 0o700 });

  const events = new EventBus();
  const workbook = await openWorkbook(opts.workbookPath ?? defaultWorkbookPath(opts.userDataDir));
  const tables = new TablesService(workbook, (tableId, what) =>
    events.emit('tables/changed', { tableId, what }),
  );
  await tables.ensureDefaults();
  const rows = new RowsService(workbook, tables);
  const imports = new ImportService(workbook, tables, rows);
  const exports = new ExportService(workbook, tables);
  const jobs = new JobManager(events);
  const files = new FileRegistry();
  const secrets = opts.secrets ?? SecretStore.inFolder(opts.userDataDir);
  const providers = new ProviderSettings(secrets, workbook, opts.providers ?? providerEnvironmentFromEnv());
  const enrichments = new EnrichmentsService(workbook, tables, providers);
  const localLedger = new LocalLedger(workbook);
  const licensing: { current: ConnectedCredits | null } = { current: null };
  const credits = new SwitchableCredits(localLedger);
  const mode = opts.licensing ?? 'local-ledger';
  if (mode !== 'local-ledger') {
    const wanted = mode === 'server' ? readLicensingMode(opts.userDataDir) : mode;
    licensing.current = await connectLicensing(workbook, opts.userDataDir, secrets, wanted);
    credits.current = licensing.current.client;
    licensing.current.client.onChange(() => events.emit('credits/changed', credits.status()));
  }
  const linkedinImport = new LinkedInImportService({
    workbook,
    tables,
    credits,
    providers,
    pollMs: opts.linkedinImportPollMs,
    onRowsChanged: (tableId) => rows.changed(tableId),
  });
  const engine = new EngineService(workbook, tables, enrichments, credits, events, opts.engine);
  engine.onResultsWritten = (tableId) => rows.changed(tableId);
  const updates = new UpdateController({
    ...(opts.updater ?? { updater: null, isPackaged: false }),
    currentVersion: opts.version,
    userDataDir: opts.userDataDir,
    activeRuns: () => engine.list().filter((r) => r.status === 'running' || r.status === 'stopping').length,
    onChange: (status) => events.emit('updates/changed', status),
  });
  // "Restart to update" waits for running columns: the banner hears when that changes.
  events.subscribe((event) => {
    if (event === 'run/progress') updates.runsChanged('started');
    else if (event === 'run/finished') updates.runsChanged('finished');
  });

  const services = {
    workbook,
    tables,
    rows,
    imports,
    exports,
    jobs,
    enrichments,
    engine,
    credits,
    localLedger,
    licensing,
    secrets,
    providers,
    linkedinImport,
    updates,
    events,
    files,
    dirs,
  };
  const handlers = createHandlerMap(buildHandlers(services, opts));
  if (opts.resumeRuns) {
    await engine.resumeInterrupted();
    engine.watchCredits();
  }
  updates.start();
  return {
    ...services,
    handlers,
    async close() {
      updates.stop();
      await engine.shutdown();
      jobs.cancelAll();
      await Promise.all(
        jobs
          .list()
          .filter((j) => j.status === 'running')
          .map((j) => jobs.wait(j.jobId)),
      );
      files.clearTemporary();
      await licensing.current?.close();
      await workbook.close();
    },
  };
}

export type Services = Omit<App, 'handlers' | 'close'>;

const log = createLogger('app');

/** A remote server this workbook is not activated on yet falls back to the embedded one, and says so. */
async function connectLicensing(
  workbook: Workbook,
  userDataDir: string,
  secrets: SecretStore,
  mode: LicensingMode,
): Promise<ConnectedCredits> {
  try {
    return await connectCredits({ workbook, userDataDir, secrets, mode });
  } catch (error) {
    if (mode.mode === 'embedded') throw error;
    log.warn(
      `licensing server ${mode.serverUrl} not usable for this workbook; using the embedded one`,
      error,
    );
    const connected = await connectCredits({ workbook, userDataDir, secrets, mode: { mode: 'embedded' } });
    connected.client.lastError = (error as Error).message;
    return connected;
  }
}
