// Providers that charge phones (or emails) apart are asked only for what the row still
// lacks: an email-only waterfall never reveals phones, and a waterfall that already has
// the email asks the next provider for the phone alone. Checked on the requests the
// loopback fakes receive, and through the waterfall itself.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { personQuery } from '../../../../src/main/catalogue/finder/person';
import { FINDER_ADAPTERS } from '../../../../src/main/catalogue/finder/providers';
import type { FinderAdapter } from '../../../../src/main/catalogue/finder/types';
import { runWaterfall } from '../../../../src/main/catalogue/finder/waterfall';
import { FAKE_EMAIL, type FinderFake, startFinderFake } from '../../../fakes/finder-providers';

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
  domain: 'analytical.io',
  company: 'Analytical Engines',
  linkedinUrl: 'linkedin.com/in/ada-lovelace/',
});
const signal = new AbortController().signal;
const adapter = (id: string) => FINDER_ADAPTERS.find((a) => a.id === id) as FinderAdapter;
const callFor = (a: FinderAdapter) => ({ key: `key-${a.id}`, baseUrl: fake.baseUrls[a.id] as string });
const EMAIL_ONLY = { email: true, phone: false };
const PHONE_ONLY = { email: false, phone: true };

/** What each adapter sent about phones and emails, read from its first request. */
const asked: Record<string, (body: Record<string, unknown>, query: URLSearchParams) => unknown> = {
  lusha: (b) => b.reveal,
  fullenrich: (b) => (b.datas as { enrich_fields: unknown }[])[0]?.enrich_fields,
  bettercontact: (b) => [b.enrich_email_address, b.enrich_phone_number],
  contactout: (_b, q) => q.get('include_phone'),
};

describe.each([
  ['lusha', ['emails'], ['phones'], ['emails', 'phones']],
  ['fullenrich', ['contact.emails'], ['contact.phones'], ['contact.emails', 'contact.phones']],
  ['bettercontact', [true, false], [false, true], [true, true]],
  ['contactout', null, 'true', 'true'],
] as const)('%s', (id, emailOnly, phoneOnly, both) => {
  it('asks for the email alone, the phone alone, or both, as wanted', async () => {
    const a = adapter(id);
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
