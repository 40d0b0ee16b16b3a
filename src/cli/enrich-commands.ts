// `rowsmith columns …` and `rowsmith run …`: enrichment columns from a terminal, over the
// same handlers as the app. A run always prints its quote first (rows, the most it can
// cost, credits left) and refuses to start past --max-credits; Ctrl+C stops it at once,
// like the Stop button. Exit code: 0 when the run finished (failed rows are data), 1 when
// it could not start or was stopped, 2 for bad usage.
import type { Channel, ChannelInput, ChannelOutput } from '@shared/api';
import type { EnrichmentConfigInput, EnrichmentInfo, RunInfo } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type { ColumnType, TableInfo } from '@shared/model';
import type { App } from '../main/app/create-app';
import { runProgressLine } from './progress';

export class UsageError extends Error {}

type Call = <C extends Channel>(channel: C, input: ChannelInput<C>) => Promise<ChannelOutput<C>>;
type Flags = Record<string, string | boolean | undefined>;

export async function findTable(call: Call, name: string | undefined): Promise<TableInfo> {
  if (!name) throw new UsageError('--table NAME is required.');
  const table = (await call('tables/list', {})).find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (!table) throw new AppError('not_found', `There is no table named “${name}”.`);
  return table;
}

/** `columns add` and `columns list`. */
export async function columnsCommand(call: Call, sub: string | undefined, flags: Flags): Promise<number> {
  const table = await findTable(call, flags.table as string | undefined);
  if (sub === 'list') {
    const enrichments = await call('enrichments/list', { tableId: table.id });
    for (const column of table.columns) {
      const e = enrichments.find((x) => x.id === column.enrichmentId);
      const what = e
        ? `enrichment “${e.name}” (${e.config.actionId}${e.config.autoRun ? ', auto-run' : ''})`
        : '';
      process.stdout.write(`${column.name}\t${column.type}\t${what}\n`.replace(/\t\n$/, '\n'));
    }
    return 0;
  }
  if (sub !== 'add') throw new UsageError('columns takes “add” or “list”.');
  const name = flags.name as string | undefined;
  const actionId = flags.action as string | undefined;
  if (!name) throw new UsageError('--name COLUMN is required.');
  if (!actionId) throw new UsageError('--action ID is required (see `rowsmith actions`).');
  const config = parseConfig(flags.config as string | undefined);
  const action = (await call('actions/list', {})).find((a) => a.id === actionId);
  if (!action) throw new AppError('not_found', `Unknown action “${actionId}”.`);

  // Inputs may name columns instead of giving their ids.
  const inputs: Record<string, number> = {};
  for (const [key, value] of Object.entries((config.inputs ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'number') inputs[key] = value;
    else {
      const column = table.columns.find((c) => c.name.toLowerCase() === String(value).toLowerCase());
      if (!column) throw new UsageError(`Input “${key}”: ${table.name} has no column “${String(value)}”.`);
      inputs[key] = column.id;
    }
  }
  const options = (config.options ?? {}) as Record<string, unknown>;
  const outputs =
    (config.outputs as EnrichmentConfigInput['outputs'] | undefined) ?? defaultOutputs(name, action, options);
  if (outputs.length === 0) throw new UsageError('Say which fields become columns: "outputs" in --config.');
  const enrichment = await call('enrichments/add', {
    tableId: table.id,
    name,
    config: {
      actionId,
      inputs,
      options,
      condition: (config.condition as string | null | undefined) ?? null,
      outputs,
      autoRun: Boolean(config.autoRun),
      creditCap: (config.creditCap as number | null | undefined) ?? null,
    },
  });
  const columns = Object.keys(enrichment.columns).length;
  process.stdout.write(
    `Added “${name}” to ${table.name} (${columns} output column${columns === 1 ? '' : 's'}).\n`,
  );
  return 0;
}

/** One column per field: the column's own name when there is one field, "Name field" otherwise. */
function defaultOutputs(
  name: string,
  action: { outputs: { key: string; type: ColumnType }[] },
  options: Record<string, unknown>,
): { key: string; name: string; type: ColumnType }[] {
  const fields: { key: string; type: ColumnType }[] =
    action.outputs.length > 0
      ? action.outputs
      : (Array.isArray(options.outputs) ? (options.outputs as { key?: unknown }[]) : [])
          .filter((o) => typeof o.key === 'string')
          .map((o) => ({ key: o.key as string, type: 'text' as const }));
  return fields.map((f) => ({
    key: f.key,
    name: fields.length === 1 ? name : `${name} ${f.key}`,
    type: f.type,
  }));
}

function parseConfig(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UsageError('--config must be a JSON object, e.g. \'{"options": {…}}\'.');
}

/** `run`: quote, then run to the end with a progress bar; Ctrl+C stops spending at once. */
export async function runCommand(app: App, call: Call, flags: Flags): Promise<number> {
  const table = await findTable(call, flags.table as string | undefined);
  const columnName = flags.column as string | undefined;
  if (!columnName) throw new UsageError('--column NAME is required.');
  const enrichment = await findEnrichment(call, table, columnName);
  const only = (flags.scope as string | undefined) ?? 'all';
  if (only !== 'all' && only !== 'empty' && only !== 'failed')
    throw new UsageError('--scope is all, empty or failed.');
  const scope = { target: { kind: 'all' as const }, only: only as 'all' | 'empty' | 'failed' };
  const quote = await call('enrichments/quote', { enrichmentId: enrichment.id, scope });
  process.stderr.write(
    `${enrichment.name}: ${quote.rows} rows to run (${quote.alreadyDone} already have a result, ${quote.skippedByCondition} left out by the condition); at most ${quote.maxCredits} credits (${quote.pricePerRow} a row, charged only for results); ${quote.creditsLeft} credits left.\n`,
  );
  const max = flags['max-credits'] === undefined ? null : Number(flags['max-credits']);
  if (max !== null && !(max >= 0)) throw new UsageError('--max-credits takes a number.');
  if (max !== null && quote.maxCredits > max) {
    process.stderr.write(
      `rowsmith: the run could cost ${quote.maxCredits} credits, more than --max-credits ${max}.\n`,
    );
    return 1;
  }
  const run = await call('runs/start', { enrichmentId: enrichment.id, scope });
  const bar = runProgressLine(process.stderr);
  const off = app.events.subscribe((event, payload) => {
    if (event === 'run/progress' && (payload as { run: RunInfo }).run.id === run.id)
      bar.update((payload as { run: RunInfo }).run);
  });
  const onSigint = () => {
    process.stderr.write('\rStopping…\x1b[K\n');
    app.engine.stop(run.id);
  };
  process.on('SIGINT', onSigint);
  let final: RunInfo;
  try {
    final = await app.engine.wait(run.id);
  } finally {
    process.off('SIGINT', onSigint);
    off();
    bar.done();
  }
  process.stdout.write(
    `${final.name}: ${final.status} — ${final.done} done, ${final.notFound} not found, ${final.errors} errors, ${final.outOfCredits} out of credits, ${final.cached} from the cache; ${final.credits} credits charged.\n`,
  );
  return final.status === 'done' ? 0 : 1;
}

async function findEnrichment(call: Call, table: TableInfo, name: string): Promise<EnrichmentInfo> {
  const enrichments = await call('enrichments/list', { tableId: table.id });
  const lower = name.toLowerCase();
  const byName = enrichments.find((e) => e.name.toLowerCase() === lower);
  if (byName) return byName;
  const column = table.columns.find((c) => c.name.toLowerCase() === lower && c.enrichmentId !== null);
  const byColumn = column && enrichments.find((e) => e.id === column.enrichmentId);
  if (byColumn) return byColumn;
  throw new AppError('not_found', `${table.name} has no enrichment column “${name}”.`);
}
