// Every finder adapter against the loopback fake answering its documented shapes: a hit
// maps to the common FinderHit, "not found" to null, a refused key, a rate limit and
// garbage to clear CallErrors (never junk values), and missing inputs are said up front.
// Providers that charge phones apart are asked only for what the row still lacks.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { personQuery } from '../../../../src/main/catalogue/finder/person';
import { FINDER_ADAPTERS } from '../../../../src/main/catalogue/finder/providers';
import type { FinderAdapter } from '../../../../src/main/catalogue/finder/types';
import { runWaterfall } from '../../../../src/main/catalogue/finder/waterfall';
import { CallError } from '../../../../src/main/engine/scheduler';
import { FAKE_EMAIL, FAKE_PHONE, type FinderFake, startFinderFake } from '../../../fakes/finder-providers';

let fake: FinderFake;
beforeAll(async () => {
  fake = await startFinderFake();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const ada = personQuery({
  fullName: 'Ada Lovelace',
  domain: 'https://www.analytical.io/team',
  company: 'Analytical Engines',
  linkedinUrl: 'linkedin.com/in/ada-lovelace/',
});
const signal = new AbortController().signal;
const callFor = (a: FinderAdapter) => ({
  key: a.id === 'tomba' ? 'ta_key:ts_secret' : `key-${a.id}`,
  baseUrl: fake.baseUrls[a.id] as string,
});

async function failure(promise: Promise<unknown>): Promise<CallError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CallError);
  return error as CallError;
}

