// Settings → Providers through the real handler map: keys are validated, stored
// encrypted in the user data folder and never come back out through any channel (not in
// entries, not in test results, not in errors); the connection test calls the adapter
// over loopback HTTP with the saved key and says how it went; waterfall orders are
// validated and survive a restart. The providers here are test adapters (defined below,
// calling a loopback server through the real requestJson), so these tests do not
// depend on which real providers the catalogue holds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionInfo } from '@shared/enrichment';
import { MAX_KEY_LENGTH } from '@shared/provider-settings';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestJson, requireKey } from '../../../src/main/catalogue/provider-http';
import {
  ProviderSettingsService,
  type SettingsCatalogue,
} from '../../../src/main/catalogue/provider-settings-service';
import type { ProviderAdapter } from '../../../src/main/catalogue/providers';
import { type HttpFake, startHttpFake } from '../../fakes/http-fake';
import { startTestApp, type TestApp } from '../../helpers/app';
import { tempDir } from '../../helpers/temp';

const KEY = 'sk_live_7f3a9c2e51d04b88WXYZ';

/** A test adapter (not a real provider): a bearer-key API whose /me answers who the key belongs to. */
const keyedAdapter: ProviderAdapter = {
  id: 'test-keyed',
  name: 'Test keyed API',
  docsUrl: 'https://example.com/docs',
  baseUrl: 'http://127.0.0.1:9',
  capabilities: ['person.email'],
  needsKey: true,
  keyLabel: 'Secret key',
  async testConnection(call, signal) {
    const { json } = await requestJson<{ account: string }>(
      keyedAdapter,
      call,
      {
        path: '/me',
        headers: { authorization: `Bearer ${requireKey(keyedAdapter, call)}` },
        timeoutMs: 60_000,
      },
      signal,
    );
    return `Connected as ${json?.account ?? 'unknown'}.`;
  },
};
const secondAdapter: ProviderAdapter = {
  ...keyedAdapter,
  id: 'test-second',
  name: 'Second test API',
  testConnection: undefined,
};
const keylessAdapter: ProviderAdapter = {
  id: 'test-keyless',
  name: 'Test key-less source',
  docsUrl: 'https://example.com/keyless',
  baseUrl: 'http://127.0.0.1:9',
  capabilities: ['person.email'],
  needsKey: false,
};

const waterfallAction: ActionInfo = {
  id: 'person.email.find',
  name: 'Find work email',
  description: 'test waterfall',
  inputs: [],
  outputs: [],
  price: 3,
  cacheTtlSeconds: 0,
  providers: ['test-keyless', 'test-keyed', 'test-second'],
};
const plainAction: ActionInfo = { ...waterfallAction, id: 'phone.verify', providers: undefined };

let fake: HttpFake;
let t: TestApp;
let userData: { path: string; cleanup(): void };

function catalogue(): SettingsCatalogue {
  return {
    providers: [keyedAdapter, secondAdapter, keylessAdapter],
    actions: [waterfallAction, plainAction],
  };
}

async function open(): Promise<TestApp> {
  return startTestApp({
    userDataDir: userData.path,
    settingsCatalogue: catalogue(),
    providers: { baseUrls: { 'test-keyed': fake.url } },
  });
}

/** Everything a channel answered, or the message it failed with, as one string to search. */
async function seen(run: () => Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(await run());
  } catch (error) {
    return JSON.stringify({ message: (error as Error).message, code: (error as { code?: string }).code });
  }
}

beforeEach(async () => {
  userData = tempDir();
  fake = await startHttpFake({
    handler: (req) =>
      req.headers.authorization === `Bearer ${KEY}`
        ? { status: 200, body: '{"account":"ops@acme.test"}' }
        : // Some APIs echo the key they refused: the message must not carry it on.
          {
            status: 401,
            body: JSON.stringify({ message: `Invalid key ${String(req.headers.authorization).slice(7)}` }),
          },
  });
  t = await open();
});
afterEach(async () => {
  await t?.close();
  await fake.close();
  userData.cleanup();
});

