// The ZeroBounce and NeverBounce adapters against loopback fakes answering with the
// shapes in each provider's public docs (ZeroBounce: v2 validate and getcredits pages;
// NeverBounce: the single-check and account-info reference and its error-handling page),
// plus the failures a user meets: a refused key, 404, 429, garbage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neverBounce } from '../../../../src/main/catalogue/email/neverbounce';
import { verifyEmail } from '../../../../src/main/catalogue/email/verifier';
import { zeroBounce } from '../../../../src/main/catalogue/email/zerobounce';
import { DEFAULT_NETWORK, type ProviderAccess } from '../../../../src/main/catalogue/providers';
import { CallError } from '../../../../src/main/engine/scheduler';
import { type FakeResponse, type HttpFake, startHttpFake } from '../../../fakes/http-fake';

const KEY = 'secret_test-key-1234';
const signal = () => new AbortController().signal;
const json = (body: unknown, status = 200): FakeResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

let fake: HttpFake;
let last: URL;

function access(keys: Record<string, string>): ProviderAccess {
  return {
    call: (provider) => ({ key: keys[provider.id] ?? null, baseUrl: fake.url }),
    order: () => null,
    network: { ...DEFAULT_NETWORK, dnsServers: ['127.0.0.1:9'] },
  };
}

const call = () => ({ key: KEY, baseUrl: fake.url });

/** The documented ZeroBounce validate response, with the fields a test varies. */
function zbValidate(address: string, status: string, sub_status = '') {
  return {
    address,
    status,
    sub_status,
    free_email: false,
    did_you_mean: null,
    account: address.split('@')[0],
    domain: address.split('@')[1],
    domain_age_days: '9692',
    smtp_provider: 'example',
    mx_record: 'mx.example.com',
    mx_found: 'true',
    firstname: null,
    lastname: null,
    gender: null,
    country: null,
    region: null,
    city: null,
    zipcode: null,
    processed_at: '2026-12-02 10:00:00.000',
  };
}

let zbScript: (url: URL) => FakeResponse;
let nbScript: (url: URL) => FakeResponse;

beforeAll(async () => {
  fake = await startHttpFake({
    handler: (req) => {
      last = new URL(req.url, 'http://x');
      if (last.pathname.startsWith('/v2/')) return zbScript(last);
      return nbScript(last);
    },
  });
});

afterAll(async () => {
  await fake.close();
});

