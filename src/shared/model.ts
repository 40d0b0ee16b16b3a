// The workbook's data model as every process sees it: tables, typed columns, rows,
// views (sort + filter + search) and jobs. Pure types and zod schemas; never any I/O.
import { z } from 'zod';

export const COLUMN_TYPES = ['text', 'number', 'boolean', 'date', 'url', 'email', 'phone', 'json'] as const;
export const columnTypeSchema = z.enum(COLUMN_TYPES);
export type ColumnType = z.infer<typeof columnTypeSchema>;

/**
 * companies and contacts: the two linked tables every workbook has. jobs: a company's job
 * postings, linked to it, made by the Company jobs column when asked (deletable; made again
 * on the next such run). custom: the user's own tables.
 */
export const TABLE_KINDS = ['companies', 'contacts', 'jobs', 'custom'] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

/** The tables every workbook keeps: they cannot be deleted. */
export const isBuiltInTable = (kind: TableKind): boolean => kind === 'companies' || kind === 'contacts';

export const idSchema = z.number().int().positive();

/** The states of an enrichment cell. */
export const CELL_STATUSES = [
  'queued',
  'running',
  'done',
  'not_found',
  'error',
  'skipped',
  'out_of_credits',
  'cancelled',
] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

/** A cell value as it crosses IPC. Dates are ISO strings, JSON is its text. */
export const cellValueSchema = z.union([z.string().max(1_000_000), z.number(), z.boolean(), z.null()]);
export type CellValue = z.infer<typeof cellValueSchema>;

export interface ColumnInfo {
  id: number;
  tableId: number;
  name: string;
  type: ColumnType;
  position: number;
  hidden: boolean;
  width: number | null;
  /** Built-in link column (a contact's or a job's company); it cannot be retyped or deleted. */
  system: 'company_link' | null;
  /** The enrichment column whose results land here, and which of its output fields. */
  enrichmentId: number | null;
  outputKey: string | null;
}

export interface TableInfo {
  id: number;
  name: string;
  kind: TableKind;
  rowCount: number;
  columns: ColumnInfo[];
}

/** Key used for a column's value in a row object, so ids never clash with names. */
export const columnKey = (columnId: number): string => `c${columnId}`;

export interface RowData {
  id: number;
  /** Values keyed by columnKey(columnId). */
  cells: Record<string, CellValue>;
  /**
   * The row's enrichment cell states, keyed by enrichment id; absent for a row that
   * was never queued for that enrichment (and for tables without enrichments).
   */
  runs?: Record<string, RowRunState>;
}

/** What a cell of an enrichment column shows besides its value; the audit has the rest. */
export interface RowRunState {
  status: CellStatus;
  /** short reason for error, out of credits and skipped cells */
  error: string | null;
  cached: boolean;
}

// ---- Filters: the shapes of AG Grid's simple filter models, checked at run time. ----

const textConditionSchema = z.object({
  filterType: z.literal('text'),
  type: z.enum([
    'contains',
    'notContains',
    'equals',
    'notEqual',
    'startsWith',
    'endsWith',
    'blank',
    'notBlank',
  ]),
  filter: z.string().max(10_000).nullish(),
});
const numberConditionSchema = z.object({
  filterType: z.literal('number'),
  type: z.enum([
    'equals',
    'notEqual',
    'lessThan',
    'lessThanOrEqual',
    'greaterThan',
    'greaterThanOrEqual',
    'inRange',
    'blank',
    'notBlank',
  ]),
  filter: z.number().nullish(),
  filterTo: z.number().nullish(),
});
const dateConditionSchema = z.object({
  filterType: z.literal('date'),
  type: z.enum(['equals', 'notEqual', 'lessThan', 'greaterThan', 'inRange', 'blank', 'notBlank']),
  dateFrom: z.string().max(40).nullish(),
  dateTo: z.string().max(40).nullish(),
});
export const filterConditionSchema = z.discriminatedUnion('filterType', [
  textConditionSchema,
  numberConditionSchema,
  dateConditionSchema,
]);
export type FilterCondition = z.infer<typeof filterConditionSchema>;

const combinedFilterSchema = z.object({
  filterType: z.enum(['text', 'number', 'date']),
  operator: z.enum(['AND', 'OR']),
  conditions: z.array(filterConditionSchema).min(1).max(10),
});
export const columnFilterSchema = z.union([combinedFilterSchema, filterConditionSchema]);
export type ColumnFilter = z.infer<typeof columnFilterSchema>;

export const sortSchema = z.object({ columnId: idSchema, dir: z.enum(['asc', 'desc']) });
export type SortSpec = z.infer<typeof sortSchema>;

/** What the grid shows: a table seen through a sort, per-column filters and a search. */
export const viewSchema = z.object({
  tableId: idSchema,
  sort: z.array(sortSchema).max(8).default([]),
  /** columnKey(columnId) -> filter */
  filter: z.record(z.string().regex(/^c\d+$/), columnFilterSchema).default({}),
  search: z.string().max(1_000).default(''),
});
export type ViewSpec = z.infer<typeof viewSchema>;
export type ViewInput = z.input<typeof viewSchema>;

// ---- Jobs (import, export): a lifecycle with progress, like a download manager. ----

export type JobKind = 'import' | 'export';
export type JobStatus = 'running' | 'done' | 'cancelled' | 'failed';

export interface JobProgress {
  jobId: string;
  kind: JobKind;
  /** e.g. 'reading', 'writing', 'indexing' */
  phase: string;
  processed: number;
  total: number | null;
  unit: 'bytes' | 'rows';
  /** rows handled so far (imports count rows even when progress is in bytes) */
  rows: number;
  etaMs: number | null;
}

export interface ImportProblem {
  /** 1-based physical line in the file (or row number in a sheet) */
  line: number;
  reason: string;
}

export interface ImportResult {
  tableId: number;
  inserted: number;
  updated: number;
  skipped: number;
  problems: ImportProblem[];
  problemCount: number;
}

export interface ExportResult {
  rows: number;
  fileName: string;
  /** Electron / CLI: where the file was written. */
  path: string | null;
  /** Web shell: the id to download it from. */
  downloadId: string | null;
}

export interface JobInfo {
  jobId: string;
  kind: JobKind;
  status: JobStatus;
  title: string;
  progress: JobProgress | null;
  result: ImportResult | ExportResult | null;
  error: { code: string; message: string } | null;
}
