// The first-run screen: before the workbook opens for the first time, the user picks
// where credits come from — their company's licensing server (address, license key and
// email, through licensing/connect) or the built-in demo server. Either choice is
// remembered by the main process (licensing.json), so the screen never shows again.
// A failed check never locks the user out: the workspace opens instead.
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { call, toAppError } from '../api';
import { FormError } from '../components/form-error';
import { runStore } from '../state/runs';
import './first-run.css';

export function FirstRunGate({ children }: { children: ReactNode }) {
  const [needed, setNeeded] = useState<boolean | null>(null);
  useEffect(() => {
    call('licensing/first-run', {})
      .then(({ needed }) => setNeeded(needed))
      .catch(() => setNeeded(false));
  }, []);
  if (needed === null) return null;
  return needed ? <FirstRunScreen onDone={() => setNeeded(false)} /> : children;
}

/** What to tell the user when connecting failed: the server's own words, or which field is wrong. */
export function connectErrorMessage(error: unknown): string {
  const e = toAppError(error);
  if (e.code === 'invalid_input' && /userEmail/.test(e.message)) return 'Enter a valid email address.';
  if (e.code === 'invalid_input' && /licenseKey/.test(e.message))
    return 'Enter the license key you were given.';
  if (e.code === 'invalid_input' && /serverUrl/.test(e.message))
    return 'Enter the licensing server’s address.';
  return e.message;
}

function FirstRunScreen({ onDone }: { onDone(): void }) {
  const [serverUrl, setServerUrl] = useState('');
  const [licenseKey, setLicenseKey] = useState('');
  const [userEmail, setUserEmail] = useState('');
  const [busy, setBusy] = useState<'connect' | 'demo' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const choose = async (which: 'connect' | 'demo') => {
    setBusy(which);
    setError(null);
    try {
      const status =
        which === 'connect'
          ? await call('licensing/connect', { serverUrl, licenseKey, userEmail })
          : await call('licensing/use-embedded', {});
      runStore.setCredits(status);
      onDone();
    } catch (err) {
      setError(
        which === 'connect'
          ? connectErrorMessage(err)
          : `Could not start the demo server: ${toAppError(err).message}`,
      );
      setBusy(null);
    }
  };
  const connect = (e: FormEvent) => {
    e.preventDefault();
    if (!serverUrl.trim() || !licenseKey.trim() || !userEmail.trim()) {
      setError('Fill in the server address, license key and email.');
      return;
    }
    void choose('connect');
  };

  return (
    <div className="first-run" data-testid="first-run">
      <div className="first-run-card">
        <h1>Welcome to Rowsmith</h1>
        <p className="muted">
          Enrichment columns spend credits from your company’s monthly allowance. Connect to your company’s
          licensing server, or start with the demo to try things out — you can switch later on the Credits
          page.
        </p>
        <div className="first-run-choices">
          <form className="form first-run-choice" onSubmit={connect} data-testid="first-run-connect-form">
            <h2>Connect to your company’s server</h2>
            <label className="field">
              <span>Server address</span>
              <input
                value={serverUrl}
                onChange={(e) => setServerUrl(e.target.value)}
                placeholder="https://licensing.example.com"
                autoComplete="url"
                data-testid="first-run-url"
              />
            </label>
            <label className="field">
              <span>License key</span>
              <input
                value={licenseKey}
                onChange={(e) => setLicenseKey(e.target.value)}
                autoComplete="off"
                spellCheck={false}
                data-testid="first-run-key"
              />
            </label>
            <label className="field">
              <span>Your email</span>
              <input
                type="email"
                value={userEmail}
                onChange={(e) => setUserEmail(e.target.value)}
                autoComplete="email"
                data-testid="first-run-email"
              />
            </label>
            <div data-testid="first-run-error">
              <FormError message={error} />
            </div>
            <button
              type="submit"
              className="primary"
              disabled={busy !== null}
              data-testid="first-run-connect"
            >
              {busy === 'connect' ? 'Connecting…' : 'Connect'}
            </button>
          </form>
          <div className="first-run-choice">
            <h2>Try it first</h2>
            <p className="muted">
              A demo server runs on this computer with a demo organisation and its own credits. Nothing leaves
              your machine except the enrichment calls you make.
            </p>
            <button
              type="button"
              onClick={() => void choose('demo')}
              disabled={busy !== null}
              data-testid="first-run-demo"
            >
              {busy === 'demo' ? 'Starting…' : 'Start with the demo'}
            </button>
          </div>
        </div>
      </div>
    </div>
  );
}
