// Always visible under the grid: how many rows are in view, what is selected, and the
// import/export jobs that are running, each with its progress and a Cancel button.
import { useEffect, useRef } from 'react';
import { formatCount, plural } from '../format';
import { cancelJob, type JobEntry, useJobs } from '../state/jobs';
import { useCredits } from '../state/runs';
import { useToast } from '../state/toasts';
import { useUpdates } from '../state/updates';
import { JobProgressBar } from './job-progress';

interface StatusBarProps {
  rowCount: number | null;
  filtered: boolean;
  selectedCount: number;
  allInView: boolean;
  onSelectAll(): void;
  onClearSelection(): void;
  onOpenCredits(): void;
  onOpenAbout(): void;
}

export function StatusBar({
  rowCount,
  filtered,
  selectedCount,
  allInView,
  onSelectAll,
  onClearSelection,
  onOpenCredits,
  onOpenAbout,
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
      <CreditMeter onOpen={onOpenCredits} />
      <AboutButton onOpen={onOpenAbout} />
    </footer>
  );
}

/** The version; a dot marks an update that is available or ready. */
function AboutButton({ onOpen }: { onOpen(): void }) {
  const status = useUpdates();
  const ready = status && ['available', 'downloaded'].includes(status.phase.state);
  return (
    <button
      type="button"
      className="link-button status-version"
      onClick={onOpen}
      title={ready ? 'An update is available — About Rowsmith' : 'About Rowsmith, updates and diagnostics'}
      data-testid="open-about"
    >
      {ready && <span className="update-dot" aria-hidden="true" />}
      {status ? `v${status.currentVersion}` : 'About'}
    </button>
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

/**
 * Credits left this period, always in view, with the renewal date and whether the
 * licensing server is reachable; amber from 80% used, red from 95%, each said once in a
 * toast too. A click opens the Credits page.
 */
function CreditMeter({ onOpen }: { onOpen(): void }) {
  const credits = useCredits();
  const toast = useToast();
  const warned = useRef<{ period: string; level: number }>({ period: '', level: 0 });
  const used = credits && credits.allowance > 0 ? 1 - credits.remaining / credits.allowance : 0;
  const level = !credits ? 0 : used >= 0.95 ? 2 : used >= 0.8 ? 1 : 0;
  useEffect(() => {
    if (!credits) return;
    if (warned.current.period !== credits.periodStart)
      warned.current = { period: credits.periodStart, level: 0 };
    if (level > warned.current.level && credits.remaining > 0) {
      toast.info(
        `${Math.round(used * 100)}% of this month's credits are used: ${formatCount(credits.remaining)} left until ${new Date(credits.periodEnd).toLocaleDateString()}.`,
      );
    }
    warned.current.level = Math.max(warned.current.level, level);
  }, [credits, level, used, toast]);
  if (!credits) return null;
  const renews = new Date(credits.periodEnd).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
  });
  const offline = credits.online === false;
  return (
    <button
      type="button"
      className={`credit-meter ${level === 2 ? 'critical' : level === 1 ? 'warning' : 'ok'}${offline ? ' offline' : ''}`}
      title={`${formatCount(credits.consumed)} used, ${formatCount(credits.reserved)} held by running columns and offline leases; renews ${renews}${offline ? '. Offline: spending this workbook’s offline lease.' : ''}`}
      onClick={onOpen}
      data-testid="credit-meter"
      data-online={credits.online === undefined ? undefined : String(credits.online)}
    >
      {offline && <span className="offline-dot" role="img" aria-label="offline" />}
      {formatCount(credits.remaining)} / {formatCount(credits.allowance)} credits · renews {renews}
    </button>
  );
}
