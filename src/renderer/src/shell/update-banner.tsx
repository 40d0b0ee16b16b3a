// The update banner above the grid: "Rowsmith 1.2.0 is available" with its release notes
// and Download, then the download's progress, then "Restart to update" — disabled, with
// the reason, while a column is running (the main process refuses it too). A failed
// download says why and offers to try again. Later hides the offer for that version only.
import { useState } from 'react';
import { formatBytes } from '../format';
import { useToast } from '../state/toasts';
import { updatesCall, useUpdates } from '../state/updates';

export function UpdateBanner() {
  const status = useUpdates();
  const toast = useToast();
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [notesOpen, setNotesOpen] = useState(false);
  if (!status) return null;
  const { phase } = status;

  const download = () =>
    void updatesCall.download().catch((error) => toast.error(error, 'Could not download the update'));
  const later = (version: string) => (
    <button
      type="button"
      className="link-button"
      onClick={() => setDismissed(version)}
      data-testid="update-later"
    >
      Later
    </button>
  );
  const notes = (text: string | null) =>
    text && (
      <>
        <button
          type="button"
          className="link-button"
          onClick={() => setNotesOpen((open) => !open)}
          data-testid="update-notes-toggle"
        >
          {notesOpen ? 'Hide release notes' : 'Release notes'}
        </button>
        {notesOpen && (
          <pre className="update-notes" data-testid="update-notes">
            {text}
          </pre>
        )}
      </>
    );

  if (phase.state === 'available' && dismissed !== phase.version) {
    return (
      <div
        className="banner banner-info update-banner"
        role="status"
        data-testid="update-banner"
        data-state="available"
      >
        <span>
          <strong>Rowsmith {phase.version} is available.</strong> You have {status.currentVersion}.
        </span>
        {notes(phase.notes)}
        <span className="banner-actions">
          {later(phase.version)}
          <button type="button" className="primary" data-testid="update-download" onClick={download}>
            Download
          </button>
        </span>
      </div>
    );
  }

  if (phase.state === 'downloading') {
    return (
      <div
        className="banner banner-info update-banner"
        role="status"
        data-testid="update-banner"
        data-state="downloading"
      >
        <span>
          Downloading Rowsmith {phase.version}… {Math.floor(phase.percent)}%
          {phase.total > 0 && ` (${formatBytes(phase.transferred)} of ${formatBytes(phase.total)})`}
        </span>
        <progress
          max={100}
          value={phase.percent}
          data-testid="update-progress"
          aria-label="Download progress"
        />
      </div>
    );
  }

  if (phase.state === 'downloaded' || phase.state === 'installing') {
    const blocked = status.installBlockedReason;
    return (
      <div
        className="banner banner-info update-banner"
        role="status"
        data-testid="update-banner"
        data-state={phase.state}
      >
        <span>
          <strong>Rowsmith {phase.version} is ready.</strong>{' '}
          {phase.state === 'installing' ? (
            'Restarting…'
          ) : blocked ? (
            <span data-testid="update-blocked">{blocked}</span>
          ) : (
            'Restart to finish updating; it also installs when you quit.'
          )}
        </span>
        {phase.state === 'downloaded' && notes(phase.notes)}
        {phase.state === 'downloaded' && (
          <span className="banner-actions">
            <button
              type="button"
              className="primary"
              disabled={blocked !== null}
              title={blocked ?? undefined}
              data-testid="update-restart"
              onClick={() =>
                updatesCall.install().catch((error) => toast.error(error, 'Could not restart to update'))
              }
            >
              Restart to update
            </button>
          </span>
        )}
      </div>
    );
  }

  if (phase.state === 'error' && phase.during !== 'check' && dismissed !== `error:${phase.message}`) {
    return (
      <div
        className="banner banner-warning update-banner"
        role="alert"
        data-testid="update-banner"
        data-state="error"
      >
        <span data-testid="update-error">{phase.message}</span>
        <span className="banner-actions">
          <button
            type="button"
            className="link-button"
            onClick={() => setDismissed(`error:${phase.message}`)}
            data-testid="update-later"
          >
            Dismiss
          </button>
          {phase.during === 'download' && phase.version && (
            <button type="button" className="primary" data-testid="update-retry" onClick={download}>
              Try again
            </button>
          )}
        </span>
      </div>
    );
  }
  return null;
}
