// Runs as rows of the workbook: what a run is, read back for the renderer, the CLI and
// the engine. Nothing here changes a run.
import type { RunInfo } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type { Connection } from '../workbook/database';

export function readRun(conn: Connection, runId: number): RunInfo {
  const row = conn
    .prepare('SELECT r.*, e.name FROM runs r JOIN enrichments e ON e.id = r.enrichment_id WHERE r.id = ?')
    .get(runId) as Record<string, unknown> | undefined;
  if (!row) throw new AppError('not_found', 'No such run.');
  return {
    id: row.id as number,
    enrichmentId: row.enrichment_id as number,
    tableId: row.table_id as number,
    name: row.name as string,
    trigger: row.trigger === 'auto' || row.trigger === 'resume' ? row.trigger : 'manual',
    status: row.status as RunInfo['status'],
    total: row.total as number,
    done: row.done as number,
    notFound: row.not_found as number,
    errors: row.errors as number,
    outOfCredits: row.out_of_credits as number,
    cached: row.cached as number,
    credits: row.credits as number,
    startedAt: row.started_at as string,
    finishedAt: (row.finished_at as string | null) ?? null,
  };
}
