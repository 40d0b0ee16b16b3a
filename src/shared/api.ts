// The one contract between the renderer and the main process. Every channel has a zod
// input schema (checked at run time by the handler map) and an output type; every
// pushed event has a payload type. Preload, web bridge, handlers and CLI all type-check
// against this file. No I/O here.
import { z } from 'zod';
import type { MenuCommand } from './commands';
import {
  type ActionInfo,
  type CellAudit,
  type CreditStatus,
  type EnrichmentInfo,
  enrichmentConfigSchema,
  type RunInfo,
  type RunQuote,
  runScopeSchema,
} from './enrichment';
import { type LinkedInImportQuote, linkedInImportSchema } from './linkedin-import';
import {
  type CellValue,
  type ColumnInfo,
  cellValueSchema,
  columnTypeSchema,
  type ExportResult,
  type ImportResult,
  idSchema,
  type JobInfo,
  type JobProgress,
  type RowData,
  type TableInfo,
  viewSchema,
} from './model';
import {
  type ConnectionTest,
  type ProviderEntry,
  type ProviderList,
  providerIdSchema,
  providerKeySchema,
  type WaterfallInfo,
  waterfallIdSchema,
} from './provider-settings';
import { type UpdateStatus, updateChannelSchema } from './updates';

const name = z.string().trim().min(1, 'a name is required').max(120);
const fileId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a file id');

export const importMappingSchema = z.object({
  /** 0-based index of the source column */
  source: z.number().int().min(0).max(10_000),
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('column'), columnId: idSchema }),
    z.object({ kind: z.literal('new'), name, type: columnTypeSchema }),
    z.object({ kind: z.literal('skip') }),
  ]),
});
export type ImportMapping = z.infer<typeof importMappingSchema>;

export const importSourceOptionsSchema = z.object({
  fileId,
  /** XLSX: which sheet (default the first) */
  sheet: z.string().max(200).optional(),
  /** CSV: override detection */
  delimiter: z.enum([',', ';', '\t', '|']).optional(),
  encoding: z.enum(['utf-8', 'utf-16le', 'utf-16be', 'windows-1252']).optional(),
  hasHeader: z.boolean().default(true),
});
export type ImportSourceOptions = z.infer<typeof importSourceOptionsSchema>;

export const importStartSchema = importSourceOptionsSchema.extend({
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('existing'), tableId: idSchema }),
    z.object({ kind: z.literal('new'), name }),
  ]),
  mapping: z.array(importMappingSchema).min(1).max(2_000),
  /** Source column whose value identifies a row; duplicates are skipped or merged. */
  key: z.object({ source: z.number().int().min(0), onDuplicate: z.enum(['skip', 'merge']) }).nullish(),
});
export type ImportStartInput = z.infer<typeof importStartSchema>;

export interface ImportPreview {
  fileName: string;
  format: 'csv' | 'xlsx';
  sizeBytes: number;
  sheets: string[];
  sheet: string | null;
  encoding: string | null;
  delimiter: string | null;
  headers: string[];
  sample: string[][];
  guessedTypes: z.infer<typeof columnTypeSchema>[];
  problems: { line: number; reason: string }[];
}

export interface FileRef {
  fileId: string;
  name: string;
  size: number;
}

export const exportStartSchema = z.object({
  view: viewSchema,
  columnIds: z.array(idSchema).min(1).max(2_000),
  format: z.enum(['csv', 'xlsx']),
  /** Prefix cells starting with = + - @ tab or CR so spreadsheets never run them. */
  neutraliseFormulas: z.boolean().default(true),
  /** Electron and CLI: a path chosen by the user in a save dialog. */
  destinationId: fileId.optional(),
  fileName: z.string().trim().min(1).max(200).optional(),
});
export type ExportStartInput = z.infer<typeof exportStartSchema>;

export const rowSelectionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ids'), ids: z.array(idSchema).min(1).max(1_000_000) }),
  /** "select all in filter": every row of the view except the ones unticked */
  z.object({
    kind: z.literal('view'),
    view: viewSchema,
    exceptIds: z.array(idSchema).max(1_000_000).default([]),
  }),
]);
export type RowSelection = z.infer<typeof rowSelectionSchema>;

export interface AppInfo {
  version: string;
  shell: 'electron' | 'web' | 'cli';
  workbookPath: string;
  /** Electron has native open/save dialogs; the web shell uploads and downloads. */
  nativeDialogs: boolean;
}

const empty = z.object({}).strict().default({});

