// Settings → Providers: the data providers behind the catalogue's actions, grouped by
// what they can do, each with its key status, key form, connection test and docs; how
// keys are protected on this computer; and the order each waterfall asks its providers
// in. Everything comes from the main process; this window never receives a key.
import type { ProviderEntry, ProviderList, WaterfallInfo } from '@shared/provider-settings';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { call, errorMessage } from '../api';
import { FormError } from '../components/form-error';
import { Modal } from '../components/modal';
import { capabilityLabel, compareCapabilities } from './capabilities';
import { ProviderRow } from './provider-row';
import { WaterfallOrder } from './waterfall-order';
import './settings.css';

export function ProvidersDialog({ onClose }: { onClose(): void }) {
  const [list, setList] = useState<ProviderList | null>(null);
  const [waterfalls, setWaterfalls] = useState<WaterfallInfo[]>([]);
  const [error, setError] = useState<string | null>(null);

  const reloadWaterfalls = useCallback(
    () =>
      call('waterfalls/list', {})
        .then(setWaterfalls)
        .catch((err) => setError(errorMessage(err))),
    [],
  );

  useEffect(() => {
    call('providers/list', {})
      .then(setList)
      .catch((err) => setError(errorMessage(err)));
    void reloadWaterfalls();
  }, [reloadWaterfalls]);

  // Each provider once, under its first capability; the groups in the catalogue's order.
  const groups = useMemo(() => {
    const byCapability = new Map<string, ProviderEntry[]>();
    for (const p of list?.providers ?? []) {
      const capability = p.capabilities[0] ?? 'other';
      byCapability.set(capability, [...(byCapability.get(capability) ?? []), p]);
    }
    return [...byCapability.entries()].sort(([a], [b]) => compareCapabilities(a, b));
  }, [list]);

  const onChanged = (entry: ProviderEntry) => {
    setList((prev) =>
      prev ? { ...prev, providers: prev.providers.map((p) => (p.id === entry.id ? entry : p)) } : prev,
    );
    // Waterfalls say which of their providers have keys.
    void reloadWaterfalls();
  };

  return (
    <Modal title="Settings — Providers" onClose={onClose} wide testId="providers-dialog">
      <FormError message={error} />
      {list && (
        <p
          className={list.protection === 'os-keychain' ? 'muted' : 'form-warning'}
          data-testid="providers-protection"
        >
          {list.protection === 'os-keychain'
            ? 'Keys are encrypted with your operating system’s keychain and stay on this computer. Once saved, a key is never shown again: only its last four characters.'
            : 'Keys are encrypted with a key file kept in your user data folder, because this window has no access to the operating system’s keychain. That protects a copied secrets file, but not against someone who can read your files; the desktop app uses the keychain. Once saved, a key is never shown again: only its last four characters.'}
        </p>
      )}
      {list && list.providers.length === 0 && <p className="muted">No providers in the catalogue yet.</p>}
      {groups.map(([capability, providers]) => (
        <section className="provider-group" key={capability} data-testid={`provider-group-${capability}`}>
          <h3>{capabilityLabel(capability)}</h3>
          <ul className="provider-list">
            {providers.map((p) => (
              <ProviderRow key={p.id} provider={p} listedUnder={capability} onChanged={onChanged} />
            ))}
          </ul>
        </section>
      ))}
      {waterfalls.length > 0 && (
        <section className="provider-group" data-testid="waterfalls">
          <h3>Waterfall order</h3>
          <p className="muted">
            Actions that can ask several providers try them in this order and stop at the first one that finds
            an answer. Turn a provider off to never ask it.
          </p>
          {waterfalls.map((w) => (
            <WaterfallOrder
              key={w.id}
              waterfall={w}
              onChanged={(next) => setWaterfalls((prev) => prev.map((x) => (x.id === next.id ? next : x)))}
            />
          ))}
        </section>
      )}
    </Modal>
  );
}
