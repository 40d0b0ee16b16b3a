// `rowsmith actions [--json]`: every action a column can run, and the LinkedIn import
// (which fills a table instead), with what it costs (the licensing server's default price
// list, which wins over the action's own figure), the table kinds it is meant for, the
// providers it can ask, each with whether it needs a key, and (as JSON) the options it
// declares. Needs no workbook and never reads a key: scripts use it to pick an action id.
import type { ActionInfo, ActionOption } from '@shared/enrichment';
import { PROVIDERS } from '../main/catalogue';
import { LINKEDIN_IMPORT_INFO } from '../main/catalogue/search-import/linkedin-import';
import { listActions } from '../main/engine/actions';
import { DEFAULT_PRICE_LIST, type PriceEntry } from '../server/prices';

export interface ActionListing {
  id: string;
  name: string;
  description: string;
  /** column: an enrichment column runs it per row (`--config`); import: it fills a table */
  runsAs: 'column' | 'import';
  price: { credits: number; unit: string };
  /** the table kinds it is meant for; null: any table */
  tables: ('companies' | 'contacts')[] | null;
  providers: { id: string; name: string; needsKey: boolean }[];
  /** the options its column takes in `--config`'s "options", with their defaults */
  options: ActionOption[];
}

export function actionListings(actions: ActionInfo[] = listActions()): ActionListing[] {
  const columns = actions.map((a) => ({
    id: a.id,
    name: a.name,
    description: a.description,
    runsAs: 'column' as const,
    price: priceOf(a.id, a.price),
    tables: a.tables?.length ? [...a.tables] : null,
    providers: providersOf(a.providers ?? []),
    options: a.options ?? [],
  }));
  const i = LINKEDIN_IMPORT_INFO;
  return [
    ...columns,
    {
      id: i.id,
      name: i.name,
      description: i.description,
      runsAs: 'import',
      price: priceOf(i.id, 1),
      tables: [...i.tables],
      providers: providersOf(i.providers),
      options: [],
    },
  ];
}

function priceOf(actionId: string, fallback: number): { credits: number; unit: string } {
  const listed = (DEFAULT_PRICE_LIST as Record<string, PriceEntry>)[actionId];
  return listed ? { credits: listed.credits, unit: listed.unit } : { credits: fallback, unit: 'result' };
}

function providersOf(ids: string[]): ActionListing['providers'] {
  return ids.map((id) => {
    const p = PROVIDERS.find((x) => x.id === id);
    return { id, name: p?.name ?? id, needsKey: p?.needsKey ?? false };
  });
}

export function printActions(out: NodeJS.WritableStream, json: boolean): void {
  const listings = actionListings();
  if (json) {
    out.write(`${JSON.stringify(listings, null, 2)}\n`);
    return;
  }
  const rows = listings.map((a) => [
    a.id,
    a.name,
    `${a.price.credits} ${a.price.credits === 1 ? 'credit' : 'credits'} / ${a.price.unit}`,
    a.tables?.join(', ') ?? 'any',
    a.providers.map((p) => (p.needsKey ? `${p.id} (key)` : p.id)).join(', ') || '—',
  ]);
  const header = ['ACTION', 'NAME', 'PRICE', 'TABLES', 'PROVIDERS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const row of [header, ...rows]) {
    // The last column is not padded: no trailing spaces.
    out.write(
      `${row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')}\n`,
    );
  }
  out.write('\n(key): the provider needs an API key, set in Settings → Providers.\n');
}