/** Every channel: its input schema and (phantom) output type. */
export const channels = {
  'app/info': { input: empty, output: {} as AppInfo },
  'tables/list': { input: empty, output: [] as TableInfo[] },
  'tables/get': { input: z.object({ tableId: idSchema }), output: {} as TableInfo },
  'tables/create': { input: z.object({ name }), output: {} as TableInfo },
  'tables/rename': { input: z.object({ tableId: idSchema, name }), output: {} as TableInfo },
  'tables/delete': { input: z.object({ tableId: idSchema }), output: {} as { deleted: true } },

  'columns/add': {
    input: z.object({ tableId: idSchema, name, type: columnTypeSchema }),
    output: {} as ColumnInfo,
  },
  'columns/update': {
    input: z.object({
      columnId: idSchema,
      name: name.optional(),
      type: columnTypeSchema.optional(),
      hidden: z.boolean().optional(),
      width: z.number().int().min(20).max(2_000).nullable().optional(),
    }),
    output: {} as { column: ColumnInfo; unconverted: number },
  },
  'columns/reorder': {
    input: z.object({ tableId: idSchema, columnIds: z.array(idSchema).min(1).max(2_000) }),
    output: {} as TableInfo,
  },
  'columns/delete': { input: z.object({ columnId: idSchema }), output: {} as { deleted: true } },

  'rows/block': {
    input: z.object({
      view: viewSchema,
      start: z.number().int().min(0),
      end: z.number().int().min(0),
    }),
    output: {} as { rows: RowData[]; rowCount: number },
  },
  /** The rows a run just changed, as they are now (the grid refreshes only those). */
  'rows/get': {
    input: z.object({ tableId: idSchema, rowIds: z.array(idSchema).min(1).max(1_000) }),
    output: {} as { rows: RowData[] },
  },
  'rows/count': { input: z.object({ view: viewSchema }), output: {} as { rowCount: number } },
  'rows/update-cell': {
    input: z.object({ tableId: idSchema, rowId: idSchema, columnId: idSchema, value: cellValueSchema }),
    output: {} as { row: RowData },
  },
  'rows/insert': {
    input: z.object({
      tableId: idSchema,
      values: z.record(z.string().regex(/^c\d+$/), cellValueSchema).default({}),
    }),
    output: {} as { row: RowData },
  },
  'rows/delete': {
    input: z.object({ tableId: idSchema, selection: rowSelectionSchema }),
    output: {} as { deleted: number },
  },

  /** Electron only: the native open dialog. The web shell uploads instead. */
  'files/pick-import': { input: empty, output: {} as FileRef | null },
  /** Electron only: a path dropped on the window, resolved by the preload. */
  'files/register-drop': { input: z.object({ path: z.string().min(1).max(4_096) }), output: {} as FileRef },
  /** Electron only: the native save dialog; returns a destination id for export/start. */
  'files/pick-export': {
    input: z.object({ fileName: z.string().min(1).max(200) }),
    output: {} as { destinationId: string; fileName: string } | null,
  },

  'import/preview': { input: importSourceOptionsSchema, output: {} as ImportPreview },
  'import/start': { input: importStartSchema, output: {} as { jobId: string } },
  /** What importing a LinkedIn search would cost, before anything is spent. */
  'linkedin/import-quote': { input: linkedInImportSchema, output: {} as LinkedInImportQuote },
  /** Imports a LinkedIn search's people as a job (progress, Cancel) charged per new row. */
  'linkedin/import-start': { input: linkedInImportSchema, output: {} as { jobId: string } },
  'export/start': { input: exportStartSchema, output: {} as { jobId: string } },
  'jobs/list': { input: empty, output: [] as JobInfo[] },
  'jobs/cancel': {
    input: z.object({ jobId: z.string().min(1).max(64) }),
    output: {} as { cancelled: boolean },
  },

  'actions/list': { input: empty, output: [] as ActionInfo[] },
  'enrichments/list': { input: z.object({ tableId: idSchema }), output: [] as EnrichmentInfo[] },
  'enrichments/add': {
    input: z.object({ tableId: idSchema, name, config: enrichmentConfigSchema }),
    output: {} as EnrichmentInfo,
  },
  'enrichments/update': {
    input: z.object({
      enrichmentId: idSchema,
      name: name.optional(),
      condition: z.string().trim().max(2_000).nullable().optional(),
      autoRun: z.boolean().optional(),
      creditCap: z.number().int().min(1).max(100_000_000).nullable().optional(),
      options: z.record(z.string().max(100), z.unknown()).optional(),
    }),
    output: {} as EnrichmentInfo,
  },
  'enrichments/delete': { input: z.object({ enrichmentId: idSchema }), output: {} as { deleted: true } },
  'enrichments/quote': {
    input: z.object({ enrichmentId: idSchema, scope: runScopeSchema }),
    output: {} as RunQuote,
  },
  'runs/start': { input: z.object({ enrichmentId: idSchema, scope: runScopeSchema }), output: {} as RunInfo },
  'runs/stop': { input: z.object({ runId: idSchema }), output: {} as { stopped: boolean } },
  'runs/list': { input: empty, output: [] as RunInfo[] },
  'cells/audit': {
    input: z.object({ enrichmentId: idSchema, rowId: idSchema }),
    output: {} as CellAudit | null,
  },
  'credits/status': { input: empty, output: {} as CreditStatus },
  /** "Request more credits": files a capacity request with the organisation's vendor. */
  'credits/request-capacity': {
    input: z.object({
      credits: z.number().int().min(1).max(1_000_000_000).optional(),
      message: z.string().trim().min(1, 'Say what you need the credits for').max(2_000),
    }),
    output: {} as { requested: true },
  },
  /** Connects this workbook to a remote licensing server with a license key. */
  'licensing/connect': {
    input: z.object({
      serverUrl: z.string().trim().min(1).max(2_000),
      licenseKey: z.string().trim().min(1).max(200),
      userEmail: z.email().max(320),
    }),
    output: {} as CreditStatus,
  },
  /** Back to the embedded licensing server (the demo organisation). */
  'licensing/use-embedded': { input: empty, output: {} as CreditStatus },
  /** True until the user has chosen a licensing server or the demo (the first-run screen). */
  'licensing/first-run': { input: empty, output: {} as { needed: boolean } },

  /** The table the window showed last, so the next start opens it again. */
  'workspace/state': { input: empty, output: {} as { lastTableId: number | null } },
  'workspace/open-table': { input: z.object({ tableId: idSchema }), output: {} as { saved: true } },

  /** Settings → Providers: every provider with its key status (never the key) and how keys are protected. */
  'providers/list': { input: empty, output: {} as ProviderList },
  /** Sets, replaces (a string) or removes (null) a provider's API key; stored encrypted in the main process. */
  'providers/set-key': {
    input: z.object({ providerId: providerIdSchema, key: providerKeySchema }),
    output: {} as ProviderEntry,
  },
  /** One cheap authenticated call with the saved key (at most 10 s). */
  'providers/test': { input: z.object({ providerId: providerIdSchema }), output: {} as ConnectionTest },
  /** Actions that try several providers in turn, each with its order. */
  'waterfalls/list': { input: empty, output: [] as WaterfallInfo[] },
  'waterfalls/get': { input: z.object({ waterfallId: waterfallIdSchema }), output: {} as WaterfallInfo },
  /** The enabled providers in the order to ask them; null goes back to the default order. */
  'waterfalls/set-order': {
    input: z.object({
      waterfallId: waterfallIdSchema,
      providerIds: z.array(providerIdSchema).min(1, 'Keep at least one provider on.').max(50).nullable(),
    }),
    output: {} as WaterfallInfo,
  },

  /** Auto-update (the packaged app): status, check, download, "Restart to update", the channel. */
  'updates/status': { input: empty, output: {} as UpdateStatus },
  'updates/check': { input: empty, output: {} as UpdateStatus },
  'updates/download': { input: empty, output: {} as UpdateStatus },
  /** Refused (busy) while a column is running. */
  'updates/install': { input: empty, output: {} as { installing: true } },
  'updates/set-channel': {
    input: z.object({ channel: updateChannelSchema }).strict(),
    output: {} as UpdateStatus,
  },

  /** Plain text for a support ticket: versions, workbook shape, credits, runs, log tail; never a secret. */
  'diagnostics/collect': { input: empty, output: {} as { text: string } },

  'shell/open-external': {
    input: z.object({ url: z.string().url().max(4_096) }),
    output: {} as { opened: boolean },
  },
} as const;

