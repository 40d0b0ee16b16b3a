// The implementation behind every contract channel: thin calls into the services.
// Input arrives already validated by createHandlerMap; paths never come from the
// renderer except a dropped file in Electron, which is checked here.
import { mkdtempSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { AppError } from '@shared/errors';
import type { ExportResult } from '@shared/model';
import { PROVIDERS } from '../catalogue';
import { ProviderSettingsService } from '../catalogue/provider-settings-service';
import {
  activateRemote,
  connectCredits,
  type LicensingMode,
  licensingChosen,
  readLicensingMode,
  requestCapacity,
  writeLicensingMode,
} from '../credits/licensing-service';
import { listActions } from '../engine/actions';
import { assertSafeExternalUrl } from '../files/safe-url';
import { previewTableSource } from '../import/source';
import type { HandlerImpl } from '../ipc/handler-map';
import { getJsonSetting, setJsonSetting } from '../workbook/settings';
import type { AppOptions, Services } from './create-app';

const IMPORTABLE = new Set(['.csv', '.tsv', '.txt', '.xlsx']);

export function buildHandlers(s: Services, opts: AppOptions): HandlerImpl {
  const { platform } = opts;
  const providerSettings = new ProviderSettingsService(s.providers, s.secrets, opts.settingsCatalogue);
  return {
    'app/info': async () => ({
      version: opts.version,
      shell: platform.shell,
      workbookPath: s.workbook.path,
      nativeDialogs: Boolean(platform.pickImportFile),
    }),

    'tables/list': () => s.tables.list(),
    'tables/get': ({ tableId }) => s.tables.get(tableId),
    'tables/create': ({ name }) => s.tables.create(name),
    'tables/rename': ({ tableId, name }) => s.tables.rename(tableId, name),
    'tables/delete': async ({ tableId }) => {
      await s.tables.delete(tableId);
      return { deleted: true };
    },

    'columns/add': ({ tableId, name, type }) => s.tables.addColumn(tableId, name, type),
    'columns/update': ({ columnId, ...patch }) => s.tables.updateColumn(columnId, patch),
    'columns/reorder': ({ tableId, columnIds }) => s.tables.reorder(tableId, columnIds),
    'columns/delete': async ({ columnId }) => {
      await s.tables.deleteColumn(columnId);
      return { deleted: true };
    },

    'rows/block': ({ view, start, end }) => s.rows.block(view, start, end),
    'rows/get': async ({ tableId, rowIds }) => ({ rows: await s.rows.rows(tableId, rowIds) }),
    'rows/count': async ({ view }) => ({ rowCount: await s.rows.count(view) }),
    'rows/update-cell': async ({ tableId, rowId, columnId, value }) => {
      const row = await s.rows.updateCell(tableId, rowId, columnId, value);
      void s.engine.autoRun(tableId, [rowId], columnId);
      return { row };
    },
    'rows/insert': async ({ tableId, values }) => {
      const row = await s.rows.insert(tableId, values);
      void s.engine.autoRun(tableId, [row.id]);
      return { row };
    },
    'rows/delete': async ({ tableId, selection }) => ({ deleted: await s.rows.delete(tableId, selection) }),

    'files/pick-import': async () => {
      if (!platform.pickImportFile)
        throw new AppError('not_available', 'Choose a file with the upload button instead.');
      const path = await platform.pickImportFile();
      return path ? s.files.toRef(s.files.register(checkImportable(path), 'import')) : null;
    },
    'files/register-drop': async ({ path }) => {
      if (platform.shell !== 'electron')
        throw new AppError('not_available', 'Dropped paths are only accepted from the desktop app.');
      return s.files.toRef(s.files.register(checkImportable(path), 'import'));
    },
    'files/pick-export': async ({ fileName }) => {
      if (!platform.pickExportPath)
        throw new AppError('not_available', 'This shell downloads exports instead.');
      const path = await platform.pickExportPath(fileName);
      if (!path) return null;
      const file = s.files.register(path, 'export-destination');
      return { destinationId: file.fileId, fileName: basename(path) };
    },

    'import/preview': async (input) => {
      const file = s.files.get(input.fileId, 'import');
      const preview = await previewTableSource(file.path, { ...input, fileName: file.name, sampleRows: 20 });
      const { source } = preview;
      return {
        fileName: file.name,
        format: source.format,
        sizeBytes: source.sizeBytes,
        sheets: source.sheets,
        sheet: source.sheet,
        encoding: source.encoding,
        delimiter: source.delimiter,
        headers: source.headers,
        sample: preview.sample,
        guessedTypes: preview.guessedTypes,
        problems: preview.problems,
      };
    },
    'import/start': async ({ fileId, ...request }) => {
      const file = s.files.get(fileId, 'import');
      const title = `Import ${file.name}`;
      const jobId = s.jobs.start('import', title, async (ctx) => {
        const target = request.target;
        // Auto-run columns run the rows the import adds; tables without them cost nothing here.
        const autoRun = target.kind === 'existing' && s.enrichments.autoRunIds(target.tableId).length > 0;
        const lastRowId = autoRun && target.kind === 'existing' ? s.rows.lastRowId(target.tableId) : 0;
        const result = await s.imports.run(
          { ...request, path: file.path, fileName: file.name },
          {
            signal: ctx.signal,
            onProgress: (p) => ctx.progress({ phase: 'importing', unit: 'bytes', ...p }),
          },
        );
        // New rows go through the table's auto-run columns (rows merged into are not re-run).
        if (autoRun && target.kind === 'existing' && result.inserted > 0) {
          void s.engine.autoRun(target.tableId, s.rows.idsAfter(target.tableId, lastRowId));
        }
        return result;
      });
      return { jobId };
    },
    'linkedin/import-quote': (request) => s.linkedinImport.quote(request),
    'linkedin/import-start': async (request) => {
      await s.linkedinImport.quote(request); // refuses a bad URL or table before a job starts
      const jobId = s.jobs.start('import', 'Import from LinkedIn', async (ctx) => {
        const autoRun = s.enrichments.autoRunIds(request.tableId).length > 0;
        const lastRowId = autoRun ? s.rows.lastRowId(request.tableId) : 0;
        const result = await s.linkedinImport.run(request, ctx);
        if (autoRun && result.inserted > 0) {
          void s.engine.autoRun(request.tableId, s.rows.idsAfter(request.tableId, lastRowId));
        }
        return result;
      });
      return { jobId };
    },

    'export/start': async ({ destinationId, fileName, ...request }) => {
      const table = await s.tables.get(request.view.tableId);
      const name = safeFileName(fileName ?? `${table.name}.${request.format}`, request.format);
      // Electron: the path picked in the save dialog. Web: a private folder, then a download.
      const path = destinationId
        ? s.files.get(destinationId, 'export-destination').path
        : join(mkdtempSync(join(s.dirs.downloads, 'x-')), name);
      const jobId = s.jobs.start('export', `Export ${name}`, async (ctx): Promise<ExportResult> => {
        const { rows } = await s.exports.run(
          { ...request, path },
          { signal: ctx.signal, onProgress: (p) => ctx.progress({ phase: 'exporting', unit: 'rows', ...p }) },
        );
        if (destinationId) return { rows, fileName: basename(path), path, downloadId: null };
        const download = s.files.register(path, 'download', { name, temporary: true });
        return { rows, fileName: name, path: null, downloadId: download.fileId };
      });
      return { jobId };
    },

    'jobs/list': async () => s.jobs.list(),
    'jobs/cancel': async ({ jobId }) => ({ cancelled: s.jobs.cancel(jobId) }),

    // Prices from the live price list (the server's, for this organisation).
    'actions/list': async () => listActions().map((a) => ({ ...a, price: s.credits.price(a.id) })),
    'enrichments/list': ({ tableId }) => s.enrichments.list(tableId),
    'enrichments/add': ({ tableId, name, config }) => s.enrichments.add(tableId, name, config),
    'enrichments/update': ({ enrichmentId, ...patch }) => s.enrichments.update(enrichmentId, patch),
    'enrichments/delete': async ({ enrichmentId }) => {
      await s.engine.deleteEnrichment(enrichmentId);
      return { deleted: true };
    },
    'enrichments/quote': ({ enrichmentId, scope }) => s.engine.quote(enrichmentId, scope),
    'runs/start': ({ enrichmentId, scope }) => s.engine.start(enrichmentId, scope),
    'runs/stop': async ({ runId }) => ({ stopped: s.engine.stop(runId) }),
    'runs/list': async () => s.engine.list(),
    'cells/audit': async ({ enrichmentId, rowId }) => s.engine.audit(enrichmentId, rowId),
    'credits/status': async () => s.engine.creditStatus(),
    'credits/request-capacity': (input) => requestCapacity(s.licensing.current, input),
    'licensing/connect': async ({ serverUrl, licenseKey, userEmail }) => {
      await activateRemote({
        workbook: s.workbook,
        userDataDir: s.dirs.userData,
        secrets: s.secrets,
        serverUrl,
        licenseKey,
        userEmail,
      });
      return switchLicensing(s, readLicensingMode(s.dirs.userData));
    },
    'licensing/use-embedded': async () => {
      writeLicensingMode(s.dirs.userData, { mode: 'embedded' });
      return switchLicensing(s, { mode: 'embedded' });
    },
    'licensing/first-run': async () => ({ needed: !licensingChosen(s.dirs.userData) }),

    // Kept in the workbook: table ids mean nothing in another workbook.
    'workspace/state': async () => {
      const lastTableId = getJsonSetting<number>(s.workbook.conn, 'workspace.lastTableId');
      const exists = lastTableId !== null && (await s.tables.list()).some((t) => t.id === lastTableId);
      return { lastTableId: exists ? lastTableId : null };
    },
    'workspace/open-table': async ({ tableId }) => {
      setJsonSetting(s.workbook.conn, 'workspace.lastTableId', tableId);
      return { saved: true };
    },

    'providers/list': async () => providerSettings.list(),
    'providers/set-key': async ({ providerId, key }) => providerSettings.setKey(providerId, key),
    'providers/test': ({ providerId }) => providerSettings.test(providerId),
    'waterfalls/list': async () => providerSettings.waterfalls(),
    'waterfalls/get': async ({ waterfallId }) => providerSettings.getWaterfall(waterfallId),
    'waterfalls/set-order': async ({ waterfallId, providerIds }) =>
      providerSettings.setOrder(waterfallId, providerIds),

    'updates/status': async () => s.updates.status(),
    'updates/check': () => s.updates.check(),
    'updates/download': async () => s.updates.download(),
    'updates/install': async () => s.updates.install(),
    'updates/set-channel': ({ channel }) => s.updates.setChannel(channel),

    'diagnostics/collect': async () => {
      let secrets: string[] = [];
      try {
        secrets = s.secrets.values();
      } catch {
        // undecryptable secrets cannot leak either; the diagnostics still help
      }
      // Loaded when asked for: start-up never pays for the log reader.
      const { collectDiagnostics } = await import('./diagnostics');
      const text = collectDiagnostics({
        version: opts.version,
        shell: platform.shell,
        userDataDir: s.dirs.userData,
        workbookPath: s.workbook.path,
        tables: await s.tables.list(),
        runs: s.engine.list(),
        credits: s.engine.creditStatus(),
        licensing: readLicensingMode(s.dirs.userData),
        updates: s.updates.status(),
        providers: PROVIDERS.filter((p) => p.needsKey).map((p) => ({
          id: p.id,
          hasKey: s.providers.hasKey(p.id),
        })),
        secrets,
      });
      return { text };
    },

    'shell/open-external': async ({ url }) => {
      const safe = assertSafeExternalUrl(url);
      if (!platform.openExternal) return { opened: false };
      await platform.openExternal(safe.toString());
      return { opened: true };
    },
  };
}

function checkImportable(path: string): string {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    throw new AppError('not_found', `${basename(path)} cannot be read.`);
  }
  if (!stats.isFile()) throw new AppError('unsupported_file', `${basename(path)} is not a file.`);
  if (!IMPORTABLE.has(extname(path).toLowerCase())) {
    throw new AppError('unsupported_file', `${basename(path)} is not a CSV or XLSX file.`);
  }
  return path;
}

/** A file name safe on every OS, with the right extension. */
function safeFileName(wanted: string, format: 'csv' | 'xlsx'): string {
  const cleaned =
    [...wanted]
      .map((c) => (c.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(c) ? '_' : c))
      .join('')
      .replace(/^\.+/, '')
      .trim() || 'export';
  return extname(cleaned).toLowerCase() === `.${format}` ? cleaned : `${cleaned}.${format}`;
}

/** Swaps the credit client for one on another server; only while no column is running. */
async function switchLicensing(s: Services, mode: LicensingMode) {
  if (s.engine.list().some((r) => r.status === 'running' || r.status === 'stopping')) {
    throw new AppError('conflict', 'Stop the running columns before switching licensing servers.');
  }
  const next = await connectCredits({
    workbook: s.workbook,
    userDataDir: s.dirs.userData,
    secrets: s.secrets,
    mode,
  });
  const previous = s.licensing.current;
  s.licensing.current = next;
  s.credits.current = next.client;
  next.client.onChange(() => s.events.emit('credits/changed', s.credits.status()));
  await previous?.close();
  const status = s.credits.status();
  s.events.emit('credits/changed', status);
  return status;
}
