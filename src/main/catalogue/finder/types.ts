// The shapes every finder adapter speaks: who we are looking for (normalised once per
// row), what an adapter found (mapped into one FinderHit whatever the provider calls
// its fields), and the verifier the waterfall checks a hit with. No I/O here.
import type { EmailVerdict } from '../email/types';
import type { ProviderAccess, ProviderAdapter, ProviderCall } from '../providers';

/** One row's person, normalised: empty inputs are null, the domain is bare (no www, no path). */
export interface PersonQuery {
  firstName: string | null;
  lastName: string | null;
  fullName: string | null;
  domain: string | null;
  company: string | null;
  /** https://www.linkedin.com/in/<slug> */
  linkedinUrl: string | null;
}

/** What one provider found, in common terms. `raw` is the provider's answer, for the audit. */
export interface FinderHit {
  email?: string;
  phone?: string;
  /** 0–100, mapped from the provider's own score, grade or status; absent when it gives none */
  confidence?: number;
  /** the provider's own word for the result (e.g. "verified", "risky", "A-") */
  providerStatus?: string;
  raw: unknown;
}

export interface FinderAdapter extends ProviderAdapter {
  /** Why this row cannot be asked (missing inputs), or null when it can. */
  needs(person: PersonQuery): string | null;
  /**
   * The provider's answer: a hit, or null for "not found". Failures throw CallError.
   * `wanted` says what the row still lacks (omitted: both): a provider that charges for
   * phones (or emails) separately is asked only for what is wanted.
   */
  find(
    person: PersonQuery,
    call: ProviderCall,
    signal: AbortSignal,
    wanted?: Wanted,
  ): Promise<FinderHit | null>;
}

/** What a waterfall step still looks for; at least one is true. */
export interface Wanted {
  email: boolean;
  phone: boolean;
}

/** The email verifier the waterfall and the pattern finder check addresses with. */
export type VerifyEmail = (
  address: string,
  opts: { providers: ProviderAccess; signal: AbortSignal },
) => Promise<EmailVerdict>;
