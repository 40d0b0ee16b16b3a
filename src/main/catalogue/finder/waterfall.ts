// The waterfall: ask providers one after the other, in the user's order, and stop at
// the first acceptable answer. Providers without a key are passed over (and say so in
// the trail); a provider that fails is recorded and the next one asked; an answer that
// is below the minimum confidence or that the verifier does not confirm is passed
// over too. Nothing here retries: a failed provider is simply a failed step, and if
// nobody found anything while someone failed, the whole row fails (retryable, free)
// rather than claiming "not found". The trail it returns is the cell's audit: which
// provider answered what, how long each took — never a key.
//
// Per-provider rate limits are the adapters' (and the providers') concern: the engine
// rate-limits the waterfall as one providerId.

import { CallError } from '../../engine/scheduler';
import type { EmailStatus } from '../email/types';
import type { ProviderAccess } from '../providers';
import { findByPattern, patternProvider } from './pattern';
import type { FinderAdapter, FinderHit, PersonQuery, VerifyEmail } from './types';

export type Want = 'email' | 'phoneEmail';

export interface WaterfallOptions {
  want: Want;
  /** provider ids in order ('pattern' is the key-less guesser) */
  order: string[];
  minConfidence: number | null;
  verify: boolean;
  acceptCatchAll: boolean;
  maxProbes: number;
}

export interface TrailStep {
  provider: string;
  result: string;
  ms: number;
}

export interface WaterfallResult {
  email: string | null;
  phone: string | null;
  emailProvider: string | null;
  phoneProvider: string | null;
  confidence: number | null;
  emailStatus: EmailStatus | null;
  trail: TrailStep[];
}

const MAX_MESSAGE = 160;

export async function runWaterfall(
  person: PersonQuery,
  adapters: ReadonlyMap<string, FinderAdapter>,
  access: ProviderAccess,
  verify: VerifyEmail | null,
  opts: WaterfallOptions,
  signal: AbortSignal,
): Promise<WaterfallResult> {
  const out: WaterfallResult = {
    email: null,
    phone: null,
    emailProvider: null,
    phoneProvider: null,
    confidence: null,
    emailStatus: null,
    trail: [],
  };
  const failures: CallError[] = [];
  const complete = () => out.email !== null && (opts.want === 'email' || out.phone !== null);

  for (const id of opts.order) {
    if (complete()) break;
    const started = performance.now();
    const step = (result: string) =>
      out.trail.push({ provider: id, result, ms: Math.round(performance.now() - started) });

    if (id === patternProvider.id) {
      if (out.email !== null) continue;
      if (!verify) {
        step('skipped: no email verifier to check guesses with');
        continue;
      }
      if (!person.firstName || !person.lastName || !person.domain) {
        step('skipped: needs first and last name and a company domain');
        continue;
      }
      try {
        const guessed = await findByPattern(person, verify, {
          providers: access,
          signal,
          maxProbes: opts.maxProbes,
        });
        step(guessed.note);
        if (guessed.hit?.email) {
          out.email = guessed.hit.email;
          out.emailProvider = id;
          out.confidence = guessed.hit.confidence ?? null;
          out.emailStatus = 'valid';
        }
      } catch (error) {
        if (!(error instanceof CallError) || error.kind === 'cancelled') throw error;
        failures.push(error);
        step(`error: ${error.message.slice(0, MAX_MESSAGE)}`);
      }
      continue;
    }

    const adapter = adapters.get(id);
    if (!adapter) continue;
    const call = access.call(adapter);
    if (adapter.needsKey && !call.key) {
      step('no key');
      continue;
    }
    const missing = adapter.needs(person);
    if (missing) {
      step(`skipped: ${missing}`);
      continue;
    }
    let found: FinderHit | null;
    try {
      found = await adapter.find(person, call, signal, {
        email: out.email === null,
        phone: opts.want === 'phoneEmail' && out.phone === null,
      });
    } catch (error) {
      if (!(error instanceof CallError) || error.kind === 'cancelled' || signal.aborted) throw error;
      failures.push(error);
      step(`error: ${error.message.slice(0, MAX_MESSAGE)}`);
      continue;
    }
    const newEmail = out.email === null ? (found?.email ?? null) : null;
    const newPhone = opts.want === 'phoneEmail' && out.phone === null ? (found?.phone ?? null) : null;
    if (!found || (!newEmail && !newPhone)) {
      step('not found');
      continue;
    }
    const notes: string[] = [];
    if (newEmail) {
      const verdict = await judgeEmail(newEmail, found, access, verify, opts, signal, failures);
      notes.push(verdict.note);
      if (verdict.accepted) {
        out.email = newEmail;
        out.emailProvider = id;
        out.confidence = found.confidence ?? null;
        out.emailStatus = verdict.status;
      }
    }
    if (newPhone) {
      out.phone = newPhone;
      out.phoneProvider = id;
      notes.push(`phone ${newPhone}`);
    }
    step(notes.join('; '));
  }

  if (out.email === null && out.phone === null && failures.length > 0) {
    throw summarise(failures, out.trail);
  }
  return out;
}

async function judgeEmail(
  address: string,
  found: FinderHit,
  access: ProviderAccess,
  verify: VerifyEmail | null,
  opts: WaterfallOptions,
  signal: AbortSignal,
  failures: CallError[],
): Promise<{ accepted: boolean; status: EmailStatus | null; note: string }> {
  const scored = found.confidence === undefined ? 'no confidence given' : `confidence ${found.confidence}`;
  if (opts.minConfidence !== null && (found.confidence ?? -1) < opts.minConfidence) {
    return {
      accepted: false,
      status: null,
      note: `${address} passed over: ${scored}, below ${opts.minConfidence}`,
    };
  }
  if (!opts.verify || !verify) return { accepted: true, status: null, note: `${address} (${scored})` };
  try {
    const verdict = await verify(address, { providers: access, signal });
    const ok = verdict.status === 'valid' || (verdict.status === 'catch_all' && opts.acceptCatchAll);
    return {
      accepted: ok,
      status: verdict.status,
      note: ok
        ? `${address} (${scored}) verified ${verdict.status}`
        : `${address} passed over: verified ${verdict.status} (${verdict.reason})`,
    };
  } catch (error) {
    if (!(error instanceof CallError) || error.kind === 'cancelled') throw error;
    failures.push(error);
    return {
      accepted: false,
      status: null,
      note: `${address} passed over: verification failed (${error.message})`,
    };
  }
}

function summarise(failures: CallError[], trail: TrailStep[]): CallError {
  const retryable = failures.some((f) => f.retryable);
  const waits = failures.map((f) => f.retryAfterMs).filter((ms): ms is number => ms !== undefined);
  const detail = failures.map((f) => f.message).join(' · ');
  return new CallError(
    'http',
    `No provider found anything and ${failures.length} failed: ${detail}`.slice(0, 900),
    {
      retryable,
      retryAfterMs: waits.length > 0 ? Math.min(...waits) : undefined,
      body: JSON.stringify({ trail }).slice(0, 4000),
    },
  );
}
