// `rowsmith verify-email`: one address checked from a terminal, with no workbook. Keys
// for verification APIs come from the same secret store as the app's, opened only when
// a key is needed and a store exists (a syntax-only or SMTP check touches no file);
// DNS servers, SMTP port and API base URLs from the ROWSMITH_* environment, like the app.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultUserDataDir } from '../../app/paths';
import { SecretStore } from '../../secrets/secret-store';
import { DEFAULT_NETWORK, type ProviderAccess, providerEnvironmentFromEnv, secretName } from '../providers';
import { verifyEmail } from './verifier';

export interface VerifyEmailReport {
  status: string;
  reason: string;
  details: {
    address: string | null;
    method: string;
    mx: string | null;
    disposable: boolean;
    role: boolean;
    checked: boolean;
  };
}

function cliAccess(): ProviderAccess {
  const env = providerEnvironmentFromEnv();
  const dir = defaultUserDataDir();
  let secrets: SecretStore | null | undefined;
  const store = () => {
    if (secrets === undefined)
      secrets = existsSync(join(dir, 'secrets.bin')) ? SecretStore.inFolder(dir) : null;
    return secrets;
  };
  return {
    call: (provider) => ({
      key: provider.needsKey ? (store()?.get(secretName(provider.id)) ?? null) : null,
      baseUrl: env.baseUrls?.[provider.id] ?? provider.baseUrl,
    }),
    order: () => null,
    network: { ...DEFAULT_NETWORK, ...env.network },
  };
}

export async function verifyEmailCommand(
  address: string,
  opts: { method?: string; syntaxOnly?: boolean },
): Promise<VerifyEmailReport> {
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('Stopped.'));
  process.once('SIGINT', stop);
  try {
    const verdict = await verifyEmail(address, {
      providers: cliAccess(),
      signal: controller.signal,
      method: opts.method ?? 'auto',
      syntaxOnly: opts.syntaxOnly,
    });
    const { status, reason, ...details } = verdict;
    return {
      status,
      reason,
      details: {
        address: details.address,
        method: details.method,
        mx: details.mx,
        disposable: details.disposable,
        role: details.role,
        checked: details.checked,
      },
    };
  } finally {
    process.removeListener('SIGINT', stop);
  }
}
