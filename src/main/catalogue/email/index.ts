// "Verify email" (email.verify): one verdict per address — valid, invalid, catch-all or
// unknown, with the reason, the disposable and role flags and the mail server asked —
// from a verification API or our own MX + SMTP probe (see verifier.ts). Charged per
// check performed: a verdict the network gave (valid, invalid, catch-all) costs one
// unit; a malformed address, an empty cell and "unknown" cost nothing.
import type { ActionInfo } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type { ActionDefinition, ActionOutcome, RowInput } from '../../engine/actions';
import type { ProviderAdapter } from '../providers';
import { assertMethod, DEFAULT_GREYLIST_RETRY_MS, VERIFICATION_APIS, verifyEmail } from './verifier';

/** Our own probe as a provider: key-less, for the settings list and the rate limit. */
export const smtpProbe: ProviderAdapter = {
  id: 'smtp',
  name: 'SMTP probe (from this computer)',
  docsUrl: 'https://www.rfc-editor.org/rfc/rfc5321',
  baseUrl: 'smtp://',
  capabilities: ['email.verify'],
  needsKey: false,
};

/** Mail servers blocklist senders that probe fast; a verification API takes more. */
const SMTP_RATE_PER_SECOND = 2;
const API_RATE_PER_SECOND = 10;
/** Replies one call may wait for: two sessions (greylisting) of about six, with room for a second MX. */
const SMTP_STEPS_PER_CALL = 16;

const info: ActionInfo = {
  id: 'email.verify',
  name: 'Verify email',
  description:
    'Whether an address can receive mail: valid, invalid, catch-all or unknown, with the reason, disposable and role flags. Uses a verification API when one has a key, else asks the mail server directly.',
  inputs: [{ key: 'email', label: 'Email', required: true }],
  outputs: [
    { key: 'status', label: 'Email status', type: 'text' },
    { key: 'reason', label: 'Email check', type: 'text' },
    { key: 'disposable', label: 'Disposable', type: 'boolean' },
    { key: 'role', label: 'Role address', type: 'boolean' },
    { key: 'mx', label: 'Mail server', type: 'text' },
    { key: 'method', label: 'Checked by', type: 'text' },
  ],
  price: 1,
  // Mailboxes come and go, but rarely within a week.
  cacheTtlSeconds: 7 * 24 * 3600,
  tables: ['contacts'],
  providers: [...VERIFICATION_APIS.map((a) => a.id), smtpProbe.id],
};

/** The cache key: the local part as given (it may be case-sensitive), the domain lower-cased. */
export function emailCacheKey(text: string): string {
  const trimmed = text.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

const verify: ActionDefinition = {
  info,
  prepare(options, context) {
    const method =
      options.method === undefined || options.method === null || options.method === ''
        ? 'auto'
        : options.method;
    if (typeof method !== 'string')
      throw new AppError('invalid_input', 'Verify email: the method must be text.');
    assertMethod(method);
    const retry = options.greylistRetryMs;
    if (
      retry !== undefined &&
      (typeof retry !== 'number' || !Number.isFinite(retry) || retry < 0 || retry > 600_000)
    )
      throw new AppError(
        'invalid_input',
        'Verify email: greylistRetryMs is a number of milliseconds (0–600000).',
      );
    const column = context.inputs.email as string;
    const read = (row: RowInput): string => {
      const value = row[column];
      return value === null || value === undefined ? '' : String(value);
    };
    // The limit follows the check 'auto' would pick now; a key added later changes the
    // check (keys are read per call) but not this run's pace.
    const providerId =
      method === 'auto'
        ? (VERIFICATION_APIS.find((a) => context.providers.call(a).key)?.id ?? smtpProbe.id)
        : method;
    const rate = providerId === smtpProbe.id ? SMTP_RATE_PER_SECOND : API_RATE_PER_SECOND;
    return {
      providerId,
      ratePerSecond: rate,
      burst: rate * 2,
      // A probe may wait out greylisting and then talk to several mail servers, each step
      // with its own SMTP timeout: the engine's 30 s for a call is too short for that.
      timeoutMs:
        ((retry as number | undefined) ?? DEFAULT_GREYLIST_RETRY_MS) +
        SMTP_STEPS_PER_CALL * context.providers.network.smtpTimeoutMs,
      columns: [],
      outputKeys: info.outputs.map((o) => o.key),
      cacheKey: (row) => emailCacheKey(read(row)),
      async execute(row, signal): Promise<ActionOutcome> {
        const email = read(row);
        if (!email.trim()) return { status: 'not_found', raw: '{"reason":"no email in the cell"}' };
        const verdict = await verifyEmail(email, {
          providers: context.providers,
          signal,
          method,
          greylistRetryMs: retry as number | undefined,
        });
        return {
          status: 'done',
          values: {
            status: verdict.status,
            reason: verdict.reason,
            disposable: verdict.disposable,
            role: verdict.role,
            mx: verdict.mx,
            method: verdict.method,
          },
          raw: JSON.stringify(verdict),
          units: verdict.checked ? 1 : 0,
          // Unknown (greylisted, unreachable) may be known tomorrow: not cached.
          cache: verdict.status !== 'unknown',
          provider:
            verdict.method === 'syntax'
              ? undefined
              : verdict.method === 'dns'
                ? smtpProbe.id
                : verdict.method,
        };
      },
    };
  },
};

export const actions: ActionDefinition[] = [verify];
export const providers: ProviderAdapter[] = [...VERIFICATION_APIS, smtpProbe];