describe('providers/list and providers/set-key', () => {
  it('lists every provider with its key status and how keys are protected, never a key', async () => {
    const list = await t.call('providers/list', {});
    expect(list.protection).toBe('key-file');
    expect(list.providers.map((p) => p.id)).toEqual(['test-keyed', 'test-second', 'test-keyless']);
    expect(list.providers[0]).toEqual({
      id: 'test-keyed',
      name: 'Test keyed API',
      docsUrl: 'https://example.com/docs',
      capabilities: ['person.email'],
      needsKey: true,
      keyLabel: 'Secret key',
      hasKey: false,
      keyHint: null,
      canTest: true,
    });
    expect(list.providers[1]?.canTest).toBe(false);
    expect(list.providers[2]).toMatchObject({ needsKey: false, hasKey: false, keyLabel: null });
  });

  it('stores a set key encrypted, shows only its last four characters, and removes it', async () => {
    const entry = await t.call('providers/set-key', { providerId: 'test-keyed', key: `  ${KEY}\n` });
    expect(entry).toMatchObject({ hasKey: true, keyHint: '…WXYZ' });
    // The engine's side reads the trimmed key.
    expect(t.app.providers.call(keyedAdapter).key).toBe(KEY);

    const bytes = readFileSync(join(userData.path, 'secrets.bin'));
    expect(bytes.length).toBeGreaterThan(0);
    for (const form of [KEY, Buffer.from(KEY).toString('base64'), Buffer.from(KEY).toString('hex'), 'WXYZ'])
      expect(bytes.includes(Buffer.from(form))).toBe(false);

    for (const output of [
      await seen(() => t.call('providers/list', {})),
      JSON.stringify(entry),
      await seen(() => t.call('waterfalls/list', {})),
    ]) {
      expect(output).not.toContain(KEY);
      expect(output).not.toContain('7f3a9c2e');
    }

    // Still set after a restart: the key lives in the user data folder.
    await t.close();
    t = await open();
    expect((await t.call('providers/list', {})).providers[0]).toMatchObject({
      hasKey: true,
      keyHint: '…WXYZ',
    });

    const removed = await t.call('providers/set-key', { providerId: 'test-keyed', key: null });
    expect(removed).toMatchObject({ hasKey: false, keyHint: null });
    expect(t.app.providers.call(keyedAdapter).key).toBeNull();
  });

  it('refuses unknown providers, over-long keys and control characters, without echoing the key', async () => {
    const cases: { input: unknown; code: string; message: RegExp }[] = [
      { input: { providerId: 'nobody', key: KEY }, code: 'not_found', message: /no provider “nobody”/ },
      { input: { providerId: '../x', key: KEY }, code: 'invalid_input', message: /not a provider id/ },
      {
        input: { providerId: 'test-keyed', key: `${KEY}${'x'.repeat(MAX_KEY_LENGTH)}` },
        code: 'invalid_input',
        message: /at most 2048 characters/,
      },
      {
        input: { providerId: 'test-keyed', key: `${KEY}\nX-Evil: 1` },
        code: 'invalid_input',
        message: /control characters/,
      },
      { input: { providerId: 'test-keyed', key: `${KEY}\u0000` }, code: 'invalid_input', message: /control/ },
      { input: { providerId: 'test-keyed', key: `a\tb${KEY}` }, code: 'invalid_input', message: /control/ },
      { input: { providerId: 'test-keyed', key: '   ' }, code: 'invalid_input', message: /Paste the key/ },
      { input: { providerId: 'test-keyed' }, code: 'invalid_input', message: /at key/ },
      {
        input: { providerId: 'test-keyless', key: KEY },
        code: 'invalid_input',
        message: /without an API key/,
      },
    ];
    for (const c of cases) {
      const error = await t.app.handlers['providers/set-key'](c.input).then(
        () => null,
        (e: { code: string; message: string }) => e,
      );
      expect(error, JSON.stringify(c.input).slice(0, 60)).toMatchObject({ code: c.code });
      expect(error?.message).toMatch(c.message);
      expect(error?.message).not.toContain(KEY);
    }
    expect((await t.call('providers/list', {})).providers.every((p) => !p.hasKey)).toBe(true);
  });
});

