// Enrichment columns: an action configured on a table (inputs, options, condition) whose
// chosen output fields are real columns of the table. Validates everything when the
// column is added, so a run never starts on a configuration that cannot work.
import {
  type EnrichmentConfig,
  type EnrichmentConfigInput,
  type EnrichmentInfo,
  enrichmentConfigSchema,
} from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type { Workbook } from '../workbook/database';
import type { TablesService } from '../workbook/tables-service';
import { actionDefinition, type PreparedAction } from './actions';
import { compileCondition } from './condition';

export interface LoadedEnrichment extends EnrichmentInfo {
  action: PreparedAction;
  condition: ReturnType<typeof compileCondition> | null;
}

export class EnrichmentsService {
  constructor(
    private readonly workbook: Workbook,
    private readonly tables: TablesService,
  ) {}

  async add(tableId: number, name: string, input: EnrichmentConfigInput): Promise<EnrichmentInfo> {
    const config = parseConfig(input);
    const table = await this.tables.get(tableId);
    this.validate(
      config,
      table.columns.map((c) => c.name),
    );
    const conn = this.workbook.conn;
    const id = Number(
      conn
        .prepare('INSERT INTO enrichments (table_id, name, config) VALUES (?, ?, ?)')
        .run(tableId, name, JSON.stringify(config)).lastInsertRowid,
    );
    try {
      for (const output of config.outputs) {
        const existing = table.columns.find((c) => c.name.toLowerCase() === output.name.toLowerCase());
        const column = existing ?? (await this.tables.addColumn(tableId, output.name, output.type));
        if (column.system)
          throw new AppError('invalid_input', `${column.name} cannot receive enrichment results.`);
        conn
          .prepare('UPDATE columns SET enrichment_id = ?, output_key = ? WHERE id = ?')
          .run(id, output.key, column.id);
      }
    } catch (error) {
      conn.prepare('DELETE FROM enrichments WHERE id = ?').run(id);
      throw error;
    }
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

  /** The enrichment with its action prepared and its condition compiled, ready to run. */
  async load(id: number): Promise<LoadedEnrichment> {
    const info = await this.get(id);
    const action = actionDefinition(info.config.actionId).prepare(info.config.options);
    const condition = info.config.condition ? compileCondition(info.config.condition) : null;
    return { ...info, action, condition };
  }

  /** Deletes the enrichment and its audit; its output columns stay as plain columns. */
  async delete(id: number): Promise<void> {
    await this.get(id);
    this.workbook.conn.prepare('DELETE FROM enrichments WHERE id = ?').run(id);
  }

  private validate(config: EnrichmentConfig, columnNames: string[]): void {
    const definition = actionDefinition(config.actionId);
    const action = definition.prepare(config.options);
    const known = new Set(columnNames.map((n) => n.toLowerCase()));
    const needed = [
      ...action.columns,
      ...(config.condition ? compileCondition(config.condition).columns : []),
    ];
    const missing = needed.filter((name) => !known.has(name.toLowerCase()));
    if (missing.length > 0) throw new AppError('invalid_input', `Unknown column “${missing[0]}”.`);
    for (const input of definition.info.inputs) {
      if (input.required && config.inputs[input.key] === undefined) {
        throw new AppError('invalid_input', `Map the “${input.label}” input to a column.`);
      }
    }
  }
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
