// `rowsmith` on the command line: the same handler map as the app, for scripts,
// benchmarks and power users. Results go to stdout, progress and errors to stderr,
// and any failure exits non-zero. Never prints cell data it was not asked for.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Channel, ChannelInput, ChannelOutput } from '@shared/api';
import { AppError, serializeError } from '@shared/errors';
import type { ColumnInfo, JobInfo, JobProgress, TableInfo } from '@shared/model';
import { type App, createApp } from '../main/app/create-app';
import { defaultUserDataDir } from '../main/app/paths';
import { verifyEmailCommand } from '../main/catalogue/email/command-line';
import { assertMethod } from '../main/catalogue/email/verifier';
import { verifyPhone } from '../main/catalogue/phone-verify';
import { configureLogging } from '../main/logger';
import { printActions } from './actions-command';
import { columnsCommand, runCommand, UsageError } from './enrich-commands';
import { progressLine } from './progress';

const USAGE = `Usage:
  rowsmith tables --workbook FILE
  rowsmith import DATA.csv|DATA.xlsx --workbook FILE --table NAME
        [--key COLUMN] [--on-duplicate skip|merge] [--delimiter ,|;|tab||] [--encoding utf-8|utf-16le|utf-16be|windows-1252]
        [--sheet NAME] [--no-header]
  rowsmith export --workbook FILE --table NAME --out OUT.csv|OUT.xlsx
        [--columns "A,B,C"] [--sort "COLUMN:asc|desc"] [--search TEXT] [--no-formula-guard]
  rowsmith columns add --workbook FILE --table NAME --name COLUMN --action ID --config JSON
        JSON: {"inputs": {"key": "Column"}, "options": {…}, "outputs": [{"key", "name", "type"}],
               "condition": "…", "autoRun": true, "creditCap": 500} (all optional but options)
  rowsmith columns list --workbook FILE --table NAME
  rowsmith run --workbook FILE --table NAME --column COLUMN [--scope all|empty|failed] [--max-credits N]
        Prints the quote first; Ctrl+C stops the run at once.
  rowsmith actions [--json]
        Every action a column can run: id, name, price (credits per unit), tables, providers
        ("(key)": needs an API key). --json: [{id, name, description, price: {credits, unit},
        tables (null: any table), providers: [{id, name, needsKey}]}].
  rowsmith verify-phone NUMBER [--country CC]
        Prints the verdict as JSON: status (valid|invalid|unknown), reason, canCall, canText, type, e164.
  rowsmith verify-email ADDRESS [--syntax-only] [--method auto|smtp|zerobounce|neverbounce]
        Prints the verdict as JSON: status (valid|invalid|catch_all|unknown), reason, details.

A missing workbook is created. Exit code 0 on success, 1 on failure, 2 on bad usage.`;

