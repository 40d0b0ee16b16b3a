// verifyEmail's own checks against real servers on loopback: a DNS server (dns-packet
// over UDP) that the Resolver is pointed at, and SMTP servers (smtp-server) deciding
// per address. Nothing is mocked: the probe opens real sockets and speaks SMTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEmail } from '../../../../src/main/catalogue/email/verifier';
import {
  DEFAULT_NETWORK,
  type NetworkOptions,
  type ProviderAccess,
} from '../../../../src/main/catalogue/providers';
import { type DnsFake, startDnsFake } from './fake-dns';
import { closedPort, type SmtpFake, startSilentServer, startSmtpFake } from './fake-smtp';

const LOOPBACK = { a: ['127.0.0.1'] };

let dns: DnsFake;
let smtp: SmtpFake;

function access(network: Partial<NetworkOptions> = {}): ProviderAccess {
  return {
    call: (provider) => ({ key: null, baseUrl: provider.baseUrl }),
    order: () => null,
    network: {
      ...DEFAULT_NETWORK,
      dnsServers: [dns.server],
      smtpPort: smtp.port,
      smtpTimeoutMs: 2_000,
      ...network,
    },
  };
}

const signal = () => new AbortController().signal;

beforeAll(async () => {
  dns = await startDnsFake({
    'example.test': { mx: [{ preference: 10, exchange: 'mx.example.test' }] },
    'mx.example.test': LOOPBACK,
    'catchall.test': { mx: [{ preference: 10, exchange: 'mx.example.test' }] },
    // the preferred MX is down (127.0.0.2: nothing listens there), the backup answers
    'backup.test': {
      mx: [
        { preference: 20, exchange: 'mx.example.test' },
        { preference: 5, exchange: 'down.backup.test' },
      ],
    },
    'down.backup.test': { a: ['127.0.0.2'] },
    'nullmx.test': { mx: [{ preference: 0, exchange: '.' }] },
    'a-only.test': LOOPBACK,
    'nothing.test': {},
    'broken.test': { rcode: 'SERVFAIL' },
    'silent.test': { silent: true },
  });
  smtp = await startSmtpFake((address, attempt) => {
    const [local, domain] = address.split('@');
    if (domain === 'catchall.test') return { code: 250 };
    if (local === 'grey')
      return attempt === 1 ? { code: 451, message: '4.7.1 Greylisted, try again later' } : { code: 250 };
    if (local === 'always-grey') return { code: 451, message: '4.7.1 Greylisted, try again later' };
    if (local === 'blocked') return { code: 550, message: '5.7.1 Client host blocked using Spamhaus' };
    if (local === 'ana' || local === 'ben') return { code: 250 };
    return { code: 550, message: '5.1.1 No such user here' };
  });
});

afterAll(async () => {
  await dns.close();
  await smtp.close();
});