describe('providers/test', () => {
  it('calls the adapter with the saved key over HTTP and says who the key belongs to', async () => {
    await t.call('providers/set-key', { providerId: 'test-keyed', key: KEY });
    expect(await t.call('providers/test', { providerId: 'test-keyed' })).toEqual({
      ok: true,
      message: 'Connected as ops@acme.test.',
    });
    expect(fake.requests).toBe(1);
  });

  it('says a refused key is refused, without the key the provider echoed', async () => {
    const wrong = 'sk_live_wrong_0000000000QRST';
    await t.call('providers/set-key', { providerId: 'test-keyed', key: wrong });
    const result = await t.call('providers/test', { providerId: 'test-keyed' });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/Test keyed API refused the API key \(401\): Invalid key \[key\]/);
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it('says what is missing without a call when no key is set or the adapter has no test; refuses unknown ids', async () => {
    expect(await t.call('providers/test', { providerId: 'test-keyed' })).toEqual({
      ok: false,
      message: 'Test keyed API: no API key. Add one in Settings → Providers, or turn the provider off.',
    });
    expect((await t.call('providers/test', { providerId: 'test-second' })).message).toMatch(
      /has no connection test/,
    );
    expect(fake.requests).toBe(0);
    await expect(t.call('providers/test', { providerId: 'nobody' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('gives up on a provider that does not answer in time', async () => {
    fake.setHandler(() => new Promise(() => {}));
    await t.call('providers/set-key', { providerId: 'test-keyed', key: KEY });
    const service = new ProviderSettingsService(t.app.providers, t.app.secrets, catalogue(), 200);
    const started = performance.now();
    const result = await service.test('test-keyed');
    expect(result).toEqual({ ok: false, message: 'Test keyed API did not answer within 200 ms.' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('providers/test with a real adapter of the catalogue', () => {
  // Twilio Lookup v2 as documented (https://www.twilio.com/docs/lookup/v2-api): a basic
  // lookup answers the number's formats; a refused SID:TOKEN answers error 20003.
  const basicLookup = {
    calling_country_code: '1',
    country_code: 'US',
    phone_number: '+14155552671',
    national_format: '(415) 555-2671',
    valid: true,
    validation_errors: [],
    caller_name: null,
    sim_swap: null,
    call_forwarding: null,
    line_status: null,
    line_type_intelligence: null,
    identity_match: null,
    reassigned_number: null,
    sms_pumping_risk: null,
    phone_number_quality_score: null,
    pre_fill: null,
    url: 'https://lookups.twilio.com/v2/PhoneNumbers/+14155552671',
  };
  const refused = {
    code: 20003,
    message: 'Authenticate',
    more_info: 'https://www.twilio.com/docs/errors/20003',
    status: 401,
  };

  it('tests Twilio Lookup credentials with a free basic lookup, as Basic auth', async () => {
    const twilio = await startHttpFake({
      handler: (req) =>
        req.headers.authorization === `Basic ${Buffer.from('AC123:right-token').toString('base64')}`
          ? {
              status: 200,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(basicLookup),
            }
          : { status: 401, headers: { 'content-type': 'application/json' }, body: JSON.stringify(refused) },
    });
    const real = await startTestApp({ providers: { baseUrls: { 'twilio-lookup': twilio.url } } });
    try {
      const listed = (await real.call('providers/list', {})).providers.find((p) => p.id === 'twilio-lookup');
      expect(listed).toMatchObject({ needsKey: true, hasKey: false, canTest: true });

      await real.call('providers/set-key', { providerId: 'twilio-lookup', key: 'AC123:right-token' });
      expect(await real.call('providers/test', { providerId: 'twilio-lookup' })).toEqual({
        ok: true,
        message: 'Twilio accepted the credentials.',
      });

      await real.call('providers/set-key', { providerId: 'twilio-lookup', key: 'AC123:wrong-token' });
      const result = await real.call('providers/test', { providerId: 'twilio-lookup' });
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/Twilio Lookup refused the API key \(401\): Authenticate/);
      expect(result.message).not.toContain('wrong-token');
      expect(twilio.requests).toBe(2);
    } finally {
      await real.close();
      await twilio.close();
    }
  });
});

describe('waterfalls', () => {
  it('lists the actions that ask several providers, in the catalogue order by default', async () => {
    const list = await t.call('waterfalls/list', {});
    expect(list.map((w) => w.id)).toEqual(['person.email.find']);
    expect(list[0]).toMatchObject({ name: 'Find work email', custom: false });
    expect(list[0]?.providers.map((p) => [p.id, p.enabled])).toEqual([
      ['test-keyless', true],
      ['test-keyed', true],
      ['test-second', true],
    ]);
    expect(t.app.providers.order('person.email.find')).toBeNull();
  });

  it('validates an order: known providers of that action, each once, at least one', async () => {
    const bad: [unknown, string, RegExp][] = [
      [{ waterfallId: 'person.email.find', providerIds: ['nobody'] }, 'invalid_input', /cannot ask “nobody”/],
      [
        { waterfallId: 'person.email.find', providerIds: ['test-keyed', 'test-keyed'] },
        'invalid_input',
        /appears once/,
      ],
      [{ waterfallId: 'person.email.find', providerIds: [] }, 'invalid_input', /at least one/],
      [{ waterfallId: 'phone.verify', providerIds: ['test-keyed'] }, 'not_found', /several providers/],
      [{ waterfallId: 'nope', providerIds: ['test-keyed'] }, 'not_found', /several providers/],
      [{ waterfallId: 'person.email.find', providerIds: ['a b'] }, 'invalid_input', /provider id/],
    ];
    for (const [input, code, message] of bad) {
      await expect(
        t.app.handlers['waterfalls/set-order'](input),
        JSON.stringify(input),
      ).rejects.toMatchObject({
        code,
        message: expect.stringMatching(message),
      });
    }
    expect(t.app.providers.order('person.email.find')).toBeNull();
  });

  it('keeps a new order, with the providers left out disabled, across a restart; null restores the default', async () => {
    const set = await t.call('waterfalls/set-order', {
      waterfallId: 'person.email.find',
      providerIds: ['test-second', 'test-keyless'],
    });
    expect(set.custom).toBe(true);
    expect(set.providers.map((p) => [p.id, p.enabled])).toEqual([
      ['test-second', true],
      ['test-keyless', true],
      ['test-keyed', false],
    ]);

    await t.close();
    t = await open();
    // What the engine's actions read at call time.
    expect(t.app.providers.order('person.email.find')).toEqual(['test-second', 'test-keyless']);
    expect(await t.call('waterfalls/get', { waterfallId: 'person.email.find' })).toEqual(set);

    const reset = await t.call('waterfalls/set-order', {
      waterfallId: 'person.email.find',
      providerIds: null,
    });
    expect(reset.custom).toBe(false);
    expect(reset.providers.map((p) => p.id)).toEqual(['test-keyless', 'test-keyed', 'test-second']);
    expect(t.app.providers.order('person.email.find')).toBeNull();
  });
});
