// About Rowsmith and Updates: the version and shell, the update channel (stable or beta)
// with "Check for updates" and what the last check found, and "Copy diagnostics", which
// copies a report without secrets for a support ticket (and shows it, so it can be read
// first or copied by hand where the clipboard is refused).
import type { AppInfo } from '@shared/api';
import type { UpdateStatus } from '@shared/updates';
import { useEffect, useState } from 'react';
import { call, errorMessage } from '../api';
import { FormError } from '../components/form-error';
import { Modal } from '../components/modal';
import { useToast } from '../state/toasts';
import { updatesCall, useUpdates } from '../state/updates';

export function AboutDialog({
  onClose,
  initialDiagnostics,
}: {
  onClose(): void;
  initialDiagnostics?: string;
}) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [diagnostics, setDiagnostics] = useState<string | null>(initialDiagnostics ?? null);
  const status = useUpdates();

  useEffect(() => {
    call('app/info', {})
      .then(setInfo)
      .catch((err) => setError(errorMessage(err)));
  }, []);

  const check = () => {
    setChecking(true);
    setError(null);
    updatesCall
      .check()
      .catch((err) => setError(errorMessage(err)))
      .finally(() => setChecking(false));
  };

  // The pick shows at once; the main process's answer (after it checks the new feed) follows.
  const [picked, setPicked] = useState<UpdateStatus['channel'] | null>(null);
  const setChannel = (channel: UpdateStatus['channel']) => {
    setError(null);
    setPicked(channel);
    updatesCall
      .setChannel(channel)
      .catch((err) => setError(errorMessage(err)))
      .finally(() => setPicked(null));
  };

  const disabled = !status || status.phase.state === 'disabled';
  return (
    <Modal
      title="About Rowsmith"
      onClose={onClose}
      testId="about-dialog"
      footer={
        <button type="button" onClick={onClose}>
          Close
        </button>
      }
    >
      <FormError message={error} />
      <p data-testid="about-version">
        <strong>Rowsmith {info?.version ?? status?.currentVersion ?? ''}</strong>
        {info && (
          <span className="muted">
            {' '}
            — {info.shell === 'electron' ? 'desktop app' : `${info.shell} shell`}
          </span>
        )}
      </p>
      {info && <p className="muted">Workbook: {info.workbookPath}</p>}

      <section className="about-section" data-testid="about-updates">
        <h3>Updates</h3>
        <p data-testid="about-update-status">{status ? describe(status) : 'Loading…'}</p>
        <div className="about-row">
          <label>
            Channel{' '}
            <select
              value={picked ?? status?.channel ?? 'stable'}
              disabled={!status}
              onChange={(e) => setChannel(e.target.value as UpdateStatus['channel'])}
              data-testid="about-channel"
            >
              <option value="stable">Stable</option>
              <option value="beta">Beta (early releases)</option>
            </select>
          </label>
          <button type="button" onClick={check} disabled={disabled || checking} data-testid="about-check">
            {checking ? 'Checking…' : 'Check for updates'}
          </button>
        </div>
      </section>

      <section className="about-section">
        <h3>Diagnostics</h3>
        <p className="muted">
          For a support ticket: versions, the workbook’s size and shape, credits, runs and the log’s last
          lines. Keys, tokens, table names and cell values are never included.
        </p>
        <CopyDiagnostics onText={setDiagnostics} />
        {diagnostics && (
          <textarea
            className="diagnostics-text"
            readOnly
            value={diagnostics}
            rows={10}
            data-testid="diagnostics-text"
            aria-label="Diagnostics"
          />
        )}
      </section>
    </Modal>
  );
}

/** Collects the diagnostics and puts them on the clipboard; used by the dialog and the Help menu. */
export async function copyDiagnostics(): Promise<{ text: string; copied: boolean }> {
  const { text } = await call('diagnostics/collect', {});
  try {
    await navigator.clipboard.writeText(text);
    return { text, copied: true };
  } catch {
    return { text, copied: false };
  }
}

function CopyDiagnostics({ onText }: { onText(text: string): void }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      data-testid="copy-diagnostics"
      onClick={() => {
        setBusy(true);
        copyDiagnostics()
          .then(({ text, copied }) => {
            onText(text);
            if (copied) toast.success('Diagnostics copied to the clipboard');
            else toast.info('The clipboard is not available here: copy the diagnostics from the box below.');
          })
          .catch((error) => toast.error(error, 'Could not collect the diagnostics'))
          .finally(() => setBusy(false));
      }}
    >
      Copy diagnostics
    </button>
  );
}

function describe(status: UpdateStatus): string {
  const { phase } = status;
  const checked = status.lastCheckedAt
    ? ` Last checked ${new Date(status.lastCheckedAt).toLocaleString()}.`
    : '';
  switch (phase.state) {
    case 'disabled':
      return phase.reason;
    case 'idle':
      return `Rowsmith ${status.currentVersion}.${checked}`;
    case 'checking':
      return 'Checking for updates…';
    case 'not-available':
      return `Rowsmith ${status.currentVersion} is the latest version on the ${status.channel} channel.${checked}`;
    case 'available':
      return `Rowsmith ${phase.version} is available (you have ${status.currentVersion}).`;
    case 'downloading':
      return `Downloading Rowsmith ${phase.version}… ${Math.floor(phase.percent)}%`;
    case 'downloaded':
      return `Rowsmith ${phase.version} is downloaded: restart to update.`;
    case 'installing':
      return `Installing Rowsmith ${phase.version}…`;
    case 'error':
      return phase.message;
  }
}