describe('verifyEmail over SMTP', () => {
  it('valid: the server accepts the mailbox and refuses a made-up one', async () => {
    const before = smtp.rcpts.length;
    const verdict = await verifyEmail('ana@Example.test', { providers: access(), signal: signal() });
    expect(verdict).toMatchObject({
      status: 'valid',
      address: 'ana@example.test',
      method: 'smtp',
      mx: 'mx.example.test',
      checked: true,
      disposable: false,
      role: false,
    });
    const asked = smtp.rcpts.slice(before);
    expect(asked[0]).toBe('ana@example.test');
    expect(asked[1]).toMatch(/^rowsmith-check-[0-9a-f]{12}@example\.test$/);
    expect(smtp.senders.at(-1)).toBe(DEFAULT_NETWORK.probeSender);
    expect(smtp.greetings.at(-1)).toBe(DEFAULT_NETWORK.heloName);
    expect(smtp.dataCount).toBe(0);
  });

  it('invalid: 550 no such user', async () => {
    const verdict = await verifyEmail('nobody@example.test', { providers: access(), signal: signal() });
    expect(verdict).toMatchObject({ status: 'invalid', method: 'smtp', checked: true });
    expect(verdict.reason).toMatch(/no such mailbox.*550/);
  });

  it('catch-all: the made-up address is accepted too', async () => {
    const verdict = await verifyEmail('whoever@catchall.test', { providers: access(), signal: signal() });
    expect(verdict).toMatchObject({ status: 'catch_all', checked: true, mx: 'mx.example.test' });
  });

  it('greylisting: 451 first, then 250 after the wait', async () => {
    const started = Date.now();
    const verdict = await verifyEmail('grey@example.test', {
      providers: access(),
      signal: signal(),
      greylistRetryMs: 150,
    });
    expect(verdict).toMatchObject({ status: 'valid', checked: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(smtp.rcpts.filter((r) => r === 'grey@example.test')).toHaveLength(2);
  });

  it('greylisted twice: unknown, said so, free', async () => {
    const verdict = await verifyEmail('always-grey@example.test', {
      providers: access(),
      signal: signal(),
      greylistRetryMs: 20,
    });
    expect(verdict).toMatchObject({ status: 'unknown', checked: false });
    expect(verdict.reason).toMatch(/^greylisted/);
    expect(smtp.rcpts.filter((r) => r === 'always-grey@example.test')).toHaveLength(2);
  });

  it('a 550 about our network (5.7.1 blocklist) is unknown, not invalid', async () => {
    const verdict = await verifyEmail('blocked@example.test', { providers: access(), signal: signal() });
    expect(verdict).toMatchObject({ status: 'unknown', checked: false });
  });

  it('tries the next MX by preference when the first cannot be reached', async () => {
    const verdict = await verifyEmail('ben@backup.test', { providers: access(), signal: signal() });
    expect(verdict).toMatchObject({ status: 'valid', mx: 'mx.example.test' });
  });

  it('a server that never answers: unknown after the timeout', async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const verdict = await verifyEmail('ana@example.test', {
        providers: access({ smtpPort: silent.port, smtpTimeoutMs: 300 }),
        signal: signal(),
      });
      expect(verdict).toMatchObject({ status: 'unknown', checked: false, method: 'smtp' });
      expect(verdict.reason).toMatch(/did not answer within 300 ms/);
      expect(verdict.reason).not.toMatch(/blocked/);
      expect(silent.connections).toBe(1);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await silent.close();
    }
  });

  it('no server reachable on the port at all: says port 25 looks blocked and points to Settings', async () => {
    const port = await closedPort();
    const verdict = await verifyEmail('ana@example.test', {
      providers: access({ smtpPort: port }),
      signal: signal(),
    });
    expect(verdict).toMatchObject({ status: 'unknown', checked: false, mx: null });
    expect(verdict.reason).toMatch(new RegExp(`Outbound port ${port} looks blocked on this network`));
    expect(verdict.reason).toMatch(/Settings → Providers/);
  });

  it('stops at once when the run is stopped', async () => {
    const silent = await startSilentServer();
    try {
      const controller = new AbortController();
      const pending = verifyEmail('ana@example.test', {
        providers: access({ smtpPort: silent.port, smtpTimeoutMs: 10_000 }),
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(new Error('stopped')), 50);
      await expect(pending).rejects.toThrow('stopped');
    } finally {
      await silent.close();
    }
  });
});

describe('verifyEmail DNS answers', () => {
  it('NXDOMAIN: the domain does not exist — invalid', async () => {
    const verdict = await verifyEmail('ana@nowhere.test', { providers: access(), signal: signal() });
    expect(verdict).toMatchObject({ status: 'invalid', method: 'dns', checked: true });
    expect(verdict.reason).toBe('The domain nowhere.test does not exist.');
  });

  it('null MX (RFC 7505): invalid', async () => {
    const verdict = await verifyEmail('ana@nullmx.test', { providers: access(), signal: signal() });
    expect(verdict).toMatchObject({ status: 'invalid', method: 'dns' });
    expect(verdict.reason).toMatch(/null MX, RFC 7505/);
  });

  it('no MX: the domain’s A record is the mail host (RFC 5321 §5.1)', async () => {
    const verdict = await verifyEmail('ana@a-only.test', { providers: access(), signal: signal() });
    expect(verdict).toMatchObject({ status: 'valid', mx: 'a-only.test', method: 'smtp' });
  });

  it('no MX and no address: invalid', async () => {
    const verdict = await verifyEmail('ana@nothing.test', { providers: access(), signal: signal() });
    expect(verdict).toMatchObject({ status: 'invalid', method: 'dns' });
    expect(verdict.reason).toMatch(/no mail server/);
  });

  it('SERVFAIL and a DNS server that never answers: unknown, free', async () => {
    const failed = await verifyEmail('ana@broken.test', { providers: access(), signal: signal() });
    expect(failed).toMatchObject({ status: 'unknown', method: 'dns', checked: false });
    expect(failed.reason).toMatch(/SERVFAIL/);
    const silent = await verifyEmail('ana@silent.test', {
      providers: access({ smtpTimeoutMs: 400 }),
      signal: signal(),
    });
    expect(silent).toMatchObject({ status: 'unknown', method: 'dns', checked: false });
    expect(silent.reason).toMatch(/did not answer in time/);
  });

  it('asked our DNS server, not the system’s', () => {
    expect(dns.queries).toContain('MX example.test');
    expect(dns.queries).toContain('A mx.example.test');
  });
});

describe('verifyEmail before the network', () => {
  it('bad syntax: invalid with the reason, no query sent', async () => {
    const before = dns.queries.length;
    const verdict = await verifyEmail('ana..b@example.test', { providers: access(), signal: signal() });
    expect(verdict).toMatchObject({ status: 'invalid', method: 'syntax', address: null, checked: false });
    expect(verdict.reason).toMatch(/two dots/);
    expect(dns.queries.length).toBe(before);
  });

  it('syntax only: flags, no network', async () => {
    const before = dns.queries.length;
    const verdict = await verifyEmail('  Sales@Mailinator.com ', {
      providers: access(),
      signal: signal(),
      syntaxOnly: true,
    });
    expect(verdict).toMatchObject({
      status: 'valid',
      method: 'syntax',
      address: 'Sales@mailinator.com',
      disposable: true,
      role: true,
      checked: false,
    });
    expect(dns.queries.length).toBe(before);
  });

  it('an unknown method is the user’s typo, said before anything runs', async () => {
    await expect(
      verifyEmail('ana@example.test', { providers: access(), signal: signal(), method: 'zerobunce' }),
    ).rejects.toThrow(/“zerobunce” is not a method/);
  });
});

describe('international addresses and old servers', () => {
  const decide = (address: string) =>
    address.startsWith('josé@') || address.startsWith('ana@')
      ? { code: 250 as const }
      : { code: 550, message: '5.1.1 No such user' };
  let utf8: SmtpFake;
  let plain: SmtpFake;
  let heloOnly: SmtpFake;
  beforeAll(async () => {
    utf8 = await startSmtpFake(decide);
    plain = await startSmtpFake(decide, { noSmtpUtf8: true });
    heloOnly = await startSmtpFake(decide, { heloOnly: true });
  });
  afterAll(async () => {
    await utf8.close();
    await plain.close();
    await heloOnly.close();
  });

  it('a UTF-8 local part is asked with SMTPUTF8 when the server offers it', async () => {
    const verdict = await verifyEmail('josé@example.test', {
      providers: access({ smtpPort: utf8.port }),
      signal: signal(),
    });
    expect(verdict).toMatchObject({ status: 'valid', address: 'josé@example.test', checked: true });
    expect(utf8.rcpts[0]).toBe('josé@example.test');
    expect(utf8.mailParams).toEqual(['SMTPUTF8']);
  });

  it('a server without SMTPUTF8 cannot take mail for it: invalid, said why, never asked', async () => {
    const verdict = await verifyEmail('josé@example.test', {
      providers: access({ smtpPort: plain.port }),
      signal: signal(),
    });
    expect(verdict).toMatchObject({ status: 'invalid', method: 'smtp', checked: true });
    expect(verdict.reason).toMatch(/does not offer SMTPUTF8 \(RFC 6531\)/);
    expect(plain.rcpts).toEqual([]);
    // An ASCII address on the same server is asked as usual, without the parameter.
    const ascii = await verifyEmail('ana@example.test', {
      providers: access({ smtpPort: plain.port }),
      signal: signal(),
    });
    expect(ascii.status).toBe('valid');
    expect(plain.mailParams).toEqual(['']);
  });

  it('a server that refuses EHLO is greeted with HELO and answers as usual', async () => {
    const ok = await verifyEmail('ana@example.test', {
      providers: access({ smtpPort: heloOnly.port }),
      signal: signal(),
    });
    expect(ok).toMatchObject({ status: 'valid', checked: true });
    const no = await verifyEmail('nobody@example.test', {
      providers: access({ smtpPort: heloOnly.port }),
      signal: signal(),
    });
    expect(no.status).toBe('invalid');
    expect(heloOnly.greetings.length).toBeGreaterThan(0);
    // Without EHLO there are no extensions: a UTF-8 address cannot be asked.
    const utf8 = await verifyEmail('josé@example.test', {
      providers: access({ smtpPort: heloOnly.port }),
      signal: signal(),
    });
    expect(utf8.reason).toMatch(/SMTPUTF8/);
  });
});
