// Settings → Providers behind the IPC channels: each provider's key status, setting and
// removing keys, a connection test with the saved key, and the user's order for each
// waterfall. Keys go into the secret store and never come back out of here: entries
// carry only the last four characters, and every message a test returns has the key
// scrubbed from it in case a provider echoes it.
import type { ActionInfo } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type { ConnectionTest, ProviderEntry, ProviderList, WaterfallInfo } from '@shared/provider-settings';
import type { SecretStore } from '../secrets/secret-store';
import { CATALOGUE, PROVIDERS } from './index';
import type { ProviderAdapter, ProviderSettings } from './providers';

export const TEST_TIMEOUT_MS = 10_000;
const MAX_MESSAGE = 500;

/** The providers and actions Settings shows: the built-in catalogue unless a test passes its own. */
export interface SettingsCatalogue {
  providers: readonly ProviderAdapter[];
  actions: readonly ActionInfo[];
}

export const builtInCatalogue = (): SettingsCatalogue => ({
  providers: PROVIDERS,
  actions: CATALOGUE.map((a) => a.info),
});

export class ProviderSettingsService {
  constructor(
    private readonly settings: ProviderSettings,
    private readonly secrets: SecretStore,
    private readonly catalogue: SettingsCatalogue = builtInCatalogue(),
    private readonly testTimeoutMs = TEST_TIMEOUT_MS,
  ) {}

  list(): ProviderList {
    return {
      protection: this.secrets.protection,
      providers: this.catalogue.providers.map((p) => this.entry(p)),
    };
  }

  setKey(providerId: string, key: string | null): ProviderEntry {
    const provider = this.provider(providerId);
    if (!provider.needsKey && key !== null)
      throw new AppError('invalid_input', `${provider.name} works without an API key.`);
    this.settings.setKey(provider.id, key);
    return this.entry(provider);
  }

  /** Never throws: the outcome is the answer, in words a user can act on. */
  async test(providerId: string): Promise<ConnectionTest> {
    const provider = this.provider(providerId);
    if (!provider.testConnection)
      return {
        ok: false,
        message: `${provider.name} has no connection test; run a column on a few rows to check the key.`,
      };
    // Without a key too: the adapter says what is missing (some servers take none).
    const call = this.settings.call(provider);
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The race returns on time even if an adapter ignores its signal.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new TimeoutError());
      }, this.testTimeoutMs);
    });
    try {
      const said = await Promise.race([provider.testConnection(call, controller.signal), timeout]);
      return { ok: true, message: scrub(said || `Connected to ${provider.name}.`, call.key) };
    } catch (error) {
      if (error instanceof TimeoutError)
        return {
          ok: false,
          message: `${provider.name} did not answer within ${seconds(this.testTimeoutMs)}.`,
        };
      const text = error instanceof Error ? error.message : String(error);
      return { ok: false, message: scrub(text || `${provider.name} refused the connection.`, call.key) };
    } finally {
      clearTimeout(timer);
    }
  }

  waterfalls(): WaterfallInfo[] {
    return this.waterfallActions().map((a) => this.waterfall(a));
  }

  getWaterfall(waterfallId: string): WaterfallInfo {
    return this.waterfall(this.waterfallAction(waterfallId));
  }

  /** The enabled providers in the order to ask them; null restores the catalogue's order. */
  setOrder(waterfallId: string, providerIds: string[] | null): WaterfallInfo {
    const action = this.waterfallAction(waterfallId);
    if (providerIds !== null) {
      const allowed = new Set(action.providers);
      const unknown = providerIds.find((id) => !allowed.has(id));
      if (unknown !== undefined)
        throw new AppError('invalid_input', `${action.name} cannot ask “${unknown}”.`);
      if (new Set(providerIds).size !== providerIds.length)
        throw new AppError('invalid_input', `${action.name}: each provider appears once in the order.`);
    }
    this.settings.setOrder(action.id, providerIds);
    return this.waterfall(action);
  }

  private entry(p: ProviderAdapter): ProviderEntry {
    const hasKey = p.needsKey && this.settings.hasKey(p.id);
    return {
      id: p.id,
      name: p.name,
      docsUrl: p.docsUrl,
      capabilities: [...p.capabilities],
      needsKey: p.needsKey,
      keyLabel: p.keyLabel ?? null,
      hasKey,
      keyHint: hasKey ? this.settings.keyHint(p.id) : null,
      canTest: typeof p.testConnection === 'function',
    };
  }

  private provider(id: string): ProviderAdapter {
    const provider = this.catalogue.providers.find((p) => p.id === id);
    if (!provider) throw new AppError('not_found', `There is no provider “${id}”.`);
    return provider;
  }

  private waterfallActions(): (ActionInfo & { providers: string[] })[] {
    return this.catalogue.actions.filter(
      (a): a is ActionInfo & { providers: string[] } => (a.providers?.length ?? 0) > 0,
    );
  }

  private waterfallAction(id: string): ActionInfo & { providers: string[] } {
    const action = this.waterfallActions().find((a) => a.id === id);
    if (!action) throw new AppError('not_found', `“${id}” is not an action that asks several providers.`);
    return action;
  }

  private waterfall(action: ActionInfo & { providers: string[] }): WaterfallInfo {
    const saved = this.settings.order(action.id);
    // A saved order may name providers the catalogue has since dropped: skip them.
    const enabled = saved === null ? action.providers : saved.filter((id) => action.providers.includes(id));
    const disabled = action.providers.filter((id) => !enabled.includes(id));
    const row = (id: string, on: boolean) => {
      const p = this.catalogue.providers.find((x) => x.id === id);
      return {
        id,
        name: p?.name ?? id,
        enabled: on,
        needsKey: p?.needsKey ?? false,
        hasKey: p ? p.needsKey && this.settings.hasKey(p.id) : false,
      };
    };
    return {
      id: action.id,
      name: action.name,
      providers: [...enabled.map((id) => row(id, true)), ...disabled.map((id) => row(id, false))],
      custom: saved !== null,
    };
  }
}

class TimeoutError extends Error {}

const seconds = (ms: number): string => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

/** A provider's message, short, and without the key if it echoed it. */
function scrub(message: string, key: string | null): string {
  let clean = message;
  if (key && key.length >= 4)
    for (const form of new Set([key, encodeURIComponent(key)])) clean = clean.split(form).join('[key]');
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE)}…` : clean;
}
