// The runs panel: active and recent runs of every table, each with its progress (done /
// total, errors, credits charged) and, while it runs, a Stop that stops spending at once.
import type { RunInfo } from '@shared/enrichment';
import { ProgressBar } from '../components/job-progress';
import { formatCount, plural } from '../format';
import { isActive, stopRun, useRuns } from '../state/runs';
import { useToast } from '../state/toasts';
import { finishedRows, RUN_STATUS_LABELS, runPercent } from './status';

interface Props {
  tableNames: Map<number, string>;
  onClose(): void;
}

export function RunsPanel({ tableNames, onClose }: Props) {
  const runs = useRuns();
  const active = runs.filter(isActive);
  const recent = runs.filter((r) => !isActive(r)).slice(0, 20);
  return (
    <aside className="runs-panel" aria-label="Runs" data-testid="runs-panel">
      <header className="runs-panel-header">
        <h2>Runs</h2>
        <button type="button" className="icon-button" aria-label="Close the runs panel" onClick={onClose}>
          ×
        </button>
      </header>
      {runs.length === 0 && (
        <p className="muted runs-empty">No runs yet. Add an enrichment column and run it.</p>
      )}
      {active.length > 0 && <h3>Active</h3>}
      {active.map((run) => (
        <RunCard key={run.id} run={run} table={tableNames.get(run.tableId)} />
      ))}
      {recent.length > 0 && <h3>Recent</h3>}
      {recent.map((run) => (
        <RunCard key={run.id} run={run} table={tableNames.get(run.tableId)} />
      ))}
    </aside>
  );
}

function RunCard({ run, table }: { run: RunInfo; table: string | undefined }) {
  const toast = useToast();
  const running = isActive(run);
  return (
    <div className="run-card" data-testid={`run-${run.id}`} data-run-status={run.status}>
      <div className="run-card-title">
        <strong>{run.name}</strong>
        <span className="muted">
          {table ?? 'deleted table'}
          {run.trigger === 'auto' ? ' · auto-run' : ''}
        </span>
      </div>
      <ProgressBar
        percent={runPercent(run)}
        label={`${formatCount(finishedRows(run))} / ${formatCount(run.total)} · ${RUN_STATUS_LABELS[run.status]}`}
        compact
      />
      <div className="run-card-counts muted">
        {plural(run.done, 'result')} · {formatCount(run.notFound)} not found · {plural(run.errors, 'error')}
        {run.outOfCredits > 0 && ` · ${formatCount(run.outOfCredits)} out of credits`}
        {run.cached > 0 && ` · ${formatCount(run.cached)} cached`} · {plural(run.credits, 'credit')}
      </div>
      {running && (
        <button
          type="button"
          className="danger"
          disabled={run.status === 'stopping'}
          onClick={() => void stopRun(run.id).catch((error) => toast.error(error, 'Could not stop the run'))}
          data-testid={`run-stop-${run.id}`}
        >
          Stop
        </button>
      )}
    </div>
  );
}
