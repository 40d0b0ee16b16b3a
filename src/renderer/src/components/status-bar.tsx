// Always visible under the grid: how many rows are in view, what is selected, and the
// import/export jobs that are running, each with its progress and a Cancel button.
import { formatCount, plural } from '../format';
import { cancelJob, type JobEntry, useJobs } from '../state/jobs';
import { useCredits } from '../state/runs';
import { useToast } from '../state/toasts';
import { JobProgressBar } from './job-progress';

interface StatusBarProps {
  rowCount: number | null;
  filtered: boolean;
  selectedCount: number;
  allInView: boolean;
  onSelectAll(): void;
  onClearSelection(): void;
}

export function StatusBar({
  rowCount,
  filtered,
  selectedCount,
  allInView,
  onSelectAll,
  onClearSelection,
}: StatusBarProps) {
  const running = useJobs().filter((j) => !j.finished);
  const rows = rowCount === null ? 'Loading…' : plural(rowCount, 'row');
  const selected = allInView
    ? `All ${formatCount(selectedCount)} in view selected`
    : selectedCount > 0
      ? `${formatCount(selectedCount)} selected`
      : '';

  return (
    <footer className="status-bar">
      <span data-testid="row-count">{rows}</span>
      {filtered && <span className="status-note">filtered</span>}
      <span className="status-sep" aria-hidden="true" />
      <span data-testid="selection-count">{selected}</span>
      {rowCount !== null && rowCount > 0 && !allInView && (
        <button type="button" className="link-button" onClick={onSelectAll} data-testid="select-all-in-view">
          Select all {formatCount(rowCount)} in view
        </button>
      )}
      {selectedCount > 0 && (
        <button
          type="button"
          className="link-button"
          onClick={onClearSelection}
          data-testid="clear-selection"
        >
          Clear selection
        </button>
      )}
      <span className="status-spacer" />
      {running.map((job) => (
        <RunningJob key={job.jobId} job={job} />
      ))}
      <CreditMeter />
    </footer>
  );
}

function RunningJob({ job }: { job: JobEntry }) {
  const toast = useToast();
  return (
    <span className="status-job" data-testid={`job-${job.jobId}`} data-job-kind={job.kind}>
      <span className="status-job-title">{job.title}</span>
      <JobProgressBar progress={job.progress} compact />
      <button
        type="button"
        className="link-button"
        onClick={() => cancelJob(job.jobId).catch((error) => toast.error(error, 'Could not cancel'))}
        data-testid={`job-cancel-${job.jobId}`}
      >
        Cancel
      </button>
    </span>
  );
}

/** Credits left this period, always in view; it turns amber at 80% used and red at 95%. */
function CreditMeter() {
  const credits = useCredits();
  if (!credits) return null;
  const used = credits.allowance > 0 ? (credits.allowance - credits.remaining) / credits.allowance : 1;
  const level = used >= 0.95 ? 'critical' : used >= 0.8 ? 'warning' : 'ok';
  const renews = new Date(credits.periodEnd).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
  });
  return (
    <span
      className={`credit-meter ${level}`}
      title={`${formatCount(credits.consumed)} used, ${formatCount(credits.reserved)} reserved by running columns; renews ${renews}`}
      data-testid="credit-meter"
    >
      {formatCount(credits.remaining)} / {formatCount(credits.allowance)} credits · renews {renews}
    </span>
  );
}
