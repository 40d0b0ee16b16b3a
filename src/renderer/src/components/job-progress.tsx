// A progress bar for an import, export or upload: percent, rows so far and time left.
// Indeterminate (animated) while the total is unknown.
import type { JobProgress } from '@shared/model';
import { describeProgress, progressPercent } from '../format';

interface ProgressBarProps {
  percent: number | null;
  label: string;
  testId?: string;
  compact?: boolean;
}

export function ProgressBar({ percent, label, testId, compact = false }: ProgressBarProps) {
  return (
    <div className={compact ? 'progress compact' : 'progress'} data-testid={testId}>
      <div
        className={percent === null ? 'progress-track indeterminate' : 'progress-track'}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
      >
        <div className="progress-fill" style={{ width: percent === null ? undefined : `${percent}%` }} />
      </div>
      <span className="progress-label">{label}</span>
    </div>
  );
}

export function JobProgressBar({
  progress,
  testId,
  compact,
}: {
  progress: JobProgress | null;
  testId?: string;
  compact?: boolean;
}) {
  return (
    <ProgressBar
      percent={progressPercent(progress)}
      label={describeProgress(progress)}
      testId={testId}
      compact={compact}
    />
  );
}
