// The language-model providers behind "Enrich with AI": OpenAI itself, and any
// OpenAI-compatible server (Ollama, LM Studio, vLLM, a company gateway) at a base URL the
// user gives. Both are spoken to through the openai package, with its own retries off
// (the engine's scheduler retries, honouring Retry-After) and the run's AbortSignal
// passed on, so Stop ends calls at once.
//
// The two have separate keys on purpose: the base URL is an option stored in the
// workbook, and workbooks are shared files, so the user's OpenAI key is only ever sent
// to OpenAI (or to the URL this installation's environment sets for it), never to a host
// someone typed into a column's options. A compatible server gets its own optional key,
// or a placeholder: local servers want none, but the client must send something.
// Error messages never contain a key: OpenAI's own 401 text echoes part of it, so it is
// left out, and every other provider message has the key cut out before it is shown.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { CallError, parseRetryAfter } from '../../engine/scheduler';
import type { ProviderAdapter, ProviderCall, ProviderInfo } from '../providers';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export const openaiProvider: ProviderAdapter = {
  id: 'openai',
  name: 'OpenAI',
  docsUrl: 'https://platform.openai.com/docs/api-reference/chat/create',
  baseUrl: OPENAI_BASE_URL,
  capabilities: ['ai.llm'],
  needsKey: true,
  keyLabel: 'API key',
  testConnection: (call, signal) => listModels(openaiProvider, call, signal),
};

export const compatibleProvider: ProviderAdapter = {
  id: 'openai-compatible',
  name: 'OpenAI-compatible server',
  docsUrl: 'https://github.com/ollama/ollama/blob/main/docs/openai.md',
  baseUrl: 'http://localhost:11434/v1',
  capabilities: ['ai.llm'],
  // A key can be stored for servers that want one; without it a placeholder is sent.
  needsKey: true,
  keyLabel: 'API key (optional: Ollama and LM Studio need none)',
  testConnection: (call, signal) => listModels(compatibleProvider, call, signal),
};

/** Sent as the bearer token to a compatible server that has no key: the client requires one. */
export const PLACEHOLDER_KEY = 'no-key';
/** A backstop only: the scheduler's per-attempt timeout aborts the signal long before. */
const CLIENT_TIMEOUT_MS = 10 * 60_000;

/** True for OpenAI's own API, whose key is the `openai` provider's. */
export function isOpenAiHost(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).host === new URL(OPENAI_BASE_URL).host;
  } catch {
    return false;
  }
}

/** A client for one key and base URL; the action keeps the last one while neither changes. */
export function createClient(provider: ProviderInfo, call: ProviderCall): OpenAI {
  const apiKey = call.key ?? (provider.id === openaiProvider.id ? null : PLACEHOLDER_KEY);
  if (apiKey === null) {
    throw new CallError(
      'http',
      'OpenAI: no API key. Add one in Settings → Providers, or set a base URL for a local server.',
      {
        retryable: false,
      },
    );
  }
  return new OpenAI({
    apiKey,
    baseURL: call.baseUrl,
    // The package would read these from the environment; this app configures them itself.
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: CLIENT_TIMEOUT_MS,
  });
}

async function listModels(provider: ProviderInfo, call: ProviderCall, signal: AbortSignal): Promise<string> {
  const client = createClient(provider, call);
  try {
    const page = await client.models.list({ signal });
    const ids = page.data.map((m) => m.id);
    const shown = ids.slice(0, 5).join(', ');
    return `${provider.name} answered: ${ids.length} ${ids.length === 1 ? 'model' : 'models'}${shown ? ` (${shown}${ids.length > 5 ? ', …' : ''})` : ''}.`;
  } catch (error) {
    throw callErrorOf(error, provider, call);
  }
}

/** The openai package's errors as the scheduler's: what to retry, and a message fit to show. */
export function callErrorOf(error: unknown, provider: ProviderInfo, call: ProviderCall): CallError {
  if (error instanceof CallError) return error;
  const where = hostOf(call.baseUrl);
  if (error instanceof APIUserAbortError) return new CallError('cancelled', 'Stopped.');
  if (error instanceof APIConnectionTimeoutError)
    return new CallError('timeout', `${provider.name} at ${where} did not answer in time.`);
  if (error instanceof APIConnectionError) {
    const cause = (error as { cause?: { message?: string; cause?: { code?: string } } }).cause;
    const code = cause?.cause?.code ? ` (${cause.cause.code})` : '';
    return new CallError('network', `Could not reach ${provider.name} at ${where}${code}.`);
  }
  if (error instanceof APIError && error.status !== undefined) {
    const status = error.status;
    const detail = redact(providerMessage(error), call.key);
    const suffix = detail ? `: ${detail}` : '';
    const body = redact(JSON.stringify(error.error ?? null).slice(0, 300), call.key);
    if (status === 401 || status === 403) {
      // OpenAI's 401 text repeats part of the key: say what to do instead.
      return new CallError(
        'http',
        `${provider.name} refused the API key (${status}). Check it in Settings → Providers.`,
        {
          status,
          retryable: false,
        },
      );
    }
    if (status === 429) {
      const headers = error.headers;
      const ms = Number(headers?.get('retry-after-ms'));
      return new CallError('http', `${provider.name} is rate limiting (429)${suffix}.`, {
        status,
        retryAfterMs: Number.isFinite(ms) && ms > 0 ? ms : parseRetryAfter(headers?.get('retry-after')),
        body,
      });
    }
    if (status === 404) {
      return new CallError(
        'http',
        `${provider.name} at ${where} has no such model or endpoint (404)${suffix}.`,
        {
          status,
          retryable: false,
          body,
        },
      );
    }
    return new CallError('http', `${provider.name} answered ${status}${suffix}.`, { status, body });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CallError('invalid_response', `${provider.name}: ${redact(message, call.key)}`, {
    retryable: false,
  });
}

function providerMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message.slice(0, 200) : '';
}

function redact(text: string, key: string | null): string {
  return key && key.length >= 4 ? text.split(key).join('…') : text;
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}
