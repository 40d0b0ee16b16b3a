// Enrichment columns: an action configured on a table (inputs, options, condition) whose
// chosen output fields are real columns of the table. Validates everything when the
// column is added or changed, so a run never starts on a configuration that cannot work.
import {
  type EnrichmentConfig,
  type EnrichmentConfigInput,
  type EnrichmentInfo,
  enrichmentConfigSchema,
} from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type { ColumnInfo } from '@shared/model';
import type { ProviderAccess } from '../catalogue/providers';
import type { Workbook } from '../workbook/database';
import type { TablesService } from '../workbook/tables-service';
import { actionDefinition, type PreparedAction } from './actions';
import { type CompiledCondition, compileCondition } from './condition';

export interface LoadedEnrichment extends EnrichmentInfo {
  action: PreparedAction;
  condition: CompiledCondition | null;
  /** Names of the columns the enrichment reads (action inputs, templates, condition), lower-cased. */
  reads: Set<string>;
}

export type EnrichmentPatch = Partial<
  Pick<EnrichmentConfig, 'condition' | 'autoRun' | 'creditCap' | 'options'> & { name: string }
>;

export class EnrichmentsService {
  constructor(
    private readonly workbook: Workbook,
    private readonly tables: TablesService,
    private readonly providers: ProviderAccess,
  ) {}

  async add(tableId: number, name: string, input: EnrichmentConfigInput): Promise<EnrichmentInfo> {
    const config = parseConfig(input);
    const table = await this.tables.get(tableId);
    prepareChecked(config, table.columns, this.providers);
    const conn = this.workbook.conn;
    const id = Number(
      conn
        .prepare('INSERT INTO enrichments (table_id, name, config) VALUES (?, ?, ?)')
        .run(tableId, name, JSON.stringify(config)).lastInsertRowid,
    );
    try {
      for (const output of config.outputs) {
        const existing = table.columns.find((c) => c.name.toLowerCase() === output.name.toLowerCase());
        if (existing?.system)
          throw new AppError('invalid_input', `${existing.name} cannot receive enrichment results.`);
        if (existing && existing.enrichmentId !== null)
          throw new AppError('conflict', `${existing.name} already receives another enrichment's results.`);
        const column = existing ?? (await this.tables.addColumn(tableId, output.name, output.type));
        conn
          .prepare('UPDATE columns SET enrichment_id = ?, output_key = ? WHERE id = ?')
          .run(id, output.key, column.id);
      }
    } catch (error) {
      conn.prepare('DELETE FROM enrichments WHERE id = ?').run(id);
      throw error;
    }
    this.tables.columnsChanged(tableId);
    return this.get(id);
  }

  /** Changes what the column does from now on; results already in cells stay. */
  async update(id: number, patch: EnrichmentPatch): Promise<EnrichmentInfo> {
    const current = await this.get(id);
    const config = parseConfig({
      ...current.config,
      ...(patch.condition !== undefined ? { condition: patch.condition } : {}),
      ...(patch.autoRun !== undefined ? { autoRun: patch.autoRun } : {}),
      ...(patch.creditCap !== undefined ? { creditCap: patch.creditCap } : {}),
      ...(patch.options !== undefined ? { options: patch.options } : {}),
    });
    const columns = await this.tables.columns(current.tableId);
    prepareChecked(config, columns, this.providers);
    this.workbook.conn
      .prepare('UPDATE enrichments SET name = ?, config = ? WHERE id = ?')
      .run(patch.name ?? current.name, JSON.stringify(config), id);
    this.tables.columnsChanged(current.tableId);
    return this.get(id);
  }

