// The Add column dialog's action list as the catalogue grows: actions grouped by the
// tables they are meant for (the open table's kind first), each with its price, and for
// an action that asks providers, which of them have a key — with a warning pointing to
// Settings → Providers when none does. Key status comes from `providers/list` (only
// whether a key is set, never a key).
import type { ActionInfo } from '@shared/enrichment';
import type { TableKind } from '@shared/model';
import type { ProviderList } from '@shared/provider-settings';
import { useEffect, useState } from 'react';
import { call } from '../api';

type Group = 'companies' | 'contacts' | 'any';
const GROUP_LABELS: Record<Group, string> = {
  companies: 'Companies',
  contacts: 'Contacts',
  any: 'Any table',
};

function groupOrder(kind: TableKind | undefined): Group[] {
  if (kind === 'companies') return ['companies', 'any', 'contacts'];
  if (kind === 'contacts') return ['contacts', 'any', 'companies'];
  return ['any', 'companies', 'contacts'];
}

/** An action meant for several kinds shows under the open table's kind when it is one of them. */
function groupOf(action: ActionInfo, kind: TableKind | undefined): Group {
  const tables = action.tables ?? [];
  if (tables.length === 0) return 'any';
  if ((kind === 'companies' || kind === 'contacts') && tables.includes(kind)) return kind;
  return tables[0] as Group;
}

const priceLabel = (price: number) => `${price} ${price === 1 ? 'credit' : 'credits'} a result`;

/** The <option>s of the action <select>, in <optgroup>s. */
export function ActionOptions({ actions, tableKind }: { actions: ActionInfo[]; tableKind?: TableKind }) {
  return (
    <>
      {groupOrder(tableKind).map((group) => {
        const members = actions.filter((a) => groupOf(a, tableKind) === group);
        if (members.length === 0) return null;
        return (
          <optgroup key={group} label={GROUP_LABELS[group]} data-testid={`action-group-${group}`}>
            {members.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} — {priceLabel(a.price)}
              </option>
            ))}
          </optgroup>
        );
      })}
    </>
  );
}

/** Key status of every provider, loaded once per dialog; null until it arrives (or if it fails). */
export function useProviderList(): ProviderList | null {
  const [list, setList] = useState<ProviderList | null>(null);
  useEffect(() => {
    let current = true;
    call('providers/list', {})
      .then((l) => current && setList(l))
      // Without it the dialog still works; the note just is not shown.
      .catch(() => {});
    return () => {
      current = false;
    };
  }, []);
  return list;
}

/** Under the action: its providers with a key (or needing none), or a warning when none has a key. */
export function ActionProviders({ action, list }: { action: ActionInfo | null; list: ProviderList | null }) {
  if (!action?.providers?.length || !list) return null;
  const providers = action.providers
    .map((id) => list.providers.find((p) => p.id === id))
    .filter((p): p is NonNullable<typeof p> => p !== undefined);
  const keyed = providers.filter((p) => p.needsKey);
  const withKey = keyed.filter((p) => p.hasKey);
  const keyless = providers.filter((p) => !p.needsKey);
  const names = (ps: typeof providers) => ps.map((p) => p.name).join(', ');

  if (keyed.length > 0 && withKey.length === 0 && action.providersOptional) {
    return (
      <p className="muted action-providers" data-testid="action-providers">
        Works without a key; with a key for {names(keyed)} (Settings → Providers) it asks them too.
      </p>
    );
  }
  if (keyed.length > 0 && withKey.length === 0) {
    return (
      <p className="form-warning action-providers" role="status" data-testid="action-providers-warning">
        No provider has a key yet — Settings → Providers.
        {keyless.length > 0 && ` Until then only ${names(keyless)} (no key needed) will be asked.`}
      </p>
    );
  }
  return (
    <p className="muted action-providers" data-testid="action-providers">
      {keyed.length > 0 &&
        `With a key: ${names(withKey)} (${withKey.length} of ${keyed.length}${
          withKey.length < keyed.length ? '; more in Settings → Providers' : ''
        }). `}
      {keyless.length > 0 && `No key needed: ${names(keyless)}.`}
    </p>
  );
}
