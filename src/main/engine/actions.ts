// The catalogue as the engine sees it: each action says what it needs from a row, which
// provider it calls (for rate limits), how to key its cache, and how to run once. The
// provider actions live in ../catalogue; the generic HTTP request action is here
// because users rely on it for any API without a built-in integration.
import type { ActionInfo } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type { CellValue, ColumnType } from '@shared/model';
import { CATALOGUE } from '../catalogue';
import type { ProviderAccess } from '../catalogue/providers';
import type { LinkedTableKind } from '../workbook/tables-service';
import { type HttpRequestConfig, httpRequestConfigSchema, runHttpRequest } from './http-request-action';
import { renderTemplate, templateColumns } from './template';

export type ActionOutcome =
  | {
      status: 'done';
      values: Record<string, unknown>;
      raw: string;
      /** units charged at the action's price (default 1; e.g. contacts added); at most maxUnits */
      units?: number;
      /** the provider that answered, when the action asks several (a waterfall) */
      provider?: string;
      /** rows the outcome adds to another table (a company's people as contacts, its jobs) */
      linkedRows?: LinkedRows;
      /** false: an answer that may change soon (a greylisted mailbox): asked again next time, not cached */
      cache?: boolean;
    }
  | { status: 'not_found'; raw: string; provider?: string };

/**
 * Where an action's linked rows go: the workbook's first table of `tableKind` (created,
 * linked to Companies, if there is none), with these columns added when missing. A row
 * already in the table (see `dedupe`) is not added again; each added row links back to
 * the row that found it through the table's company link, when that row is a company.
 */
export interface LinkedRowsSpec {
  tableKind: LinkedTableKind;
  /** the name the table gets if it has to be created */
  tableName: string;
  /** column name -> type */
  columns: Record<string, ColumnType>;
  /**
   * How a row already in the table is recognised: by the first of these keys (column
   * names) whose first column has a value in the new row; its other columns compare as
   * they are, an empty cell matching an empty cell. A row no key applies to is not added.
   */
  dedupe: string[][];
  /**
   * row_added: one unit per row actually added, whatever `units` the outcome says (a
   * contact already in Contacts costs nothing). lookup: the outcome is charged as any
   * other and the rows come with it at no extra cost.
   */
  chargePer: 'row_added' | 'lookup';
  /** the output key that receives the number of rows actually added */
  countKey?: string;
}

/** Rows found for one input row: values by column name of the target table. */
export type LinkedRows = Record<string, CellValue>[];

/** A row as an action sees it: values by column name. */
export type RowInput = Record<string, CellValue>;

export interface PreparedAction {
  providerId: string;
  ratePerSecond: number;
  burst: number;
  /** Column names the action reads (checked against the table when the column is added). */
  columns: string[];
  /** The fields an outcome's values may hold; enrichment outputs must be among them. */
  outputKeys: string[];
  /** Normalised input: equal keys mean the same question, answered once and cached. */
  cacheKey(row: RowInput): string;
  execute(row: RowInput, signal: AbortSignal): Promise<ActionOutcome>;
  /**
   * How long one row's call may take before it is abandoned (default: the engine's 30 s).
   * A call that is many requests (a waterfall), a model's long answer or a greylisting
   * wait asks for more; its own requests keep their own, shorter, timeouts.
   */
  timeoutMs?: number;
  /** The most units one row can be charged (default 1): the quote and the budget reserve this. */
  maxUnits?: number;
  /** Outcomes add rows to another table (charged as `chargePer` says). */
  linkedRows?: LinkedRowsSpec;
}

export interface ActionDefinition {
  info: ActionInfo;
  /**
   * Validates options (throws AppError('invalid_input')) and returns a ready-to-run action.
   * `inputs` maps each of the action's mapped inputs to the name of its column.
   */
  prepare(options: Record<string, unknown>, context: PrepareContext): PreparedAction;
}

export interface PrepareContext {
  inputs: Record<string, string>;
  /** providers' keys, base URLs and waterfall order, read at call time */
  providers: ProviderAccess;
}

const httpRequest: ActionDefinition = {
  info: {
    id: 'http.request',
    name: 'HTTP request',
    description:
      'Call any JSON API once per row: URL, headers and body can use {{Column}} values; fields are read from the response by path.',
    inputs: [],
    outputs: [],
    price: 1,
    cacheTtlSeconds: 7 * 24 * 3600,
  },
  prepare(options) {
    const parsed = httpRequestConfigSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(
        'invalid_input',
        `HTTP request: ${issue?.message ?? 'invalid options'} at ${issue?.path.join('.') ?? ''}`,
      );
    }
    const config: HttpRequestConfig = parsed.data;
    const templates = [config.url, ...Object.values(config.headers), config.body ?? ''];
    let host = 'http';
    try {
      host = new URL(config.url.replace(/\{\{[^}]*\}\}/g, 'x')).host;
    } catch {
      // the URL is all template: one shared limit
    }
    const outputsKey = JSON.stringify(config.outputs);
    // cacheKey and execute see the same row one after the other: render its URL once.
    let lastRow: RowInput | null = null;
    let lastUrl = '';
    const renderUrl = (row: RowInput): string => {
      if (row !== lastRow) {
        lastUrl = renderTemplate(config.url, row, { encode: 'url' });
        lastRow = row;
      }
      return lastUrl;
    };
    return {
      providerId: `http:${host}`,
      ratePerSecond: config.ratePerSecond,
      burst: Math.max(1, Math.ceil(config.ratePerSecond)),
      // The column's own request timeout is the call's, whether shorter or longer than the engine's.
      timeoutMs: config.timeoutMs,
      columns: [...new Set(templates.flatMap((t) => templateColumns(t)))],
      outputKeys: config.outputs.map((o) => o.key),
      // The same question for the same fields: method, URL and body as sent, and the paths read.
      cacheKey: (row) =>
        `${config.method} ${renderUrl(row)}\n${config.body === null ? '' : renderTemplate(config.body, row, { encode: 'json' })}\n${outputsKey}`,
      execute: (row, signal) => runHttpRequest(config, row, signal, renderUrl(row)),
    };
  },
};

const ACTIONS = new Map<string, ActionDefinition>(
  [httpRequest, ...CATALOGUE].map((action) => [action.info.id, action]),
);

export function actionDefinition(id: string): ActionDefinition {
  const action = ACTIONS.get(id);
  if (!action) throw new AppError('not_found', `Unknown action “${id}”.`);
  return action;
}

export function listActions(): ActionInfo[] {
  return [...ACTIONS.values()].map((a) => a.info);
}