describe('ZeroBounce', () => {
  it('maps its statuses, with the sub-status as the reason', async () => {
    const cases: [string, string, string, RegExp][] = [
      ['valid', '', 'valid', /ZeroBounce says valid\./],
      ['invalid', 'mailbox_not_found', 'invalid', /the mailbox does not exist/],
      ['catch-all', '', 'catch_all', /catch-all/],
      ['unknown', 'greylisted', 'unknown', /greylisted/],
      ['spamtrap', '', 'invalid', /spam trap/],
      ['do_not_mail', 'disposable', 'invalid', /a disposable address/],
      ['do_not_mail', 'role_based', 'valid', /role address/],
      ['abuse', '', 'valid', /abuse/],
    ];
    for (const [status, sub, expected, reason] of cases) {
      zbScript = (url) => json(zbValidate(url.searchParams.get('email') ?? '', status, sub));
      const verdict = await zeroBounce.verify('jane@example.com', call(), signal());
      expect(verdict.status, `${status}/${sub}`).toBe(expected);
      expect(verdict.reason).toMatch(reason);
      expect(verdict.mx).toBe('mx.example.com');
    }
    expect(last.pathname).toBe('/v2/validate');
    expect(last.searchParams.get('api_key')).toBe(KEY);
    expect(last.searchParams.get('email')).toBe('jane@example.com');
    expect(last.searchParams.get('ip_address')).toBe('');
  });

  it('through verifyEmail: method zerobounce, checked unless unknown, flags merged', async () => {
    zbScript = (url) => json(zbValidate(url.searchParams.get('email') ?? '', 'do_not_mail', 'role_based'));
    const verdict = await verifyEmail('jane@example.com', {
      providers: access({ zerobounce: KEY }),
      signal: signal(),
      method: 'zerobounce',
    });
    expect(verdict).toMatchObject({ status: 'valid', method: 'zerobounce', role: true, checked: true });
    zbScript = (url) => json(zbValidate(url.searchParams.get('email') ?? '', 'unknown', 'timeout_exceeded'));
    const unknown = await verifyEmail('jane@example.com', {
      providers: access({ zerobounce: KEY }),
      signal: signal(),
    });
    expect(unknown).toMatchObject({ status: 'unknown', method: 'zerobounce', checked: false });
  });

  it('a refused key inside a 200 body, and 401: clear, not retried, no key in the message', async () => {
    zbScript = () => json({ error: 'Invalid API key or your account ran out of credits' });
    const inBody = await zeroBounce.verify('jane@example.com', call(), signal()).catch((e: CallError) => e);
    expect(inBody).toBeInstanceOf(CallError);
    expect((inBody as CallError).retryable).toBe(false);
    expect((inBody as CallError).message).toMatch(/Invalid API key.*Settings → Providers/);
    expect((inBody as CallError).message).not.toContain(KEY);
    zbScript = () => json({ error: 'Unauthorized' }, 401);
    const refused = await zeroBounce.verify('jane@example.com', call(), signal()).catch((e: CallError) => e);
    expect(refused).toMatchObject({ status: 401, retryable: false });
    expect((refused as CallError).message).toMatch(/ZeroBounce refused the API key/);
  });

  it('404, 429 and garbage', async () => {
    zbScript = () => json({ message: 'Not Found' }, 404);
    await expect(zeroBounce.verify('jane@example.com', call(), signal())).rejects.toMatchObject({
      status: 404,
      retryable: false,
      message: expect.stringMatching(/base URL/),
    });
    zbScript = () => ({
      status: 429,
      headers: { 'retry-after': '7' },
      body: '{"error":"Too many requests"}',
    });
    await expect(zeroBounce.verify('jane@example.com', call(), signal())).rejects.toMatchObject({
      status: 429,
      retryable: true,
      retryAfterMs: 7000,
    });
    zbScript = () => ({ status: 200, body: '<html>maintenance</html>' });
    await expect(zeroBounce.verify('jane@example.com', call(), signal())).rejects.toMatchObject({
      kind: 'invalid_response',
    });
    zbScript = () => json({ address: 'jane@example.com' });
    await expect(zeroBounce.verify('jane@example.com', call(), signal())).rejects.toThrow(/without a status/);
  });

  it('no key: says to add one', async () => {
    await expect(
      zeroBounce.verify('jane@example.com', { key: null, baseUrl: fake.url }, signal()),
    ).rejects.toThrow(/ZeroBounce: no API key/);
  });

  it('testConnection reads the credit balance; -1 means the key is refused', async () => {
    zbScript = () => json({ Credits: '2375323' });
    expect(await zeroBounce.testConnection?.(call(), signal())).toBe('Connected: 2,375,323 credits left.');
    expect(last.pathname).toBe('/v2/getcredits');
    zbScript = () => json({ Credits: -1 });
    await expect(zeroBounce.testConnection?.(call(), signal())).rejects.toThrow(/refused the API key/);
  });
});

