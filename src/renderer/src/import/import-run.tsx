// A running import (progress, Cancel) and how it ended: counts and the lines that
// could not be imported, with their reasons.
import type { ImportResult, JobInfo } from '@shared/model';
import { JobProgressBar } from '../components/job-progress';
import { formatCount, plural } from '../format';
import type { JobEntry } from '../state/jobs';

const SHOWN_PROBLEMS = 50;

export function ImportRunning({
  job,
  onCancel,
  cancelling,
}: {
  job: JobEntry | null;
  onCancel(): void;
  cancelling: boolean;
}) {
  return (
    <div className="job-running">
      <p>{job?.progress?.phase ? `Importing — ${job.progress.phase}` : 'Importing…'}</p>
      <JobProgressBar progress={job?.progress ?? null} testId="import-progress" />
      <button type="button" onClick={onCancel} disabled={cancelling} data-testid="import-cancel">
        {cancelling ? 'Cancelling…' : 'Cancel import'}
      </button>
    </div>
  );
}

export const isImportResult = (result: JobInfo['result']): result is ImportResult =>
  !!result && 'inserted' in result;

export function ImportOutcome({ info, tableName }: { info: JobInfo; tableName: string | null }) {
  const result = isImportResult(info.result) ? info.result : null;
  const heading =
    info.status === 'done'
      ? `Imported into ${tableName ?? 'the table'}`
      : info.status === 'cancelled'
        ? 'Import cancelled'
        : 'Import failed';
  const more = result ? result.problemCount - Math.min(result.problems.length, SHOWN_PROBLEMS) : 0;

  return (
    <div
      className={`import-result status-${info.status}`}
      data-testid="import-result"
      data-status={info.status}
    >
      <h3>{heading}</h3>
      {info.error && (
        <p className="form-error" role="alert">
          {info.error.message}
        </p>
      )}
      {result && info.status === 'cancelled' && result.inserted > 0 && (
        <p className="muted">The rows that arrived before the stop were kept.</p>
      )}
      {result && (
        <dl className="result-counts">
          <div>
            <dt>Inserted</dt>
            <dd data-testid="import-inserted">{formatCount(result.inserted)}</dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd data-testid="import-updated">{formatCount(result.updated)}</dd>
          </div>
          <div>
            <dt>Skipped</dt>
            <dd data-testid="import-skipped">{formatCount(result.skipped)}</dd>
          </div>
        </dl>
      )}
      {result && result.problemCount > 0 && (
        <div className="problems" data-testid="import-problems">
          <p>{plural(result.problemCount, 'problem')}:</p>
          <ul>
            {result.problems.slice(0, SHOWN_PROBLEMS).map((p) => (
              <li key={`${p.line}:${p.reason}`}>
                <span className="problem-line">Line {formatCount(p.line)}</span> {p.reason}
              </li>
            ))}
          </ul>
          {more > 0 && <p className="muted">and {formatCount(more)} more</p>}
        </div>
      )}
    </div>
  );
}
