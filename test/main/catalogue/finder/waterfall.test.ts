// The waterfall over real adapters and the loopback fake: the order it asks in, the
// providers without a key it passes over (and says so), the first acceptable answer it
// stops at, a verifier that rejects a hit, failures summarised, and the pattern finder.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmailVerdict } from '../../../../src/main/catalogue/email/types';
import { candidates, findByPattern } from '../../../../src/main/catalogue/finder/pattern';
import { personQuery } from '../../../../src/main/catalogue/finder/person';
import { FINDER_ADAPTERS } from '../../../../src/main/catalogue/finder/providers';
import type { VerifyEmail } from '../../../../src/main/catalogue/finder/types';
import { runWaterfall, type WaterfallOptions } from '../../../../src/main/catalogue/finder/waterfall';
import { DEFAULT_NETWORK, type ProviderAccess } from '../../../../src/main/catalogue/providers';
import { CallError } from '../../../../src/main/engine/scheduler';
import { FAKE_EMAIL, FAKE_PHONE, type FinderFake, startFinderFake } from '../../../fakes/finder-providers';

let fake: FinderFake;
let keys: Record<string, string>;
beforeAll(async () => {
  fake = await startFinderFake();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  keys = {};
});

const adapters = new Map(FINDER_ADAPTERS.map((a) => [a.id, a]));
const access: ProviderAccess = {
  call: (p) => ({ key: keys[p.id] ?? null, baseUrl: fake.baseUrls[p.id] ?? '' }),
  order: () => null,
  network: DEFAULT_NETWORK,
};
const ada = personQuery({ firstName: 'Ada', lastName: 'Lovelace', domain: 'analytical.io' });
const signal = new AbortController().signal;
const opts = (o: Partial<WaterfallOptions>): WaterfallOptions => ({
  want: 'email',
  order: [],
  minConfidence: null,
  verify: false,
  acceptCatchAll: false,
  maxProbes: 8,
  ...o,
});

function verdict(address: string, status: EmailVerdict['status']): EmailVerdict {
  return {
    status,
    reason: `fake says ${status}`,
    address,
    method: 'fake',
    disposable: false,
    role: false,
    mx: null,
    checked: true,
  };
}
/** A verifier that knows a fixed answer per address (unknown otherwise), and counts calls. */
function verifier(
  statuses: Record<string, EmailVerdict['status']>,
  fallback: EmailVerdict['status'] = 'invalid',
) {
  const asked: string[] = [];
  const fn: VerifyEmail = async (address) => {
    asked.push(address);
    return verdict(address, statuses[address] ?? fallback);
  };
  return { fn, asked };
}

