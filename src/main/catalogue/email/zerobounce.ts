// ZeroBounce's single email validator (GET /v2/validate) and credit balance
// (GET /v2/getcredits), from https://www.zerobounce.net/docs/email-validation-api-quickstart/v2-validate-emails
// and …/v2-credit-balance. The key goes in the api_key query parameter, as documented.
// ZeroBounce reports a bad key or an empty account inside a 200 body ({"error": …}) and
// a bad key on getcredits as {"Credits": -1}; both are turned into clear errors here.
import { CallError } from '../../engine/scheduler';
import { requestJson, requireKey, str } from '../provider-http';
import type { ProviderCall } from '../providers';
import type { EmailStatus } from './types';
import { type ApiVerdict, garbage, unexpected404, type VerificationApi } from './verification-api';

interface ValidateResponse {
  address?: unknown;
  status?: unknown;
  sub_status?: unknown;
  mx_record?: unknown;
  error?: unknown;
}

/** Sub-statuses in words (documented list); unknown ones are shown as sent. */
const SUB_STATUS: Record<string, string> = {
  antispam_system: 'an anti-spam system blocked the check',
  greylisted: 'the server greylisted the check',
  mail_server_temporary_error: 'the mail server had a temporary error',
  forcible_disconnect: 'the mail server disconnected',
  mail_server_did_not_respond: 'the mail server did not respond',
  timeout_exceeded: 'the mail server was too slow',
  failed_smtp_connection: 'no SMTP connection could be made',
  mailbox_quota_exceeded: 'the mailbox is full',
  exception_occurred: 'ZeroBounce hit an error',
  possible_trap: 'it may be a spam trap',
  role_based: 'a role address',
  global_suppression: 'it is on a global suppression list',
  mailbox_not_found: 'the mailbox does not exist',
  no_dns_entries: 'the domain has no DNS records for mail',
  failed_syntax_check: 'the address is malformed',
  possible_typo: 'the domain looks like a typo',
  unroutable_ip_address: 'the domain points to an unroutable address',
  leading_period_removed: 'a leading dot was removed',
  does_not_accept_mail: 'the domain does not accept mail',
  alias_address: 'an alias that forwards mail',
  role_based_catch_all: 'a role address at a catch-all domain',
  disposable: 'a disposable address',
  toxic: 'a known abuse or spam address',
  mx_forward: 'the domain forwards mail elsewhere',
  accept_all: 'the domain accepts all mail',
};

function mapStatus(status: string, sub: string): { status: EmailStatus; says: string } {
  switch (status) {
    case 'valid':
      return { status: 'valid', says: 'valid' };
    case 'invalid':
      return { status: 'invalid', says: 'invalid' };
    case 'catch-all':
      return { status: 'catch_all', says: 'catch-all (the domain accepts any address)' };
    case 'spamtrap':
      return { status: 'invalid', says: 'a spam trap: never mail it' };
    case 'abuse':
      // The mailbox exists; its owner reports mail as abuse. Deliverable, and flagged in the reason.
      return { status: 'valid', says: 'valid, but its owner is known to report mail as abuse' };
    case 'do_not_mail':
      // Role inboxes exist: the role flag carries the warning. The other reasons mean "do not send".
      if (sub === 'role_based') return { status: 'valid', says: 'do not mail (role address)' };
      if (sub === 'role_based_catch_all')
        return { status: 'catch_all', says: 'do not mail (role address, catch-all)' };
      return { status: 'invalid', says: 'do not mail' };
    default:
      return { status: 'unknown', says: status === 'unknown' ? 'unknown' : `“${status}”` };
  }
}

export const zeroBounce: VerificationApi = {
  id: 'zerobounce',
  name: 'ZeroBounce',
  docsUrl: 'https://www.zerobounce.net/docs/email-validation-api-quickstart/v2-validate-emails',
  baseUrl: 'https://api.zerobounce.net',
  capabilities: ['email.verify'],
  needsKey: true,
  keyLabel: 'API key',

  async verify(address: string, call: ProviderCall, signal: AbortSignal): Promise<ApiVerdict> {
    const key = requireKey(this, call);
    const response = await requestJson<ValidateResponse>(
      this,
      call,
      // ip_address is documented as required but may be blank.
      { path: '/v2/validate', query: { api_key: key, email: address, ip_address: '' }, timeoutMs: 60_000 },
      signal,
    );
    if (response.status === 404) throw unexpected404(this, response.text);
    const body = response.json;
    const error = str(body?.error);
    if (error) {
      const keyProblem = /api key|credits/i.test(error);
      throw new CallError(
        'http',
        `ZeroBounce: ${error}${keyProblem ? ' Check it in Settings → Providers.' : ''}`,
        {
          retryable: false,
          body: response.text.slice(0, 300),
        },
      );
    }
    const status = str(body?.status)?.toLowerCase();
    if (!status) throw garbage(this, response.text, 'a status');
    const sub = str(body?.sub_status)?.toLowerCase() ?? '';
    const mapped = mapStatus(status, sub);
    const detail = sub ? `: ${SUB_STATUS[sub] ?? sub.replace(/_/g, ' ')}` : '';
    return {
      status: mapped.status,
      reason: `ZeroBounce says ${mapped.says}${detail}.`,
      disposable: sub === 'disposable',
      role: sub === 'role_based' || sub === 'role_based_catch_all',
      mx: str(body?.mx_record),
      raw: response.text,
    };
  },

  async testConnection(call, signal) {
    const key = requireKey(this, call);
    const response = await requestJson<{ Credits?: unknown; error?: unknown }>(
      this,
      call,
      { path: '/v2/getcredits', query: { api_key: key }, timeoutMs: 15_000 },
      signal,
    );
    if (response.status === 404) throw unexpected404(this, response.text);
    const credits = Number(response.json?.Credits);
    if (!Number.isFinite(credits)) throw garbage(this, response.text, 'a credit balance');
    if (credits < 0)
      throw new CallError('http', 'ZeroBounce refused the API key. Check it in Settings → Providers.', {
        retryable: false,
      });
    return `Connected: ${credits.toLocaleString('en-US')} credits left.`;
  },
};