it('covers at least 18 providers, each with its docs and the real base URL', () => {
  expect(FINDER_ADAPTERS.length).toBeGreaterThanOrEqual(18);
  expect(new Set(FINDER_ADAPTERS.map((a) => a.id)).size).toBe(FINDER_ADAPTERS.length);
  for (const a of FINDER_ADAPTERS) {
    expect(a.docsUrl).toMatch(/^https:\/\//);
    expect(a.baseUrl).toMatch(/^https:\/\//);
    expect(a.capabilities).toContain('person.email');
    expect(a.needsKey).toBe(true);
  }
  expect(
    FINDER_ADAPTERS.filter((a) => a.capabilities.includes('person.phone')).length,
  ).toBeGreaterThanOrEqual(9);
});

describe.each(FINDER_ADAPTERS.map((a) => [a.id, a] as const))('%s', (id, adapter) => {
  it('maps a documented hit to the email (and the phone where it finds phones)', async () => {
    fake.set(id, 'hit');
    const found = await adapter.find(ada, callFor(adapter), signal);
    expect(found?.email).toBe(FAKE_EMAIL);
    if (adapter.capabilities.includes('person.phone'))
      expect(found?.phone?.replace(/\s/g, '')).toBe(FAKE_PHONE.replace(/\s/g, ''));
    if (found?.confidence !== undefined) {
      expect(found.confidence).toBeGreaterThanOrEqual(0);
      expect(found.confidence).toBeLessThanOrEqual(100);
    }
    expect(found?.raw).toBeTruthy();
    expect(fake.calls(id).length).toBeGreaterThan(0);
    // the key never rides in the path
    for (const r of fake.calls(id)) expect(r.path).not.toContain('key-');
  });

  it('says "not found" as null', async () => {
    fake.set(id, 'not_found');
    expect(await adapter.find(ada, callFor(adapter), signal)).toBeNull();
  });

  it('turns a refused key into a clear, final error', async () => {
    fake.set(id, 'unauthorized');
    const error = await failure(adapter.find(ada, callFor(adapter), signal));
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(adapter.name);
    expect(error.message).not.toContain(`key-${id}`);
  });

  it('turns a rate limit into a retryable error that honours Retry-After', async () => {
    fake.set(id, 'rate_limited');
    const error = await failure(adapter.find(ada, callFor(adapter), signal));
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(1000);
  });

  it('refuses garbage and answers of the wrong shape instead of writing junk', async () => {
    fake.set(id, 'garbage');
    expect((await failure(adapter.find(ada, callFor(adapter), signal))).kind).toBe('invalid_response');
    fake.set(id, 'bad_shape');
    const error = await failure(adapter.find(ada, callFor(adapter), signal));
    expect(error.kind).toBe('invalid_response');
    expect(error.message).toContain(adapter.name);
  });

  it('says which inputs it needs when the row lacks them', () => {
    expect(adapter.needs(personQuery({ company: 'Nobody Inc' }))).toMatch(/needs/);
    expect(adapter.needs(ada)).toBeNull();
  });
});

describe('account checks', () => {
  const withTest = FINDER_ADAPTERS.filter((a) => a.testConnection);
  it.each(withTest.map((a) => [a.id, a] as const))('%s reads the account endpoint', async (id, adapter) => {
    fake.set(id, 'hit');
    expect(await adapter.testConnection?.(callFor(adapter), signal)).toMatch(
      /accepted the key|accepted the token/,
    );
    fake.set(id, 'unauthorized');
    expect(
      (await failure(adapter.testConnection?.(callFor(adapter), signal) ?? Promise.resolve())).status,
    ).toBe(401);
  });
});

describe('documented details', () => {
  it('Hunter sends the key as api_key and the person as documented', async () => {
    fake.set('hunter', 'hit');
    const hunter = FINDER_ADAPTERS.find((a) => a.id === 'hunter') as FinderAdapter;
    const found = await hunter.find(ada, callFor(hunter), signal);
    expect(found).toMatchObject({ confidence: 94, providerStatus: 'valid' });
    const q = fake.calls('hunter')[0]?.query;
    expect([q?.get('domain'), q?.get('first_name'), q?.get('last_name'), q?.get('api_key')]).toEqual([
      'analytical.io',
      'Ada',
      'Lovelace',
      'key-hunter',
    ]);
  });

  it('RocketReach polls a running lookup and prefers the professional address', async () => {
    fake.set('rocketreach', 'hit');
    const rr = FINDER_ADAPTERS.find((a) => a.id === 'rocketreach') as FinderAdapter;
    const found = await rr.find(ada, callFor(rr), signal);
    expect(found).toMatchObject({ email: FAKE_EMAIL, providerStatus: 'valid A-' });
    expect(fake.calls('rocketreach').map((r) => r.path)).toEqual([
      '/person/lookup',
      '/person/checkStatus',
      '/person/checkStatus',
    ]);
  });

  it('Lusha asks V3 search-and-enrich for one contact and prefers the work address and the mobile', async () => {
    fake.set('lusha', 'hit');
    const lusha = FINDER_ADAPTERS.find((a) => a.id === 'lusha') as FinderAdapter;
    expect(await lusha.find(ada, callFor(lusha), signal)).toMatchObject({
      email: FAKE_EMAIL,
      phone: FAKE_PHONE,
      providerStatus: 'work',
    });
    const byLinkedin = fake.calls('lusha')[0];
    expect([byLinkedin?.method, byLinkedin?.path]).toEqual(['POST', '/v3/contacts/search-and-enrich']);
    expect(byLinkedin?.headers.api_key).toBe('key-lusha');
    expect(JSON.parse(byLinkedin?.body ?? '{}')).toEqual({
      contacts: [{ linkedinUrl: 'https://www.linkedin.com/in/ada-lovelace' }],
      reveal: ['emails', 'phones'],
    });
    fake.reset();
    fake.set('lusha', 'hit');
    await lusha.find({ ...ada, linkedinUrl: null }, callFor(lusha), signal);
    expect(JSON.parse(fake.calls('lusha')[0]?.body ?? '{}').contacts).toEqual([
      { firstName: 'Ada', lastName: 'Lovelace', companyDomain: 'analytical.io' },
    ]);
  });

  it('Lusha: a withheld contact is not found, a failed enrichment is an error, never a free "not found"', async () => {
    const lusha = FINDER_ADAPTERS.find((a) => a.id === 'lusha') as FinderAdapter;
    fake.set('lusha', 'restricted');
    expect(await lusha.find(ada, callFor(lusha), signal)).toBeNull();
    fake.set('lusha', 'enrich_failed');
    const error = await failure(lusha.find(ada, callFor(lusha), signal));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/ENRICH_FAILED/);
  });

  it('Dropcontact sends to /v1/enrich/all, polls the request and never takes the company switchboard for the person', async () => {
    const drop = FINDER_ADAPTERS.find((a) => a.id === 'dropcontact') as FinderAdapter;
    fake.set('dropcontact', 'hit');
    expect(await drop.find(ada, callFor(drop), signal)).toMatchObject({
      email: FAKE_EMAIL,
      phone: FAKE_PHONE,
      providerStatus: 'nominative@pro',
    });
    const calls = fake.calls('dropcontact');
    expect(calls.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/enrich/all',
      'GET /v1/enrich/all/req-1',
      'GET /v1/enrich/all/req-1',
    ]);
    expect(calls[0]?.headers['x-access-token']).toBe('key-dropcontact');
    expect(JSON.parse(calls[0]?.body ?? '{}').data[0]).toMatchObject({
      first_name: 'Ada',
      last_name: 'Lovelace',
      website: 'analytical.io',
    });
    fake.reset();
    fake.set('dropcontact', 'not_found');
    expect(await drop.find(ada, callFor(drop), signal)).toBeNull();
  });

  it('Apollo describes the person in query parameters and leaves personal emails unrevealed', async () => {
    fake.set('apollo', 'hit');
    const apollo = FINDER_ADAPTERS.find((a) => a.id === 'apollo') as FinderAdapter;
    expect(await apollo.find(ada, callFor(apollo), signal)).toMatchObject({
      email: FAKE_EMAIL,
      providerStatus: 'verified',
    });
    const request = fake.calls('apollo')[0];
    expect([request?.method, request?.path, request?.body]).toEqual(['POST', '/people/match', '']);
    expect(request?.headers['x-api-key']).toBe('key-apollo');
    expect(Object.fromEntries(request?.query ?? [])).toEqual({
      first_name: 'Ada',
      last_name: 'Lovelace',
      domain: 'analytical.io',
      organization_name: 'Analytical Engines',
      linkedin_url: 'https://www.linkedin.com/in/ada-lovelace',
      reveal_personal_emails: 'false',
    });
  });

  it('LeadMagic and Skrapp are asked the way their references show', async () => {
    const byId = (id: string) => FINDER_ADAPTERS.find((a) => a.id === id) as FinderAdapter;
    fake.set('leadmagic', 'hit');
    await byId('leadmagic').find(ada, callFor(byId('leadmagic')), signal);
    const lm = fake.calls('leadmagic')[0];
    expect([lm?.method, lm?.path, lm?.headers['x-api-key']]).toEqual([
      'POST',
      '/people/email-finder',
      'key-leadmagic',
    ]);
    expect(JSON.parse(lm?.body ?? '{}')).toMatchObject({
      first_name: 'Ada',
      last_name: 'Lovelace',
      domain: 'analytical.io',
    });
    fake.set('skrapp', 'hit');
    expect(await byId('skrapp').find(ada, callFor(byId('skrapp')), signal)).toMatchObject({
      confidence: 88,
      providerStatus: 'valid',
    });
    const sk = fake.calls('skrapp')[0];
    expect([sk?.method, sk?.path, sk?.headers['x-access-key']]).toEqual(['GET', '/find', 'key-skrapp']);
    expect(Object.fromEntries(sk?.query ?? [])).toEqual({
      firstName: 'Ada',
      lastName: 'Lovelace',
      domain: 'analytical.io',
    });
  });

  it('Findymail: a refusal inside a 200 answer is an error, never a free "not found"', async () => {
    const findymail = FINDER_ADAPTERS.find((a) => a.id === 'findymail') as FinderAdapter;
    fake.set('findymail', 'out_of_credits');
    const error = await failure(findymail.find(ada, callFor(findymail), signal));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/Not enough credits/);
  });

  it('FullEnrich starts one v2 enrichment, reads past its 400 "in progress" and takes the work email and phone', async () => {
    const fe = FINDER_ADAPTERS.find((a) => a.id === 'fullenrich') as FinderAdapter;
    fake.set('fullenrich', 'hit');
    expect(await fe.find(ada, callFor(fe), signal)).toMatchObject({
      email: FAKE_EMAIL,
      phone: FAKE_PHONE,
      confidence: 90,
      providerStatus: 'DELIVERABLE',
    });
    const calls = fake.calls('fullenrich');
    expect(calls.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /contact/enrich/bulk',
      'GET /contact/enrich/bulk/enr-1',
      'GET /contact/enrich/bulk/enr-1',
    ]);
    expect(calls.every((r) => r.headers.authorization === 'Bearer key-fullenrich')).toBe(true);
    expect(JSON.parse(calls[0]?.body ?? '{}')).toEqual({
      name: 'Rowsmith',
      data: [
        {
          first_name: 'Ada',
          last_name: 'Lovelace',
          domain: 'analytical.io',
          company_name: 'Analytical Engines',
          linkedin_url: 'https://www.linkedin.com/in/ada-lovelace',
          enrich_fields: ['contact.work_emails', 'contact.phones'],
        },
      ],
    });
  });

  it('FullEnrich never takes an address it graded INVALID, but keeps the phone', async () => {
    const fe = FINDER_ADAPTERS.find((a) => a.id === 'fullenrich') as FinderAdapter;
    fake.set('fullenrich', 'undeliverable');
    const found = await fe.find(ada, callFor(fe), signal);
    expect(found?.email).toBeUndefined();
    expect(found?.confidence).toBeUndefined();
    expect(found?.phone).toBe(FAKE_PHONE);
  });

  it('FullEnrich: a 402 or an enrichment it no longer knows is a final error, never a free "not found"', async () => {
    const fe = FINDER_ADAPTERS.find((a) => a.id === 'fullenrich') as FinderAdapter;
    fake.set('fullenrich', 'payment_required');
    const broke = await failure(fe.find(ada, callFor(fe), signal));
    expect([broke.status, broke.retryable]).toEqual([402, false]);
    expect(broke.message).toMatch(/out of credits.*CREDITS_INSUFFICIENT/);
    fake.set('fullenrich', 'unknown_request');
    const lost = await failure(fe.find(ada, callFor(fe), signal));
    expect([lost.status, lost.retryable]).toEqual([404, false]);
    expect(lost.message).toMatch(/Enrichment ID not found/);
  });

  it('BetterContact submits one lead, polls the request until terminated and takes its verdict', async () => {
    const bc = FINDER_ADAPTERS.find((a) => a.id === 'bettercontact') as FinderAdapter;
    fake.set('bettercontact', 'hit');
    expect(await bc.find(ada, callFor(bc), signal)).toMatchObject({
      email: FAKE_EMAIL,
      phone: FAKE_PHONE,
      confidence: 95,
      providerStatus: 'deliverable',
    });
    const calls = fake.calls('bettercontact');
    expect(calls.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /async',
      'GET /async/bc-req-1',
      'GET /async/bc-req-1',
    ]);
    expect(calls.every((r) => r.headers['x-api-key'] === 'key-bettercontact')).toBe(true);
    expect(JSON.parse(calls[0]?.body ?? '{}')).toEqual({
      data: [
        {
          first_name: 'Ada',
          last_name: 'Lovelace',
          company: 'Analytical Engines',
          company_domain: 'analytical.io',
          linkedin_url: 'https://www.linkedin.com/in/ada-lovelace',
        },
      ],
      enrich_email_address: true,
      enrich_phone_number: true,
    });
  });

  it('BetterContact never takes an address it verified as undeliverable, but keeps the phone', async () => {
    const bc = FINDER_ADAPTERS.find((a) => a.id === 'bettercontact') as FinderAdapter;
    fake.set('bettercontact', 'undeliverable');
    const found = await bc.find(ada, callFor(bc), signal);
    expect(found?.email).toBeUndefined();
    expect(found?.phone).toBe(FAKE_PHONE);
  });

  it('BetterContact without the phone add-on asks again for the email alone', async () => {
    const bc = FINDER_ADAPTERS.find((a) => a.id === 'bettercontact') as FinderAdapter;
    fake.set('bettercontact', 'no_phone_plan');
    const found = await bc.find(ada, callFor(bc), signal);
    expect(found).toMatchObject({ email: FAKE_EMAIL, providerStatus: 'deliverable' });
    expect(found?.phone).toBeUndefined();
    const submits = fake.calls('bettercontact').filter((r) => r.path === '/async');
    expect(submits.map((r) => JSON.parse(r.body).enrich_phone_number)).toEqual([true, false]);
  });

  it('BetterContact: no credits, refused or paused mid-flight, is a final error, never a free "not found"', async () => {
    const bc = FINDER_ADAPTERS.find((a) => a.id === 'bettercontact') as FinderAdapter;
    fake.set('bettercontact', 'payment_required');
    const refused = await failure(bc.find(ada, callFor(bc), signal));
    expect([refused.status, refused.retryable]).toEqual([402, false]);
    expect(refused.message).toMatch(/You ran out of credits/);
    expect(fake.calls('bettercontact')).toHaveLength(1);
    fake.set('bettercontact', 'out_of_credits');
    const paused = await failure(bc.find(ada, callFor(bc), signal));
    expect([paused.status, paused.retryable]).toEqual([402, false]);
    expect(paused.message).toMatch(/paused/);
  });

  it('Tomba asks for KEY:SECRET before calling', async () => {
    const tomba = FINDER_ADAPTERS.find((a) => a.id === 'tomba') as FinderAdapter;
    const error = await failure(
      tomba.find(ada, { key: 'only-a-key', baseUrl: fake.baseUrls.tomba as string }, signal),
    );
    expect(error.message).toMatch(/KEY:SECRET/);
    expect(fake.calls('tomba')).toHaveLength(0);
  });
});

