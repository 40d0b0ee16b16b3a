// One address checked the whole way: syntax (on this machine), the disposable and role
// flags (on this machine), then either a verification API or our own MX lookup and SMTP
// RCPT probe. The Verify email action, the email finder and the CLI all call
// verifyEmail; its path and signature are what they import.
//
// Which check runs: `method` is a verification API's provider id (that API), 'smtp'
// (our own probe), or 'auto' (default): the first API in VERIFICATION_APIS with a key
// set, else our own probe. Errors from an API (bad key, rate limit, garbage) are thrown
// as CallErrors for the engine to retry or record; everything our own probe learns,
// including "could not tell", is a verdict.
import { AppError } from '@shared/errors';
import type { ProviderAccess } from '../providers';
import { isDisposableDomain, isRoleAddress } from './flags';
import { lookupMailHosts, mailHostAddress } from './mx';
import { neverBounce } from './neverbounce';
import { probeMailbox } from './smtp-probe';
import { checkSyntax } from './syntax';
import type { EmailVerdict } from './types';
import type { VerificationApi } from './verification-api';
import { zeroBounce } from './zerobounce';

/** The verification APIs, in the order 'auto' tries them. */
export const VERIFICATION_APIS: readonly VerificationApi[] = [zeroBounce, neverBounce];

/** How long the probe waits before its one retry after greylisting, unless told otherwise. */
export const DEFAULT_GREYLIST_RETRY_MS = 20_000;
/** DNS answers come fast or not at all; never wait on them as long as on an SMTP server. */
const MAX_DNS_TIMEOUT_MS = 5_000;

export interface VerifyContext {
  providers: ProviderAccess;
  signal: AbortSignal;
  /** 'auto' (default), 'smtp', or a verification API's provider id */
  method?: 'auto' | 'smtp' | string;
  /** stop after syntax and flags: nothing leaves this machine */
  syntaxOnly?: boolean;
  greylistRetryMs?: number;
}

export function verificationApi(id: string): VerificationApi | undefined {
  return VERIFICATION_APIS.find((api) => api.id === id);
}

/** Checks `method` before any address is: an unknown provider id is the user's typo. */
export function assertMethod(method: string): void {
  if (method === 'auto' || method === 'smtp' || verificationApi(method)) return;
  const known = ['auto', 'smtp', ...VERIFICATION_APIS.map((a) => a.id)].join(', ');
  throw new AppError('invalid_input', `Verify email: “${method}” is not a method (use one of ${known}).`);
}

export async function verifyEmail(address: string, ctx: VerifyContext): Promise<EmailVerdict> {
  const method = ctx.method ?? 'auto';
  assertMethod(method);
  const input = address.trim();
  const syntax = checkSyntax(input);
  if (!syntax.ok) {
    return {
      status: 'invalid',
      reason: syntax.reason,
      address: null,
      method: 'syntax',
      disposable: false,
      role: false,
      mx: null,
      checked: false,
    };
  }
  const base = {
    address: syntax.address,
    disposable: syntax.literalIp === null && isDisposableDomain(syntax.domain),
    role: isRoleAddress(syntax.local),
  };
  if (ctx.syntaxOnly) {
    return {
      ...base,
      status: 'valid',
      reason: 'The address is well-formed (syntax only: its mailbox was not asked).',
      method: 'syntax',
      mx: null,
      checked: false,
    };
  }

  const api =
    method === 'smtp'
      ? undefined
      : method === 'auto'
        ? VERIFICATION_APIS.find((a) => ctx.providers.call(a).key)
        : verificationApi(method);
  if (api) {
    const verdict = await api.verify(syntax.address, ctx.providers.call(api), ctx.signal);
    return {
      ...base,
      status: verdict.status,
      reason: verdict.reason,
      method: api.id,
      disposable: base.disposable || verdict.disposable,
      role: base.role || verdict.role,
      mx: verdict.mx,
      checked: verdict.status !== 'unknown',
    };
  }

  const network = ctx.providers.network;
  const dnsOptions = {
    dnsServers: network.dnsServers,
    timeoutMs: Math.min(network.smtpTimeoutMs, MAX_DNS_TIMEOUT_MS),
    signal: ctx.signal,
  };
  let hosts: string[];
  if (syntax.literalIp !== null) {
    hosts = [syntax.literalIp];
  } else {
    const mx = await lookupMailHosts(syntax.domain, dnsOptions);
    if (mx.kind === 'no_mail')
      return { ...base, status: 'invalid', reason: mx.reason, method: 'dns', mx: null, checked: true };
    if (mx.kind === 'unknown')
      return { ...base, status: 'unknown', reason: mx.reason, method: 'dns', mx: null, checked: false };
    hosts = mx.hosts.map((h) => h.host);
  }
  const probe = await probeMailbox(syntax.address, syntax.domain, hosts, {
    port: network.smtpPort,
    heloName: network.heloName,
    probeSender: network.probeSender,
    timeoutMs: network.smtpTimeoutMs,
    greylistRetryMs: ctx.greylistRetryMs ?? DEFAULT_GREYLIST_RETRY_MS,
    resolveHost: (host) => mailHostAddress(host, dnsOptions),
    signal: ctx.signal,
  });
  return {
    ...base,
    status: probe.status,
    reason: probe.reason,
    method: 'smtp',
    mx: probe.mx,
    checked: probe.checked,
  };
}