  async get(id: number): Promise<EnrichmentInfo> {
    const row = this.workbook.conn
      .prepare('SELECT id, table_id, name, config FROM enrichments WHERE id = ?')
      .get(id) as { id: number; table_id: number; name: string; config: string } | undefined;
    if (!row) throw new AppError('not_found', 'That enrichment no longer exists.');
    const columns = this.workbook.conn
      .prepare('SELECT id, output_key FROM columns WHERE enrichment_id = ?')
      .all(id) as { id: number; output_key: string }[];
    return {
      id: row.id,
      tableId: row.table_id,
      name: row.name,
      config: JSON.parse(row.config) as EnrichmentConfig,
      columns: Object.fromEntries(columns.map((c) => [c.output_key, c.id])),
    };
  }

  async list(tableId: number): Promise<EnrichmentInfo[]> {
    const ids = this.workbook.conn
      .prepare('SELECT id FROM enrichments WHERE table_id = ? ORDER BY id')
      .pluck()
      .all(tableId) as number[];
    return Promise.all(ids.map((id) => this.get(id)));
  }

  /** Ids of the table's enrichments that run by themselves on new or changed rows. */
  autoRunIds(tableId: number): number[] {
    const rows = this.workbook.conn
      .prepare('SELECT id, config FROM enrichments WHERE table_id = ? ORDER BY id')
      .all(tableId) as { id: number; config: string }[];
    return rows.filter((r) => (JSON.parse(r.config) as EnrichmentConfig).autoRun).map((r) => r.id);
  }

  /** The enrichment with its action prepared and its condition compiled, ready to run. */
  async load(id: number): Promise<LoadedEnrichment> {
    const info = await this.get(id);
    const columns = await this.tables.columns(info.tableId);
    const { action, condition, reads } = prepareChecked(info.config, columns, this.providers);
    return { ...info, action, condition, reads };
  }

  /** Deletes the enrichment and its audit; its output columns stay as plain columns. */
  async delete(id: number): Promise<void> {
    const info = await this.get(id);
    this.workbook.conn.prepare('DELETE FROM enrichments WHERE id = ?').run(id);
    this.tables.columnsChanged(info.tableId);
  }
}

/** Prepares the action against the table's columns, or says what is wrong with the configuration. */
function prepareChecked(
  config: EnrichmentConfig,
  columns: ColumnInfo[],
  providers: ProviderAccess,
): { action: PreparedAction; condition: CompiledCondition | null; reads: Set<string> } {
  const definition = actionDefinition(config.actionId);
  const byId = new Map(columns.map((c) => [c.id, c]));
  const inputs: Record<string, string> = {};
  for (const input of definition.info.inputs) {
    const columnId = config.inputs[input.key];
    if (columnId === undefined) {
      if (input.required) throw new AppError('invalid_input', `Map the “${input.label}” input to a column.`);
      continue;
    }
    const column = byId.get(columnId);
    if (!column) throw new AppError('invalid_input', `The column for “${input.label}” no longer exists.`);
    inputs[input.key] = column.name;
  }
  const action = definition.prepare(config.options, { inputs, providers });
  const condition = config.condition ? compileCondition(config.condition) : null;
  const known = new Set(columns.map((c) => c.name.toLowerCase()));
  const reads = new Set(
    [...action.columns, ...Object.values(inputs), ...(condition?.columns ?? [])].map((n) => n.toLowerCase()),
  );
  const missing = [...reads].find((name) => !known.has(name));
  if (missing) throw new AppError('invalid_input', `Unknown column “${missing}”.`);
  for (const output of config.outputs) {
    if (!action.outputKeys.includes(output.key)) {
      throw new AppError('invalid_input', `The action does not produce a field “${output.key}”.`);
    }
  }
  if (config.autoRun && config.creditCap === null) {
    throw new AppError('invalid_input', 'Set a credit cap for auto-run: it never spends past it.');
  }
  return { action, condition, reads };
}

function parseConfig(input: EnrichmentConfigInput): EnrichmentConfig {
  const parsed = enrichmentConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new AppError(
    'invalid_input',
    `${issue?.message ?? 'Invalid enrichment'} at ${issue?.path.join('.') ?? ''}`,
  );
}
