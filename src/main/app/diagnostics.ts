// "Copy diagnostics": what support needs to understand a problem, as plain text the user
// pastes into a ticket. Versions and platform, the workbook's shape (table kinds and row
// counts, never names or cell values), licensing and credits, the runs, the updater, which
// providers have a key (never the key or any part of it) and the log's last lines. The
// whole text goes through a redactor that knows every value in the secret store, on top of
// the logger's own redaction, so a key that slipped into a log line still comes out hidden.
import { statSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import type { AppInfo } from '@shared/api';
import type { CreditStatus, RunInfo } from '@shared/enrichment';
import type { TableInfo } from '@shared/model';
import type { UpdateStatus } from '@shared/updates';
import type { LicensingMode } from '../credits/licensing-service';
import { readLogTail } from '../log/file-log';
import { Redactor } from '../log/redact';

export interface DiagnosticsInput {
  version: string;
  shell: AppInfo['shell'];
  userDataDir: string;
  workbookPath: string;
  tables: TableInfo[];
  runs: RunInfo[];
  credits: CreditStatus | null;
  licensing: LicensingMode;
  updates: UpdateStatus;
  /** provider ids of the catalogue, and whether each has a key */
  providers: { id: string; hasKey: boolean }[];
  /** every secret this install holds, to be hidden wherever it appears */
  secrets: string[];
  /** log lines to include (default 200) */
  logLines?: number;
  now?: Date;
}

export function collectDiagnostics(input: DiagnosticsInput): string {
  const lines: string[] = [];
  const section = (title: string, body: string[]) => lines.push(`## ${title}`, ...body, '');
  const now = input.now ?? new Date();

  section('Rowsmith', [
    `version: ${input.version} (${input.shell} shell)`,
    `node: ${process.versions.node}${process.versions.electron ? `, electron: ${process.versions.electron}` : ''}`,
    `os: ${platform()} ${release()} ${arch()}`,
    `collected: ${now.toISOString()}`,
  ]);

  section('Workbook', [
    `file: ${input.workbookPath} (${fileSize(input.workbookPath)})`,
    `user data: ${input.userDataDir}`,
    `tables: ${input.tables.length}`,
    ...input.tables.map(
      (t) => `- table ${t.id}: ${t.kind}, ${count(t.rowCount, 'row')}, ${count(t.columns.length, 'column')}`,
    ),
  ]);

  const c = input.credits;
  section('Licensing and credits', [
    `mode: ${input.licensing.mode === 'remote' ? `server ${origin(input.licensing.serverUrl)}` : 'built-in server'}`,
    ...(c
      ? [
          `credits: ${c.remaining} of ${c.allowance} left (${c.consumed} used, ${c.reserved} held), period ${c.periodStart} – ${c.periodEnd}`,
          `source: ${c.source}${c.online === undefined ? '' : c.online ? ', online' : ', offline'}${c.pending ? `, ${c.pending} not yet synced` : ''}`,
          ...(c.lastSyncAt ? [`last sync: ${c.lastSyncAt}`] : []),
          ...(c.leaseExpiresAt ? [`offline lease until: ${c.leaseExpiresAt}`] : []),
          ...(c.lastError ? [`last error: ${c.lastError}`] : []),
        ]
      : ['credits: not available']),
  ]);

  section(
    'Runs',
    input.runs.length === 0
      ? ['none']
      : input.runs
          .slice(-20)
          .map(
            (r) =>
              `- run ${r.id} (table ${r.tableId}): ${r.status}, ${r.done}/${r.total} done, ${r.notFound} not found, ${r.errors} errors, ${r.outOfCredits} out of credits, ${r.credits} credits, started ${r.startedAt}`,
          ),
  );

  const u = input.updates;
  section('Updates', [
    `channel: ${u.channel}, state: ${u.phase.state}${'version' in u.phase && u.phase.version ? ` ${u.phase.version}` : ''}`,
    ...('reason' in u.phase ? [`reason: ${u.phase.reason}`] : []),
    ...('message' in u.phase ? [`error: ${u.phase.message}`] : []),
    `last check: ${u.lastCheckedAt ?? 'never'}`,
  ]);

  const keyed = input.providers.filter((p) => p.hasKey).map((p) => p.id);
  section('Providers', [
    `with a key: ${keyed.length ? keyed.join(', ') : 'none'} (of ${input.providers.length})`,
  ]);

  const tail = readLogTail(input.userDataDir, input.logLines ?? 200);
  section(`Log (last ${tail.length} lines)`, tail.length ? tail : ['(no log file yet)']);

  const redactor = new Redactor();
  redactor.addSecrets(input.secrets);
  return redactor.text(lines.join('\n'));
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function fileSize(path: string): string {
  try {
    const bytes = statSync(path).size;
    return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
  } catch {
    return 'missing';
  }
}

/** A server URL without any path, query or user info. */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(unreadable URL)';
  }
}