describe('NeverBounce', () => {
  const check = (result: string, flags: string[] = ['has_dns', 'has_dns_mx']) =>
    json({ status: 'success', result, flags, suggested_correction: '', execution_time: 499 });

  it('maps its results', async () => {
    const cases: [string, string][] = [
      ['valid', 'valid'],
      ['invalid', 'invalid'],
      ['disposable', 'invalid'],
      ['catchall', 'catch_all'],
      ['unknown', 'unknown'],
    ];
    for (const [result, expected] of cases) {
      nbScript = () => check(result);
      const verdict = await neverBounce.verify('jane@example.com', call(), signal());
      expect(verdict.status, result).toBe(expected);
      expect(verdict.reason).toMatch(
        new RegExp(`^NeverBounce says ${result === 'catchall' ? 'catch-all' : result}: `),
      );
      expect(verdict.disposable).toBe(result === 'disposable');
    }
    expect(last.pathname).toBe('/single/check');
    expect(last.searchParams.get('key')).toBe(KEY);
    expect(last.searchParams.get('email')).toBe('jane@example.com');
  });

  it('reads role_account and suggested_correction', async () => {
    nbScript = () =>
      json({
        status: 'success',
        result: 'valid',
        flags: ['has_dns', 'role_account'],
        suggested_correction: 'support@neverbounce.com',
        execution_time: 399,
      });
    const verdict = await neverBounce.verify('support@neverbouce.com', call(), signal());
    expect(verdict).toMatchObject({ status: 'valid', role: true });
    expect(verdict.reason).toMatch(/did you mean support@neverbounce\.com\?/);
  });

  it("'auto' picks the first API with a key", async () => {
    nbScript = () => check('catchall');
    const verdict = await verifyEmail('jane@example.com', {
      providers: access({ neverbounce: KEY }),
      signal: signal(),
    });
    expect(verdict).toMatchObject({ status: 'catch_all', method: 'neverbounce', checked: true });
  });

  it('errors in a 200 envelope: auth_failure (not retried), throttle_triggered and temp_unavail (retried)', async () => {
    nbScript = () => json({ status: 'auth_failure', message: 'Invalid API key', execution_time: 5 });
    await expect(neverBounce.verify('jane@example.com', call(), signal())).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/NeverBounce refused the API key: Invalid API key/),
    });
    nbScript = () => json({ status: 'throttle_triggered', message: 'Too many requests', execution_time: 5 });
    await expect(neverBounce.verify('jane@example.com', call(), signal())).rejects.toMatchObject({
      retryable: true,
      status: 429,
    });
    nbScript = () => json({ status: 'temp_unavail', execution_time: 5 });
    await expect(neverBounce.verify('jane@example.com', call(), signal())).rejects.toMatchObject({
      retryable: true,
    });
    nbScript = () =>
      json({ status: 'general_failure', message: "Missing required parameter 'email'", execution_time: 5 });
    await expect(neverBounce.verify('jane@example.com', call(), signal())).rejects.toThrow(
      /Missing required parameter/,
    );
  });

  it('HTTP 401, 404, 429 and garbage', async () => {
    nbScript = () => json({}, 401);
    await expect(neverBounce.verify('jane@example.com', call(), signal())).rejects.toMatchObject({
      status: 401,
      retryable: false,
    });
    nbScript = () => ({ status: 404, body: '' });
    await expect(neverBounce.verify('jane@example.com', call(), signal())).rejects.toThrow(
      /404: check its base URL/,
    );
    nbScript = () => json({}, 429);
    await expect(neverBounce.verify('jane@example.com', call(), signal())).rejects.toMatchObject({
      status: 429,
      retryable: true,
    });
    nbScript = () => ({ status: 200, body: 'not json' });
    await expect(neverBounce.verify('jane@example.com', call(), signal())).rejects.toMatchObject({
      kind: 'invalid_response',
    });
    nbScript = () => json({ status: 'success', result: 'maybe' });
    await expect(neverBounce.verify('jane@example.com', call(), signal())).rejects.toThrow(
      /without a known result/,
    );
  });

  it('testConnection reads account info', async () => {
    nbScript = () =>
      json({
        status: 'success',
        credits_info: {
          paid_credits_used: 0,
          free_credits_used: 0,
          paid_credits_remaining: 9950791,
          free_credits_remaining: 0,
        },
        job_counts: { completed: 409, under_review: 0, queued: 0, processing: 0 },
        execution_time: 896,
      });
    expect(await neverBounce.testConnection?.(call(), signal())).toBe('Connected: 9,950,791 credits left.');
    expect(last.pathname).toBe('/account/info');
    nbScript = () => json({ status: 'auth_failure', message: 'Invalid API key', execution_time: 5 });
    await expect(neverBounce.testConnection?.(call(), signal())).rejects.toThrow(/refused the API key/);
  });
});
