// The enrichment contract: actions (what a column can do), an enrichment's
// configuration, run scopes, cell states and runs as every process sees them. No I/O.
import { z } from 'zod';
import { type CellStatus, type ColumnType, columnTypeSchema, idSchema, viewSchema } from './model';

export { CELL_STATUSES, type CellStatus } from './model';

export interface ActionOutput {
  key: string;
  label: string;
  type: ColumnType;
}

/**
 * An option the Add column form offers for an action, with its default. The action checks
 * the value again when the column is added; options not declared here are still accepted
 * from scripts (the CLI's --config).
 */
export type ActionOption = {
  key: string;
  label: string;
  /** a sentence under the field: what it does, what it costs */
  hint?: string;
} & (
  | { type: 'boolean'; default: boolean }
  | { type: 'integer'; default: number; min: number; max: number }
  /** one line of text (a comma-separated list where the action says so) */
  | { type: 'text'; default: string; maxLength: number; placeholder?: string }
  /** any of a fixed set, as checkboxes; none picked means no filter */
  | { type: 'choices'; default: string[]; choices: { value: string; label: string }[] }
);

export type ActionOptionValue = boolean | number | string | string[];

export interface ActionInfo {
  id: string;
  name: string;
  description: string;
  /** Inputs the user maps to columns (the HTTP request action takes its inputs from templates). */
  inputs: { key: string; label: string; required: boolean }[];
  /** Fields it can produce; outputs decided by options (e.g. HTTP request) are declared there. */
  outputs: ActionOutput[];
  /** Credits charged per successful outcome (the server's price list wins once it exists). */
  price: number;
  /** How long a result may be reused instead of paying again. */
  cacheTtlSeconds: number;
  /** The table kinds the action is meant for (the Add column menu groups by them); absent: any table. */
  tables?: ('companies' | 'contacts')[];
  /** Options the Add column form shows (absent: none, or the action has its own form). */
  options?: ActionOption[];
  /** Ids of the providers the action can ask, in their default order (waterfalls: the whole list). */
  providers?: string[];
  /** The action works without any of them (they add detail when a key is set). */
  providersOptional?: boolean;
}

export const enrichmentOutputSchema = z.object({
  key: z.string().min(1).max(200),
  /** The column that receives this field: existing, or created with this name and type. */
  name: z.string().trim().min(1).max(120),
  type: columnTypeSchema,
});

export const enrichmentConfigSchema = z.object({
  actionId: z.string().min(1).max(100),
  /** action input key -> column id */
  inputs: z.record(z.string().max(100), idSchema).default({}),
  /** action-specific options, validated by the action */
  options: z.record(z.string().max(100), z.unknown()).default({}),
  /** "only run if": a safe expression over the row's fields, e.g. `Country == "DE" and Employees > 50` */
  condition: z.string().trim().max(2_000).nullable().default(null),
  outputs: z.array(enrichmentOutputSchema).min(1).max(50),
  autoRun: z.boolean().default(false),
  /** Auto-run never spends more than this on the column, in total (required with auto-run). */
  creditCap: z.number().int().min(1).max(100_000_000).nullable().default(null),
});
export type EnrichmentConfig = z.infer<typeof enrichmentConfigSchema>;
export type EnrichmentConfigInput = z.input<typeof enrichmentConfigSchema>;

export interface EnrichmentInfo {
  id: number;
  tableId: number;
  name: string;
  config: EnrichmentConfig;
  /** output key -> column id */
  columns: Record<string, number>;
}

export const runScopeSchema = z.object({
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('all') }),
    z.object({ kind: z.literal('view'), view: viewSchema }),
    z.object({ kind: z.literal('rows'), rowIds: z.array(idSchema).min(1).max(1_000_000) }),
  ]),
  /**
   * all: every row not already paid for; empty: rows never run; failed: errors, out of
   * credits, cancelled; out_of_credits: only those (what resumes after a renewal or grant)
   */
  only: z.enum(['all', 'empty', 'failed', 'out_of_credits']).default('all'),
  /** Run again even where a result was already paid for (one-cell re-run). */
  force: z.boolean().default(false),
});
export type RunScope = z.infer<typeof runScopeSchema>;
export type RunScopeInput = z.input<typeof runScopeSchema>;

export interface RunQuote {
  /** rows the run will call the provider for (or answer from the cache) */
  rows: number;
  /** rows in scope left out: the condition said no, or a result is already paid for */
  skippedByCondition: number;
  alreadyDone: number;
  pricePerRow: number;
  /** the most the run can cost: rows x price (only successful outcomes are charged) */
  maxCredits: number;
  creditsLeft: number;
}

export type RunStatus = 'running' | 'stopping' | 'stopped' | 'done' | 'failed';

export interface RunInfo {
  id: number;
  enrichmentId: number;
  tableId: number;
  /** the enrichment column's name */
  name: string;
  /** manual: the user, after a quote; auto: new or changed rows; resume: credits came back */
  trigger: 'manual' | 'auto' | 'resume';
  status: RunStatus;
  total: number;
  done: number;
  notFound: number;
  errors: number;
  outOfCredits: number;
  cached: number;
  credits: number;
  startedAt: string;
  finishedAt: string | null;
}

export const RUN_ACTIVE: readonly RunStatus[] = ['running', 'stopping'];

export interface CellAudit {
  enrichmentId: number;
  rowId: number;
  status: CellStatus;
  runId: number | null;
  provider: string | null;
  credits: number;
  cached: boolean;
  durationMs: number | null;
  error: string | null;
  raw: string | null;
  finishedAt: string | null;
}

export interface CreditStatus {
  /** the period's allowance plus its grants */
  allowance: number;
  consumed: number;
  /** held by running columns and offline leases */
  reserved: number;
  /** what can be spent now (offline: what this workbook's lease still allows) */
  remaining: number;
  periodStart: string;
  /** when the allowance renews (the 1st of the next month, in the organisation's time zone) */
  periodEnd: string;
  source: 'local' | 'server';
  /** server only: */
  online?: boolean;
  /** credits spent here that the server has not acknowledged yet */
  pending?: number;
  offlineAvailable?: number;
  leaseExpiresAt?: string | null;
  lastSyncAt?: string | null;
  /** 'embedded' for the built-in local server, else its URL */
  server?: string;
  orgName?: string;
  lastError?: string | null;
}