export type Channel = keyof typeof channels;
export type ChannelInput<C extends Channel> = z.input<(typeof channels)[C]['input']>;
export type ChannelParsedInput<C extends Channel> = z.output<(typeof channels)[C]['input']>;
export type ChannelOutput<C extends Channel> = (typeof channels)[C]['output'];

export const CHANNELS = Object.keys(channels) as Channel[];
export const isChannel = (value: unknown): value is Channel =>
  typeof value === 'string' && Object.hasOwn(channels, value);

/** Events pushed from main to the renderer. */
export interface ServerEvents {
  'job/progress': JobProgress;
  'job/finished': JobInfo;
  'tables/changed': { tableId: number | null; what: 'rows' | 'columns' | 'tables' };
  /** Coalesced (at most ~10 a second per run), with the rows whose cells changed. */
  'run/progress': { run: RunInfo; rowIds: number[] };
  'run/finished': RunInfo;
  /** The balance changed on the server, or the server went out of reach or came back. */
  'credits/changed': CreditStatus;
  /** The updater's phase, progress or channel changed, or whether it may restart now. */
  'updates/changed': UpdateStatus;
  /** Electron: the user picked an item of the application menu (or pressed its shortcut). */
  'menu/command': { command: MenuCommand };
}
export type EventName = keyof ServerEvents;
export const EVENT_NAMES: EventName[] = [
  'job/progress',
  'job/finished',
  'tables/changed',
  'run/progress',
  'run/finished',
  'credits/changed',
  'updates/changed',
  'menu/command',
];

/** What the preload (Electron) or the web bridge (browser) exposes as window.rowsmith. */
export interface RowsmithBridge {
  invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  on<E extends EventName>(event: E, listener: (payload: ServerEvents[E]) => void): () => void;
  /** Electron: the path of a dropped File (via webUtils). Web: uploads it and returns its ref. */
  fileFromDrop(file: File): Promise<FileRef>;
  /** Web shell only: upload a picked file. */
  upload?(file: File, onProgress?: (sent: number, total: number) => void): Promise<FileRef>;
  /** Web shell only: URL to download an export. */
  downloadUrl?(downloadId: string): string;
  readonly shell: 'electron' | 'web';
}

export type { CellValue, ExportResult, ImportResult };
