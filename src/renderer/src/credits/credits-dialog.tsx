// The Credits page: what is left and when it renews, what each action costs (from the
// live price list), what to do when more is needed, and which licensing server this
// workbook uses — the embedded demo one, or a company's server joined with a license key.
import type { ActionInfo, CreditStatus } from '@shared/enrichment';
import { type FormEvent, useEffect, useState } from 'react';
import { call, errorMessage } from '../api';
import { FormError } from '../components/form-error';
import { Modal } from '../components/modal';
import { formatCount, plural } from '../format';
import { runStore, useCredits } from '../state/runs';
import { useToast } from '../state/toasts';

/** Which part of the price list an action belongs in, by its id. */
function groupOf(actionId: string): 'Companies' | 'Contacts' | 'Any table' {
  if (actionId.startsWith('company.')) return 'Companies';
  if (/^(person|email|phone)\./.test(actionId)) return 'Contacts';
  return 'Any table';
}
const GROUP_ORDER = ['Companies', 'Contacts', 'Any table'] as const;

export const renewalDate = (credits: CreditStatus): string =>
  new Date(credits.periodEnd).toLocaleDateString(undefined, { month: 'long', day: 'numeric' });

export function CreditsDialog({ onClose, onRequest }: { onClose(): void; onRequest(): void }) {
  const credits = useCredits();
  const [actions, setActions] = useState<ActionInfo[]>([]);
  useEffect(() => {
    call('actions/list', {})
      .then(setActions)
      .catch(() => {});
  }, []);
  const grouped = GROUP_ORDER.map((title) => ({
    title,
    actions: actions.filter((a) => groupOf(a.id) === title),
  })).filter((g) => g.actions.length > 0);

  return (
    <Modal title="Credits" onClose={onClose} wide testId="credits-dialog">
      {credits && (
        <section className="credits-summary">
          <p className="quote-main" data-testid="credits-remaining">
            {formatCount(credits.remaining)} of {formatCount(credits.allowance)} credits left this month
          </p>
          <p className="muted">
            The allowance renews on {renewalDate(credits)}: the balance starts again at the full allowance
            (unused credits do not carry over). Only results are charged — not found, errors, skipped rows and
            answers reused from the cache cost nothing.
            {credits.reserved > 0 &&
              ` ${plural(credits.reserved, 'credit')} are held by running columns and offline leases.`}
          </p>
          {credits.online === false && (
            <p className="form-warning" data-testid="credits-offline">
              Offline: this workbook can spend {plural(credits.offlineAvailable ?? 0, 'credit')} from its
              offline lease
              {credits.leaseExpiresAt ? ` (until ${new Date(credits.leaseExpiresAt).toLocaleString()})` : ''}.
              {(credits.pending ?? 0) > 0 &&
                ` ${plural(credits.pending ?? 0, 'credit')} spent here will be reported when the server is back.`}
            </p>
          )}
          <button type="button" onClick={onRequest} data-testid="credits-request">
            Request more credits…
          </button>
        </section>
      )}
      <h3>What each action costs</h3>
      {grouped.map((g) => (
        <table className="mapping-table price-table" key={g.title}>
          <thead>
            <tr>
              <th>{g.title}</th>
              <th className="cell-number">Credits a result</th>
            </tr>
          </thead>
          <tbody>
            {g.actions.map((a) => (
              <tr key={a.id} data-testid={`price-${a.id}`}>
                <td>
                  <strong>{a.name}</strong>
                  <div className="muted">{a.description}</div>
                </td>
                <td className="cell-number">{a.price}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      {credits && <ServerSection credits={credits} />}
    </Modal>
  );
}

function ServerSection({ credits }: { credits: CreditStatus }) {
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [serverUrl, setServerUrl] = useState('');
  const [licenseKey, setLicenseKey] = useState('');
  const [userEmail, setUserEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const embedded = credits.server === 'embedded';

  const connect = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      runStore.setCredits(await call('licensing/connect', { serverUrl, licenseKey, userEmail }));
      toast.success('Connected to the licensing server.');
      setOpen(false);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const switchToEmbedded = async () => {
    try {
      runStore.setCredits(await call('licensing/use-embedded', {}));
    } catch (err) {
      toast.error(err, 'Could not switch servers');
    }
  };

  return (
    <section className="credits-server">
      <h3>Licensing server</h3>
      <p data-testid="credits-server">
        {credits.source === 'local'
          ? 'Credits are kept in this workbook.'
          : embedded
            ? `The built-in demo server (${credits.orgName ?? 'demo organisation'}), on this computer.`
            : `${credits.server} — ${credits.orgName ?? ''}`}
        {credits.online === false ? ' · offline' : credits.online ? ' · online' : ''}
        {credits.lastSyncAt && ` · last synced ${new Date(credits.lastSyncAt).toLocaleTimeString()}`}
      </p>
      {credits.lastError && <p className="form-warning">{credits.lastError}</p>}
      {!open ? (
        <div className="form-row">
          <button type="button" onClick={() => setOpen(true)} data-testid="credits-connect-open">
            Connect to your company’s server…
          </button>
          {!embedded && credits.source === 'server' && (
            <button type="button" onClick={() => void switchToEmbedded()}>
              Use the built-in demo server
            </button>
          )}
        </div>
      ) : (
        <form className="form" onSubmit={connect}>
          <label className="field">
            <span>Server address</span>
            <input
              value={serverUrl}
              onChange={(e) => setServerUrl(e.target.value)}
              placeholder="https://licensing.example.com"
              data-testid="connect-url"
            />
          </label>
          <label className="field">
            <span>License key</span>
            <input
              value={licenseKey}
              onChange={(e) => setLicenseKey(e.target.value)}
              data-testid="connect-key"
            />
          </label>
          <label className="field">
            <span>Your email</span>
            <input
              type="email"
              value={userEmail}
              onChange={(e) => setUserEmail(e.target.value)}
              data-testid="connect-email"
            />
          </label>
          <FormError message={error} />
          <div className="modal-footer">
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button
              type="submit"
              className="primary"
              disabled={busy || !serverUrl || !licenseKey || !userEmail}
            >
              Connect
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

export function CapacityDialog({ onClose }: { onClose(): void }) {
  const toast = useToast();
  const [credits, setCredits] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const amount = credits.trim() ? Math.round(Number(credits)) : undefined;
      await call('credits/request-capacity', {
        message,
        ...(amount && amount > 0 ? { credits: amount } : {}),
      });
      toast.success('Request sent. Columns that ran out go on by themselves once credits are granted.');
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Modal title="Request more credits" onClose={onClose} testId="capacity-dialog">
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>Credits needed (optional)</span>
          <input
            type="number"
            min={1}
            value={credits}
            onChange={(e) => setCredits(e.target.value)}
            data-testid="capacity-credits"
          />
        </label>
        <label className="field">
          <span>What for</span>
          <textarea
            rows={3}
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            placeholder="Enriching the Q3 prospect list: about 20,000 contacts."
            data-testid="capacity-message"
          />
        </label>
        <FormError message={error} />
        <div className="modal-footer">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="primary"
            disabled={busy || !message.trim()}
            data-testid="capacity-submit"
          >
            Send request
          </button>
        </div>
      </form>
    </Modal>
  );
}
