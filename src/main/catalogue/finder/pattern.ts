// The key-less last step: guess the usual address shapes (first.last@, flast@, first@ …)
// on the company's domain and ask the email verifier about each, accepting only one the
// verifier calls valid. A catch-all domain accepts every guess, so the first catch_all
// verdict stops the guessing: a guess there proves nothing. Probes are capped per row.
import { CallError } from '../../engine/scheduler';
import type { ProviderAccess, ProviderInfo } from '../providers';
import { foldName } from './person';
import type { FinderHit, PersonQuery, VerifyEmail } from './types';

export const patternProvider: ProviderInfo = {
  id: 'pattern',
  name: 'Address patterns (verified guesses)',
  docsUrl: 'https://www.rfc-editor.org/rfc/rfc5321#section-3.3',
  baseUrl: '',
  capabilities: ['person.email'],
  needsKey: false,
};

export const DEFAULT_MAX_PROBES = 8;

/** Local parts in the order they are most common at companies. */
export function candidates(person: PersonQuery): string[] {
  const first = foldName(person.firstName ?? '');
  const last = foldName(person.lastName ?? '');
  if (!first || !last) return [];
  const f = first[0] ?? '';
  const l = last[0] ?? '';
  const locals = [
    `${first}.${last}`,
    `${f}${last}`,
    first,
    `${first}${last}`,
    `${first}_${last}`,
    `${last}.${first}`,
    `${f}.${last}`,
    `${first}${l}`,
    `${first}-${last}`,
    last,
    `${last}${f}`,
    `${last}${first}`,
  ];
  return [...new Set(locals)];
}

export interface PatternStep {
  hit: FinderHit | null;
  /** what happened, for the audit trail */
  note: string;
  probes: number;
}

export async function findByPattern(
  person: PersonQuery,
  verify: VerifyEmail,
  opts: { providers: ProviderAccess; signal: AbortSignal; maxProbes: number },
): Promise<PatternStep> {
  const locals = candidates(person).slice(0, opts.maxProbes);
  const tried: { address: string; status: string }[] = [];
  for (const local of locals) {
    const address = `${local}@${person.domain}`;
    let status: string;
    try {
      status = (await verify(address, { providers: opts.providers, signal: opts.signal })).status;
    } catch (error) {
      if (error instanceof CallError && tried.length > 0) {
        throw new CallError(error.kind, `${error.message} (after ${tried.length} guesses)`, {
          retryable: error.retryable,
          retryAfterMs: error.retryAfterMs,
        });
      }
      throw error;
    }
    tried.push({ address, status });
    if (status === 'valid') {
      return {
        hit: { email: address, confidence: 90, providerStatus: 'valid', raw: { tried } },
        note: `${address} verified valid`,
        probes: tried.length,
      };
    }
    if (status === 'catch_all') {
      return {
        hit: null,
        note: `${person.domain} accepts every address (catch-all): guessing stopped, a guess there proves nothing`,
        probes: tried.length,
      };
    }
  }
  return { hit: null, note: `no guess verified (${tried.length} tried)`, probes: tried.length };
}