export async function main(argv: string[]): Promise<number> {
  configureLogging({ level: 'warn' });
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  let app: App | null = null;
  const scratch = mkdtempSync(join(tmpdir(), 'rowsmith-cli-'));
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        workbook: { type: 'string' },
        table: { type: 'string' },
        out: { type: 'string' },
        key: { type: 'string' },
        'on-duplicate': { type: 'string' },
        delimiter: { type: 'string' },
        encoding: { type: 'string' },
        sheet: { type: 'string' },
        'no-header': { type: 'boolean' },
        columns: { type: 'string' },
        sort: { type: 'string' },
        search: { type: 'string' },
        'no-formula-guard': { type: 'boolean' },
        name: { type: 'string' },
        action: { type: 'string' },
        config: { type: 'string' },
        column: { type: 'string' },
        scope: { type: 'string' },
        'max-credits': { type: 'string' },
        country: { type: 'string' },
        json: { type: 'boolean' },
        'syntax-only': { type: 'boolean' },
        method: { type: 'string' },
      },
    });
    if (command === 'verify-phone') {
      const number = positionals[0];
      if (!number) throw new UsageError('verify-phone needs the number to check.');
      process.stdout.write(
        `${JSON.stringify(verifyPhone(number, values.country as string | undefined), null, 2)}\n`,
      );
      return 0;
    }
    if (command === 'actions') {
      printActions(process.stdout, Boolean(values.json));
      return 0;
    }
    if (command === 'verify-email') {
      const address = positionals[0];
      if (!address) throw new UsageError('verify-email needs the address to check.');
      const method = (values.method as string | undefined) ?? 'auto';
      try {
        assertMethod(method);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const report = await verifyEmailCommand(address, {
        method,
        syntaxOnly: Boolean(values['syntax-only']),
      });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    if (!values.workbook) throw new UsageError('--workbook FILE is required.');
    app = await createApp({
      // Uploads and temporary files go to a scratch folder; credits (a run spends them)
      // go through the same licensing server and secrets as the app's.
      userDataDir: command === 'run' ? defaultUserDataDir() : scratch,
      licensing: command === 'run' ? 'server' : 'local-ledger',
      workbookPath: resolve(values.workbook),
      version: process.env.ROWSMITH_VERSION ?? '0.0.0',
      platform: { shell: 'cli' },
    });
    const call = <C extends Channel>(channel: C, input: ChannelInput<C>) =>
      (app as App).handlers[channel](input) as Promise<ChannelOutput<C>>;

    switch (command) {
      case 'tables':
        printTables(await call('tables/list', {}));
        return 0;
      case 'import': {
        const file = positionals[0];
        if (!file) throw new UsageError('import needs the file to import.');
        if (!values.table) throw new UsageError('--table NAME is required.');
        return await runImport(app, call, resolve(file), values.table, values);
      }
      case 'export': {
        if (!values.table) throw new UsageError('--table NAME is required.');
        if (!values.out) throw new UsageError('--out FILE.csv|FILE.xlsx is required.');
        return await runExport(app, call, values.table, resolve(values.out), values);
      }
      case 'columns':
        return await columnsCommand(call, positionals[0], values);
      case 'run':
        return await runCommand(app, call, values);
      default:
        throw new UsageError(`Unknown command “${command}”.`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`rowsmith: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`rowsmith: ${serializeError(error).message}\n`);
    return 1;
  } finally {
    await app?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

type Call = <C extends Channel>(channel: C, input: ChannelInput<C>) => Promise<ChannelOutput<C>>;
type Flags = Record<string, string | boolean | undefined>;

function printTables(tables: TableInfo[]): void {
  for (const t of tables) {
    const columns = t.columns.map((c) => `${c.name} (${c.type})`).join(', ');
    process.stdout.write(`${t.name}\t${t.rowCount} rows\t${columns}\n`);
  }
}

async function runImport(
  app: App,
  call: Call,
  path: string,
  tableName: string,
  flags: Flags,
): Promise<number> {
  const delimiter =
    flags.delimiter === 'tab' ? '\t' : (flags.delimiter as ',' | ';' | '\t' | '|' | undefined);
  const source = {
    fileId: app.files.register(path, 'import').fileId,
    delimiter,
    encoding: flags.encoding as 'utf-8' | undefined,
    sheet: flags.sheet as string | undefined,
    hasHeader: !flags['no-header'],
  };
  const preview = await call('import/preview', source);
  const existing = (await call('tables/list', {})).find(
    (t) => t.name.toLowerCase() === tableName.toLowerCase(),
  );
  const byName = new Map(
    (existing?.columns ?? []).filter((c) => !c.system).map((c) => [c.name.toLowerCase(), c]),
  );
  const mapping = preview.headers.map((header, source) => {
    const column = byName.get(header.toLowerCase());
    return column
      ? { source, target: { kind: 'column' as const, columnId: column.id } }
      : {
          source,
          target: { kind: 'new' as const, name: header, type: preview.guessedTypes[source] ?? 'text' },
        };
  });
  let key: { source: number; onDuplicate: 'skip' | 'merge' } | null = null;
  if (flags.key) {
    const index = preview.headers.findIndex((h) => h.toLowerCase() === String(flags.key).toLowerCase());
    if (index < 0) throw new UsageError(`--key “${flags.key}” is not a column of ${basename(path)}.`);
    const onDuplicate = (flags['on-duplicate'] ?? 'skip') as string;
    if (onDuplicate !== 'skip' && onDuplicate !== 'merge')
      throw new UsageError('--on-duplicate is skip or merge.');
    key = { source: index, onDuplicate };
  }
  const { jobId } = await call('import/start', {
    ...source,
    target: existing ? { kind: 'existing', tableId: existing.id } : { kind: 'new', name: tableName },
    mapping,
    key,
  });
  const job = await follow(app, jobId);
  if (job.status !== 'done' || !job.result || !('inserted' in job.result)) return reportFailure(job);
  const r = job.result;
  for (const p of r.problems.slice(0, 20)) process.stderr.write(`line ${p.line}: ${p.reason}\n`);
  if (r.problemCount > 20) process.stderr.write(`… and ${r.problemCount - 20} more problems\n`);
  process.stdout.write(
    `Imported ${basename(path)} into ${tableName}: ${r.inserted} inserted, ${r.updated} updated, ${r.skipped} skipped, ${r.problemCount} problem lines.\n`,
  );
  return 0;
}

async function runExport(
  app: App,
  call: Call,
  tableName: string,
  out: string,
  flags: Flags,
): Promise<number> {
  const format = extname(out).toLowerCase().slice(1);
  if (format !== 'csv' && format !== 'xlsx') throw new UsageError('--out must end in .csv or .xlsx.');
  const table = (await call('tables/list', {})).find((t) => t.name.toLowerCase() === tableName.toLowerCase());
  if (!table) throw new AppError('not_found', `There is no table named “${tableName}”.`);
  const columns = flags.columns
    ? String(flags.columns)
        .split(',')
        .map((name) => findColumn(table, name.trim()))
    : table.columns.filter((c) => !c.hidden);
  const sort = flags.sort ? [parseSort(table, String(flags.sort))] : [];
  const { jobId } = await call('export/start', {
    view: { tableId: table.id, sort, filter: {}, search: (flags.search as string | undefined) ?? '' },
    columnIds: columns.map((c) => c.id),
    format,
    neutraliseFormulas: !flags['no-formula-guard'],
    destinationId: app.files.register(out, 'export-destination').fileId,
  });
  const job = await follow(app, jobId);
  if (job.status !== 'done' || !job.result || !('fileName' in job.result)) return reportFailure(job);
  process.stdout.write(`Exported ${job.result.rows} rows of ${table.name} to ${out}\n`);
  return 0;
}

function findColumn(table: TableInfo, name: string): ColumnInfo {
  const column = table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!column) throw new UsageError(`${table.name} has no column “${name}”.`);
  return column;
}

function parseSort(table: TableInfo, spec: string): { columnId: number; dir: 'asc' | 'desc' } {
  const at = spec.lastIndexOf(':');
  const dir = at > 0 ? spec.slice(at + 1).toLowerCase() : 'asc';
  if (dir !== 'asc' && dir !== 'desc') throw new UsageError('--sort is "COLUMN:asc" or "COLUMN:desc".');
  return { columnId: findColumn(table, at > 0 ? spec.slice(0, at) : spec).id, dir };
}

async function follow(app: App, jobId: string): Promise<JobInfo> {
  const bar = progressLine(process.stderr);
  const off = app.events.subscribe((event, payload) => {
    if (event === 'job/progress' && (payload as JobProgress).jobId === jobId)
      bar.update(payload as JobProgress);
  });
  try {
    return await app.jobs.wait(jobId);
  } finally {
    off();
    bar.done();
  }
}

function reportFailure(job: JobInfo): number {
  process.stderr.write(
    `rowsmith: ${job.status === 'cancelled' ? 'cancelled' : (job.error?.message ?? 'failed')}\n`,
  );
  return 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
