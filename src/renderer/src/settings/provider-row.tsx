// One provider on the Providers screen: whether its key is set (only the last four
// characters are ever known here), a password field to set, replace or remove it, a
// connection test with the saved key, and a link to the API docs. The field is never
// prefilled and is cleared once the key is saved: the window never holds a saved key.
import type { ConnectionTest, ProviderEntry } from '@shared/provider-settings';
import { type FormEvent, useState } from 'react';
import { call, errorMessage } from '../api';
import { useAsk } from '../components/dialogs';
import { FormError } from '../components/form-error';
import { useToast } from '../state/toasts';
import { capabilityLabel } from './capabilities';
import { openExternalLink } from './open-link';

interface ProviderRowProps {
  provider: ProviderEntry;
  /** the capability it is listed under; the others are named as "also" */
  listedUnder: string;
  onChanged(entry: ProviderEntry): void;
}

export function ProviderRow({ provider, listedUnder, onChanged }: ProviderRowProps) {
  const toast = useToast();
  const ask = useAsk();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<ConnectionTest | 'running' | null>(null);
  const id = provider.id;
  const keyName = provider.keyLabel ?? 'API key';
  const also = provider.capabilities.filter((c) => c !== listedUnder).map(capabilityLabel);

  const save = async (value: string | null) => {
    setBusy(true);
    setError(null);
    setTest(null);
    try {
      const entry = await call('providers/set-key', { providerId: id, key: value });
      setKey('');
      onChanged(entry);
      toast.success(value === null ? `Key for ${provider.name} removed.` : `Key for ${provider.name} saved.`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (key.trim() && !busy) void save(key);
  };

  const remove = async () => {
    const ok = await ask.confirm({
      title: 'Remove key',
      message: `Remove the key for ${provider.name}? Columns that use it stop asking ${provider.name} until a key is set again.`,
      confirmLabel: 'Remove key',
      danger: true,
    });
    if (ok) await save(null);
  };

  const runTest = async () => {
    setTest('running');
    try {
      setTest(await call('providers/test', { providerId: id }));
    } catch (err) {
      setTest({ ok: false, message: errorMessage(err) });
    }
  };

  const openDocs = () => {
    openExternalLink(provider.docsUrl)
      .then((opened) => {
        if (!opened) toast.info(`Open ${provider.docsUrl} in your browser.`);
      })
      .catch((err) => toast.error(err, 'Could not open the documentation'));
  };

  return (
    <li className="provider-row" data-testid={`provider-${id}`}>
      <div className="provider-head">
        <strong>{provider.name}</strong>
        {provider.needsKey ? (
          <span
            className={provider.hasKey ? 'key-status key-set' : 'key-status'}
            data-testid={`provider-key-status-${id}`}
          >
            {provider.hasKey ? `set ${provider.keyHint ?? ''}`.trim() : 'not set'}
          </span>
        ) : (
          <span className="key-status key-none" data-testid={`provider-key-status-${id}`}>
            no key needed
          </span>
        )}
        <span className="toolbar-spacer" />
        <a
          href={provider.docsUrl}
          onClick={(e) => {
            e.preventDefault();
            openDocs();
          }}
          title={provider.docsUrl}
          data-testid={`provider-docs-${id}`}
        >
          API docs
        </a>
      </div>
      {also.length > 0 && <p className="form-hint">Also: {also.join(', ')}</p>}
      {provider.needsKey && (
        <form className="provider-key-form" onSubmit={submit}>
          <label className="field grow">
            <span>{provider.hasKey ? `Replace ${keyName}` : keyName}</span>
            <input
              type="password"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              maxLength={2_048}
              placeholder={provider.hasKey ? 'Paste a new key to replace the saved one' : 'Paste the key'}
              data-testid={`provider-key-input-${id}`}
            />
          </label>
          <button type="submit" disabled={busy || !key.trim()} data-testid={`provider-key-save-${id}`}>
            {provider.hasKey ? 'Replace' : 'Save'}
          </button>
          {provider.hasKey && (
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => void remove()}
              data-testid={`provider-key-remove-${id}`}
            >
              Remove
            </button>
          )}
          {provider.canTest && (
            <button
              type="button"
              disabled={busy || test === 'running'}
              onClick={() => void runTest()}
              data-testid={`provider-test-${id}`}
            >
              {test === 'running' ? 'Testing…' : 'Test connection'}
            </button>
          )}
        </form>
      )}
      {!provider.needsKey && provider.canTest && (
        <div className="form-row">
          <button
            type="button"
            disabled={test === 'running'}
            onClick={() => void runTest()}
            data-testid={`provider-test-${id}`}
          >
            {test === 'running' ? 'Testing…' : 'Test connection'}
          </button>
        </div>
      )}
      <FormError message={error} />
      {test && test !== 'running' && (
        <p
          className={test.ok ? 'test-result test-ok' : 'test-result form-error'}
          role="status"
          data-testid={`provider-test-result-${id}`}
        >
          {test.ok ? '✓ ' : '✗ '}
          {test.message}
        </p>
      )}
    </li>
  );
}