// Providers that charge phones (or emails) apart are asked only for what the row still
// lacks: an email-only waterfall never reveals phones, and a waterfall that already has
// the email asks the next provider for the phone alone.
const byId = (id: string) => FINDER_ADAPTERS.find((a) => a.id === id) as FinderAdapter;
const EMAIL_ONLY = { email: true, phone: false };
const PHONE_ONLY = { email: false, phone: true };

/** What each adapter sent about phones and emails, read from its first request. */
const asked: Record<string, (body: Record<string, unknown>, query: URLSearchParams) => unknown> = {
  lusha: (b) => b.reveal,
  fullenrich: (b) => (b.data as { enrich_fields: unknown }[])[0]?.enrich_fields,
  bettercontact: (b) => [b.enrich_email_address, b.enrich_phone_number],
  contactout: (_b, q) => q.get('include_phone'),
};

describe.each([
  ['lusha', ['emails'], ['phones'], ['emails', 'phones']],
  ['fullenrich', ['contact.work_emails'], ['contact.phones'], ['contact.work_emails', 'contact.phones']],
  ['bettercontact', [true, false], [false, true], [true, true]],
  ['contactout', null, 'true', 'true'],
] as const)('%s', (id, emailOnly, phoneOnly, both) => {
  it('asks for the email alone, the phone alone, or both, as wanted', async () => {
    const a = byId(id);
    fake.set(id, 'hit');
    await a.find(ada, callFor(a), signal, EMAIL_ONLY);
    expect(sent(id)).toEqual(emailOnly);
    fake.reset();
    fake.set(id, 'hit');
    await a.find(ada, callFor(a), signal, PHONE_ONLY);
    expect(sent(id)).toEqual(phoneOnly);
    fake.reset();
    fake.set(id, 'hit');
    await a.find(ada, callFor(a), signal);
    expect(sent(id)).toEqual(both);
  });
});

