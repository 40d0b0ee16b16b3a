// Builds the app's core for any shell: opens the workbook, creates the services and the
// one validated handler map. Electron, the web shell and the CLI differ only in the
// PlatformHooks they pass (native dialogs, opening links). Never imports 'electron'.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
  credits: LocalLedger;
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
  const enrichments = new EnrichmentsService(workbook, tables);
  const credits = new LocalLedger(workbook);
  const engine = new EngineService(workbook, tables, enrichments, credits, events, opts.engine);
  engine.onResultsWritten = (tableId) => rows.changed(tableId);

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
    events,
    files,
    dirs,
  };
  const handlers = createHandlerMap(buildHandlers(services, opts));
  if (opts.resumeRuns) await engine.resumeInterrupted();
  return {
    ...services,
    handlers,
    async close() {
      await engine.shutdown();
      jobs.cancelAll();
      await Promise.all(
        jobs
          .list()
          .filter((j) => j.status === 'running')
          .map((j) => jobs.wait(j.jobId)),
      );
      files.clearTemporary();
      await workbook.close();
    },
  };
}

export type Services = Omit<App, 'handlers' | 'close'>;