describe('runWaterfall', () => {
  it('asks in order, passes over providers without a key, and stops at the first hit', async () => {
    keys = { findymail: 'k1', prospeo: 'k2', leadmagic: 'k3' };
    fake.set('findymail', 'not_found');
    fake.set('prospeo', 'hit', { email: 'ada@analytical.io' });
    fake.set('leadmagic', 'hit');
    const result = await runWaterfall(
      ada,
      adapters,
      access,
      null,
      opts({ order: ['hunter', 'findymail', 'prospeo', 'leadmagic'] }),
      signal,
    );
    expect(result).toMatchObject({ email: 'ada@analytical.io', emailProvider: 'prospeo', confidence: 90 });
    expect(result.trail.map((s) => [s.provider, s.result.split(' ')[0]])).toEqual([
      ['hunter', 'no'],
      ['findymail', 'not'],
      ['prospeo', 'ada@analytical.io'],
    ]);
    expect(result.trail[0]?.result).toBe('no key');
    expect(fake.calls('hunter')).toHaveLength(0);
    expect(fake.calls('leadmagic')).toHaveLength(0);
    expect(JSON.stringify(result.trail)).not.toMatch(/k1|k2|k3/);
  });

  it('goes on when the verifier rejects a hit, and accepts catch-all only when told', async () => {
    keys = { hunter: 'k', leadmagic: 'k' };
    fake.set('hunter', 'hit', { email: 'wrong@analytical.io' });
    fake.set('leadmagic', 'hit', { email: 'ada@analytical.io' });
    const { fn, asked } = verifier({ 'wrong@analytical.io': 'invalid', 'ada@analytical.io': 'valid' });
    const result = await runWaterfall(
      ada,
      adapters,
      access,
      fn,
      opts({ order: ['hunter', 'leadmagic'], verify: true }),
      signal,
    );
    expect(result).toMatchObject({
      email: 'ada@analytical.io',
      emailProvider: 'leadmagic',
      emailStatus: 'valid',
    });
    expect(asked).toEqual(['wrong@analytical.io', 'ada@analytical.io']);
    expect(result.trail[0]?.result).toMatch(/passed over: verified invalid/);

    fake.set('hunter', 'hit', { email: 'any@analytical.io' });
    const catchAll = verifier({}, 'catch_all');
    const strict = await runWaterfall(
      ada,
      adapters,
      access,
      catchAll.fn,
      opts({ order: ['hunter'], verify: true }),
      signal,
    );
    expect(strict.email).toBeNull();
    const lenient = await runWaterfall(
      ada,
      adapters,
      access,
      catchAll.fn,
      opts({ order: ['hunter'], verify: true, acceptCatchAll: true }),
      signal,
    );
    expect(lenient).toMatchObject({ email: 'any@analytical.io', emailStatus: 'catch_all' });
  });

  it('passes over a hit below the minimum confidence', async () => {
    keys = { hunter: 'k', skrapp: 'k' };
    fake.set('hunter', 'hit'); // score 94
    fake.set('skrapp', 'hit', { email: 'low@analytical.io' }); // accuracy 88
    const result = await runWaterfall(
      ada,
      adapters,
      access,
      null,
      opts({ order: ['skrapp', 'hunter'], minConfidence: 90 }),
      signal,
    );
    expect(result).toMatchObject({ email: FAKE_EMAIL, emailProvider: 'hunter', confidence: 94 });
    expect(result.trail[0]?.result).toMatch(/confidence 88, below 90/);
  });

  it('goes on past a failing provider, and fails the row only when nobody found anything', async () => {
    keys = { hunter: 'k', findymail: 'k', leadmagic: 'k' };
    fake.set('hunter', 'unauthorized');
    fake.set('findymail', 'rate_limited');
    fake.set('leadmagic', 'hit');
    const result = await runWaterfall(
      ada,
      adapters,
      access,
      null,
      opts({ order: ['hunter', 'findymail', 'leadmagic'] }),
      signal,
    );
    expect(result.emailProvider).toBe('leadmagic');
    expect(result.trail.map((s) => s.result.slice(0, 6))).toEqual([
      'error:',
      'error:',
      FAKE_EMAIL.slice(0, 6),
    ]);

    fake.set('leadmagic', 'not_found');
    const error = await runWaterfall(
      ada,
      adapters,
      access,
      null,
      opts({ order: ['hunter', 'findymail', 'leadmagic'] }),
      signal,
    ).then(
      () => null,
      (e: unknown) => e as CallError,
    );
    expect(error).toBeInstanceOf(CallError);
    expect(error?.message).toMatch(/2 failed: Hunter refused the API key.*Findymail is rate limiting/);
    expect(error?.retryable).toBe(true); // the rate limit may pass
    expect(error?.retryAfterMs).toBe(1000);
    expect(JSON.parse(error?.body ?? '{}').trail).toHaveLength(3);
  });

  it('answers not found when every provider said so', async () => {
    keys = { hunter: 'k', leadmagic: 'k' };
    const result = await runWaterfall(
      ada,
      adapters,
      access,
      null,
      opts({ order: ['hunter', 'leadmagic'] }),
      signal,
    );
    expect(result.email).toBeNull();
    expect(result.trail.map((s) => s.result)).toEqual(['not found', 'not found']);
  });

  it('for phone and email, goes on until both are found, each from the first provider that had it', async () => {
    keys = { hunter: 'k', lusha: 'k', contactout: 'k' };
    fake.set('hunter', 'hit', { email: 'ada@analytical.io' });
    fake.set('lusha', 'hit');
    fake.set('contactout', 'hit');
    const withLinkedin = { ...ada, linkedinUrl: 'https://www.linkedin.com/in/ada' };
    const result = await runWaterfall(
      withLinkedin,
      adapters,
      access,
      null,
      opts({ want: 'phoneEmail', order: ['hunter', 'lusha', 'contactout'] }),
      signal,
    );
    expect(result).toMatchObject({
      email: 'ada@analytical.io',
      emailProvider: 'hunter',
      phone: FAKE_PHONE,
      phoneProvider: 'lusha',
    });
    expect(fake.calls('contactout')).toHaveLength(0);
  });
});

describe('the pattern finder', () => {
  it('builds the usual shapes from folded names', () => {
    const zoe = personQuery({ firstName: 'Zoë-Anne', lastName: "O'Brién", domain: 'acme.ie' });
    expect(candidates(zoe).slice(0, 8)).toEqual([
      'zoeanne.obrien',
      'zobrien',
      'zoeanne',
      'zoeanneobrien',
      'zoeanne_obrien',
      'obrien.zoeanne',
      'z.obrien',
      'zoeanneo',
    ]);
  });

  it('accepts only the address the verifier calls valid', async () => {
    const { fn, asked } = verifier({ 'alovelace@analytical.io': 'valid' });
    const step = await findByPattern(ada, fn, { providers: access, signal, maxProbes: 8 });
    expect(step.hit?.email).toBe('alovelace@analytical.io');
    expect(asked).toEqual(['ada.lovelace@analytical.io', 'alovelace@analytical.io']);
  });

  it('stops at a catch-all domain, and never probes more than allowed', async () => {
    const catchAll = verifier({}, 'catch_all');
    const stopped = await findByPattern(ada, catchAll.fn, { providers: access, signal, maxProbes: 8 });
    expect(stopped.hit).toBeNull();
    expect(stopped.note).toMatch(/catch-all/);
    expect(catchAll.asked).toHaveLength(1);

    const none = verifier({}, 'invalid');
    const capped = await findByPattern(ada, none.fn, { providers: access, signal, maxProbes: 3 });
    expect(capped.hit).toBeNull();
    expect(none.asked).toHaveLength(3);
  });

  it("runs key-less as the waterfall's last step, after the providers found nothing", async () => {
    keys = { hunter: 'k' };
    const { fn } = verifier({ 'ada@analytical.io': 'valid' });
    const result = await runWaterfall(
      ada,
      adapters,
      access,
      fn,
      opts({ order: ['hunter', 'pattern'] }),
      signal,
    );
    expect(result).toMatchObject({
      email: 'ada@analytical.io',
      emailProvider: 'pattern',
      emailStatus: 'valid',
    });
    expect(result.trail.at(-1)?.result).toMatch(/verified valid/);
  });
});
