// The data providers behind the catalogue's actions, as the rest of the app sees them:
// who they are, what they can do, whether a key is set, and where their API lives. An
// adapter gets its key and base URL through ProviderAccess at call time, so a key the
// user enters in Settings takes effect on the next run, and tests point every provider
// at a loopback fake by overriding base URLs. Keys stay in the main process.
import type { SecretStore } from '../secrets/secret-store';
import type { Workbook } from '../workbook/database';
import { getJsonSetting, setJsonSetting } from '../workbook/settings';

/** What a provider can answer; a waterfall or an action lists the capability it needs. */
export type Capability =
  | 'company.linkedin'
  | 'company.search'
  | 'company.employees'
  | 'company.jobs'
  | 'company.peoplePerCountry'
  | 'person.linkedin'
  | 'person.search'
  | 'person.email'
  | 'person.phone'
  | 'email.verify'
  | 'phone.lineType'
  | 'linkedin.searchExport'
  | 'ai.llm';

export interface ProviderInfo {
  id: string;
  name: string;
  /** the public API documentation the adapter was written from */
  docsUrl: string;
  /** the API's base URL; tests and proxies override it */
  baseUrl: string;
  capabilities: Capability[];
  /** false for key-less sources (public pages, the pattern finder, SMTP probe) */
  needsKey: boolean;
  /** what the key is called on the provider's site, for the settings form */
  keyLabel?: string;
}

export interface ProviderAdapter extends ProviderInfo {
  /** One cheap authenticated call: resolves when the key works, throws a clear error when not. */
  testConnection?(access: ProviderCall, signal: AbortSignal): Promise<string>;
}

/** What an adapter needs for one call: its key and its base URL. */
export interface ProviderCall {
  key: string | null;
  baseUrl: string;
}

/**
 * How actions reach providers' keys, URLs and the user's waterfall order. Read on every
 * call (cheap: the secret store caches), so Settings changes apply without a restart.
 */
export interface ProviderAccess {
  call(provider: ProviderInfo): ProviderCall;
  /** The user's order for a waterfall (provider ids, enabled only), or null for the default. */
  order(waterfallId: string): string[] | null;
  /** Options for key-less network checks (DNS servers, SMTP port), for tests and locked-down networks. */
  readonly network: NetworkOptions;
}

export interface NetworkOptions {
  /** DNS servers for MX lookups ("127.0.0.1:5353"); the system's when empty. */
  dnsServers: string[];
  /** SMTP port for RCPT probes (25 in the world; a loopback server's in tests). */
  smtpPort: number;
  /** the host name the SMTP probe introduces itself with (EHLO) */
  heloName: string;
  /** the sender of the probe's MAIL FROM */
  probeSender: string;
  /** ms to wait for an SMTP server before saying port 25 is blocked */
  smtpTimeoutMs: number;
}

export const DEFAULT_NETWORK: NetworkOptions = {
  dnsServers: [],
  smtpPort: 25,
  heloName: 'verify.rowsmith.app',
  probeSender: 'verify@rowsmith.app',
  smtpTimeoutMs: 10_000,
};

export interface ProviderEnvironment {
  /** provider id -> base URL, over the provider's own (tests: loopback fakes) */
  baseUrls?: Record<string, string>;
  network?: Partial<NetworkOptions>;
}

/**
 * The environment from ROWSMITH_PROVIDER_URLS (JSON: {"hunter": "http://127.0.0.1:4010"}),
 * ROWSMITH_DNS_SERVERS (comma-separated) and ROWSMITH_SMTP_PORT: how the e2e tests and
 * the CLI tests point a whole app process at loopback fakes.
 */
export function providerEnvironmentFromEnv(env: NodeJS.ProcessEnv = process.env): ProviderEnvironment {
  const out: ProviderEnvironment = {};
  if (env.ROWSMITH_PROVIDER_URLS) {
    const parsed = JSON.parse(env.ROWSMITH_PROVIDER_URLS) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      out.baseUrls = Object.fromEntries(
        Object.entries(parsed as Record<string, unknown>).filter(
          (e): e is [string, string] => typeof e[1] === 'string',
        ),
      );
    }
  }
  const network: Partial<NetworkOptions> = {};
  if (env.ROWSMITH_DNS_SERVERS) network.dnsServers = env.ROWSMITH_DNS_SERVERS.split(',').map((s) => s.trim());
  if (env.ROWSMITH_SMTP_PORT) network.smtpPort = Number(env.ROWSMITH_SMTP_PORT);
  if (env.ROWSMITH_SMTP_TIMEOUT_MS) network.smtpTimeoutMs = Number(env.ROWSMITH_SMTP_TIMEOUT_MS);
  out.network = network;
  return out;
}

export function secretName(providerId: string): string {
  return `provider:${providerId}`;
}

/** ProviderAccess over the user's secret store and the workbook's settings. */
export class ProviderSettings implements ProviderAccess {
  readonly network: NetworkOptions;

  constructor(
    private readonly secrets: SecretStore,
    private readonly workbook: Workbook,
    private readonly env: ProviderEnvironment = {},
  ) {
    this.network = { ...DEFAULT_NETWORK, ...env.network };
  }

  call(provider: ProviderInfo): ProviderCall {
    return {
      key: provider.needsKey ? this.secrets.get(secretName(provider.id)) : null,
      baseUrl: this.env.baseUrls?.[provider.id] ?? provider.baseUrl,
    };
  }

  hasKey(providerId: string): boolean {
    return this.secrets.get(secretName(providerId)) !== null;
  }

  /** The key's last four characters, so the user can tell which key is set; never the key. */
  keyHint(providerId: string): string | null {
    const key = this.secrets.get(secretName(providerId));
    return key === null ? null : key.length > 8 ? `…${key.slice(-4)}` : '…';
  }

  setKey(providerId: string, key: string | null): void {
    this.secrets.set(secretName(providerId), key === null || key.trim() === '' ? null : key.trim());
  }

  order(waterfallId: string): string[] | null {
    const ids = getJsonSetting<unknown>(this.workbook.conn, `waterfall:${waterfallId}`);
    return Array.isArray(ids) ? ids.filter((p): p is string => typeof p === 'string') : null;
  }

  /** null goes back to the catalogue's default order. */
  setOrder(waterfallId: string, providerIds: string[] | null): void {
    if (providerIds === null)
      this.workbook.conn.prepare('DELETE FROM settings WHERE key = ?').run(`waterfall:${waterfallId}`);
    else setJsonSetting(this.workbook.conn, `waterfall:${waterfallId}`, providerIds);
  }
}