it('an email waterfall never reveals phones; once the email is found, the next provider is asked for the phone alone', async () => {
  const access = {
    call: (p: { id: string }) => ({ key: `key-${p.id}`, baseUrl: fake.baseUrls[p.id] as string }),
  };
  const adapters = new Map(FINDER_ADAPTERS.map((a) => [a.id, a]));
  const options = { minConfidence: null, verify: false, acceptCatchAll: false, maxProbes: 0 };
  fake.set('lusha', 'hit');
  const emailOnly = await runWaterfall(
    ada,
    adapters,
    access as never,
    null,
    { ...options, want: 'email', order: ['lusha'] },
    signal,
  );
  expect(emailOnly.email).toBe(FAKE_EMAIL);
  expect(sent('lusha')).toEqual(['emails']);

  fake.reset();
  fake.set('hunter', 'hit');
  fake.set('lusha', 'hit');
  const both = await runWaterfall(
    ada,
    adapters,
    access as never,
    null,
    { ...options, want: 'phoneEmail', order: ['hunter', 'lusha'] },
    signal,
  );
  expect(both).toMatchObject({ email: FAKE_EMAIL, emailProvider: 'hunter', phoneProvider: 'lusha' });
  expect(both.phone).not.toBeNull();
  expect(sent('lusha')).toEqual(['phones']);
});

function sent(id: string): unknown {
  const first = fake.calls(id)[0];
  const body = first?.body ? (JSON.parse(first.body) as Record<string, unknown>) : {};
  return asked[id]?.(body, first?.query ?? new URLSearchParams());
}
