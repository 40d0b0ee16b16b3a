// "Waterfall order": for an action that tries several providers in turn, the order to
// ask them in and which ones to ask at all. Every change is saved at once (the main
// process validates it and answers the order it kept); Move up / Move down are plain
// buttons, so the list is reorderable from the keyboard, and focus follows the moved
// provider. At least one provider stays on.
import type { WaterfallInfo, WaterfallProvider } from '@shared/provider-settings';
import { useEffect, useRef, useState } from 'react';
import { call, errorMessage } from '../api';
import { FormError } from '../components/form-error';

interface WaterfallOrderProps {
  waterfall: WaterfallInfo;
  onChanged(next: WaterfallInfo): void;
}

export function WaterfallOrder({ waterfall, onChanged }: WaterfallOrderProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const pendingFocus = useRef<string | null>(null);
  const wid = waterfall.id;

  // The buttons are disabled while a change saves, which drops the focus; it goes back to
  // the moved provider's button after the render that enables them, never before.
  useEffect(() => {
    const testId = pendingFocus.current;
    if (busy || !testId) return;
    pendingFocus.current = null;
    // At either end of the list its move button is disabled: the other direction's takes the focus.
    const other = testId.replace(
      /^waterfall-(up|down)-/,
      (_m, d) => `waterfall-${d === 'up' ? 'down' : 'up'}-`,
    );
    const enabled = (id: string) =>
      list.current?.querySelector<HTMLButtonElement>(`[data-testid="${id}"]:not(:disabled)`);
    (enabled(testId) ?? enabled(other))?.focus();
  });

  const save = async (providers: WaterfallProvider[] | null, focus?: string) => {
    setBusy(true);
    setError(null);
    try {
      const providerIds = providers === null ? null : providers.filter((p) => p.enabled).map((p) => p.id);
      const next = await call('waterfalls/set-order', { waterfallId: wid, providerIds });
      // Focused once the list shows the new order and its buttons are enabled again (below).
      pendingFocus.current = focus ?? null;
      onChanged(next);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const move = (index: number, by: -1 | 1) => {
    const next = [...waterfall.providers];
    const [item] = next.splice(index, 1);
    if (!item) return;
    next.splice(index + by, 0, item);
    const testId = `waterfall-${by < 0 ? 'up' : 'down'}-${wid}-${item.id}`;
    void save(next, testId);
  };

  const toggle = (id: string, enabled: boolean) => {
    const next = waterfall.providers.map((p) => (p.id === id ? { ...p, enabled } : p));
    // Turned on again: asked last; turned off: listed after the ones still on.
    const on = next.filter((p) => p.enabled && p.id !== id);
    const changed = next.find((p) => p.id === id) as WaterfallProvider;
    const off = next.filter((p) => !p.enabled && p.id !== id);
    void save([...on, changed, ...off]);
  };

  const enabledCount = waterfall.providers.filter((p) => p.enabled).length;

  return (
    <section className="waterfall" data-testid={`waterfall-${wid}`}>
      <div className="provider-head">
        <strong>{waterfall.name}</strong>
        <span className="muted">asks the providers that are on, top to bottom, until one finds it</span>
        <span className="toolbar-spacer" />
        {waterfall.custom && (
          <button
            type="button"
            className="link-button"
            disabled={busy}
            onClick={() => void save(null)}
            data-testid={`waterfall-reset-${wid}`}
          >
            Back to the default order
          </button>
        )}
      </div>
      <ol className="waterfall-list" ref={list} aria-label={`${waterfall.name}: provider order`}>
        {waterfall.providers.map((p, i) => {
          const lastOn = p.enabled && enabledCount === 1;
          return (
            <li
              key={p.id}
              className={p.enabled ? 'waterfall-item' : 'waterfall-item off'}
              data-testid={`waterfall-item-${wid}-${p.id}`}
            >
              <label className="field checkbox grow">
                <input
                  type="checkbox"
                  checked={p.enabled}
                  disabled={busy || lastOn}
                  onChange={(e) => toggle(p.id, e.target.checked)}
                  title={lastOn ? 'At least one provider stays on.' : undefined}
                  data-testid={`waterfall-enabled-${wid}-${p.id}`}
                />
                <span>
                  {p.enabled ? `${waterfall.providers.filter((x, j) => x.enabled && j <= i).length}. ` : ''}
                  {p.name}
                </span>
              </label>
              {p.needsKey && !p.hasKey && <span className="form-warning">no key yet</span>}
              <button
                type="button"
                className="icon-button"
                disabled={busy || !p.enabled || i === 0}
                onClick={() => move(i, -1)}
                aria-label={`Move ${p.name} up`}
                data-testid={`waterfall-up-${wid}-${p.id}`}
              >
                ↑
              </button>
              <button
                type="button"
                className="icon-button"
                disabled={busy || !p.enabled || i >= enabledCount - 1}
                onClick={() => move(i, 1)}
                aria-label={`Move ${p.name} down`}
                data-testid={`waterfall-down-${wid}-${p.id}`}
              >
                ↓
              </button>
            </li>
          );
        })}
      </ol>
      <FormError message={error} />
    </section>
  );
}
