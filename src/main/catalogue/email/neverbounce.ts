// NeverBounce's single check (GET /v4/single/check) and account info (GET
// /v4/account/info), from https://developers.neverbounce.com/reference/single-check and
// …/account-info. The key goes in the `key` query parameter, as documented. NeverBounce
// answers application errors with HTTP 200 and a `status` other than "success"
// (auth_failure, throttle_triggered, temp_unavail, general_failure, bad_referrer —
// https://developers.neverbounce.com/reference/error-handling), so `status` is read
// before `result`.
import { CallError } from '../../engine/scheduler';
import { num, requestJson, requireKey, str } from '../provider-http';
import type { ProviderCall } from '../providers';
import type { EmailStatus } from './types';
import { type ApiVerdict, garbage, unexpected404, type VerificationApi } from './verification-api';

interface Envelope {
  status?: unknown;
  message?: unknown;
}

interface CheckResponse extends Envelope {
  result?: unknown;
  flags?: unknown;
  suggested_correction?: unknown;
}

interface AccountResponse extends Envelope {
  credits_info?: { paid_credits_remaining?: unknown; free_credits_remaining?: unknown };
}

/** The envelope's failure codes as the scheduler should treat them. */
function failure(status: string, message: string | null, text: string): CallError {
  const detail = message ? `: ${message}` : '';
  const body = text.slice(0, 300);
  switch (status) {
    case 'auth_failure':
      return new CallError(
        'http',
        `NeverBounce refused the API key${detail}. Check it in Settings → Providers.`,
        {
          retryable: false,
          body,
        },
      );
    case 'throttle_triggered':
      // No Retry-After is sent; the scheduler's backoff decides.
      return new CallError('http', `NeverBounce is rate limiting${detail}.`, { status: 429, body });
    case 'temp_unavail':
      return new CallError('http', `NeverBounce is temporarily unavailable${detail}.`, { status: 503, body });
    case 'bad_referrer':
      return new CallError('http', `NeverBounce refused this app as a referrer${detail}.`, {
        retryable: false,
        body,
      });
    default:
      return new CallError('http', `NeverBounce: the request failed (${status})${detail}.`, {
        retryable: false,
        body,
      });
  }
}

const RESULTS: Record<string, { status: EmailStatus; says: string }> = {
  valid: { status: 'valid', says: 'valid: the mailbox exists' },
  invalid: { status: 'invalid', says: 'invalid: the mailbox or domain does not exist' },
  // A throwaway inbox stops working soon; for a contact list that is as good as invalid.
  disposable: { status: 'invalid', says: 'disposable: a temporary inbox' },
  catchall: { status: 'catch_all', says: 'catch-all: the domain accepts any address' },
  unknown: { status: 'unknown', says: 'unknown: the mail server could not be asked' },
};

export const neverBounce: VerificationApi = {
  id: 'neverbounce',
  name: 'NeverBounce',
  docsUrl: 'https://developers.neverbounce.com/reference/single-check',
  baseUrl: 'https://api.neverbounce.com/v4',
  capabilities: ['email.verify'],
  needsKey: true,
  keyLabel: 'API key (secret_…)',

  async verify(address: string, call: ProviderCall, signal: AbortSignal): Promise<ApiVerdict> {
    const key = requireKey(this, call);
    const response = await requestJson<CheckResponse>(
      this,
      call,
      { path: '/single/check', query: { key, email: address, timeout: 30 }, timeoutMs: 45_000 },
      signal,
    );
    if (response.status === 404) throw unexpected404(this, response.text);
    const body = response.json;
    const status = str(body?.status);
    if (!status) throw garbage(this, response.text, 'a status');
    if (status !== 'success') throw failure(status, str(body?.message), response.text);
    const result = str(body?.result)?.toLowerCase();
    const mapped = result ? RESULTS[result] : undefined;
    if (!mapped) throw garbage(this, response.text, 'a known result');
    const flags = Array.isArray(body?.flags)
      ? body.flags.filter((f): f is string => typeof f === 'string')
      : [];
    const correction = str(body?.suggested_correction);
    return {
      status: mapped.status,
      reason: `NeverBounce says ${mapped.says}${correction ? ` (did you mean ${correction}?)` : ''}.`,
      disposable: result === 'disposable' || flags.includes('disposable_email'),
      role: flags.includes('role_account'),
      mx: null,
      raw: response.text,
    };
  },

  async testConnection(call, signal) {
    const key = requireKey(this, call);
    const response = await requestJson<AccountResponse>(
      this,
      call,
      { path: '/account/info', query: { key }, timeoutMs: 15_000 },
      signal,
    );
    if (response.status === 404) throw unexpected404(this, response.text);
    const status = str(response.json?.status);
    if (!status) throw garbage(this, response.text, 'a status');
    if (status !== 'success') throw failure(status, str(response.json?.message), response.text);
    const info = response.json?.credits_info;
    const paid = num(info?.paid_credits_remaining) ?? 0;
    const free = num(info?.free_credits_remaining) ?? 0;
    return `Connected: ${(paid + free).toLocaleString('en-US')} credits left.`;
  },
};
