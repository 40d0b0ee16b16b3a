// "Verify email" as a column in a run and on the command line: verdicts from a real SMTP
// server and DNS server on loopback, charged per check performed — a verdict the network
// gave costs one credit; bad syntax, an empty cell, "unknown" and cache hits cost nothing.
import { columnKey } from '@shared/model';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../src/cli/main';
import { startTestApp, type TestApp } from '../../../helpers/app';
import { tempDir } from '../../../helpers/temp';
import { type DnsFake, startDnsFake } from './fake-dns';
import { type SmtpFake, startSmtpFake } from './fake-smtp';

let dns: DnsFake;
let smtp: SmtpFake;

beforeAll(async () => {
  dns = await startDnsFake({
    'example.test': { mx: [{ preference: 10, exchange: 'mx.example.test' }] },
    'mx.example.test': { a: ['127.0.0.1'] },
    'catchall.test': { mx: [{ preference: 10, exchange: 'mx.example.test' }] },
  });
  smtp = await startSmtpFake((address) => {
    const [local, domain] = address.split('@');
    if (domain === 'catchall.test' || local === 'ana' || local === 'info') return { code: 250 };
    if (local === 'grey') return { code: 451, message: '4.7.1 Greylisted, try again later' };
    return { code: 550, message: '5.1.1 No such user here' };
  });
});

afterAll(async () => {
  await dns.close();
  await smtp.close();
});

describe('a Verify email column', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('charges the checks the network answered, and nothing else', async () => {
    t = await startTestApp({
      providers: { network: { dnsServers: [dns.server], smtpPort: smtp.port, smtpTimeoutMs: 2_000 } },
    });
    const table = await t.call('tables/create', { name: 'People' });
    const email = await t.call('columns/add', { tableId: table.id, name: 'Email', type: 'text' });
    const addresses = [
      'ana@example.test', // valid: 1
      'nobody@example.test', // invalid (550): 1
      'someone@catchall.test', // catch-all: 1
      'ana..b@example.test', // bad syntax: 0
      '', // empty: not found
      'grey@example.test', // greylisted twice: unknown, 0
      'ana@EXAMPLE.test', // the same question as the first row: asked once, free
      'info@example.test', // valid, a role address: 1
    ];
    for (const value of addresses) {
      await t.call('rows/insert', { tableId: table.id, values: { [columnKey(email.id)]: value } });
    }
    const outputs = [
      { key: 'status', name: 'Email status', type: 'text' as const },
      { key: 'reason', name: 'Email check', type: 'text' as const },
      { key: 'role', name: 'Role', type: 'boolean' as const },
      { key: 'method', name: 'Checked by', type: 'text' as const },
    ];
    const enrichment = await t.call('enrichments/add', {
      tableId: table.id,
      name: 'Email check',
      config: {
        actionId: 'email.verify',
        inputs: { email: email.id },
        options: { greylistRetryMs: 10 },
        outputs,
      },
    });
    const started = await t.call('runs/start', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    const run = await t.app.engine.wait(started.id);
    expect(run).toMatchObject({ status: 'done', done: 7, notFound: 1, errors: 0, credits: 4 });
    expect(smtp.dataCount).toBe(0);

    const { rows } = await t.call('rows/block', { view: { tableId: table.id }, start: 0, end: 20 });
    const col = (key: string) => columnKey(enrichment.columns[key] as number);
    expect(rows.map((r) => [r.cells[col('status')], r.cells[col('role')], r.cells[col('method')]])).toEqual([
      ['valid', false, 'smtp'],
      ['invalid', false, 'smtp'],
      ['catch_all', false, 'smtp'],
      ['invalid', false, 'syntax'],
      [null, null, null],
      ['unknown', false, 'smtp'],
      ['valid', false, 'smtp'],
      ['valid', true, 'smtp'],
    ]);
    expect(String(rows[3]?.cells[col('reason')])).toMatch(/two dots in a row/);
    expect(String(rows[5]?.cells[col('reason')])).toMatch(/^greylisted/);

    const audit = (row: number) =>
      t.call('cells/audit', { enrichmentId: enrichment.id, rowId: rows[row]?.id as number });
    expect(await audit(0)).toMatchObject({ credits: 1, provider: 'smtp' });
    expect(await audit(3)).toMatchObject({ credits: 0 });
    expect(await audit(5)).toMatchObject({ credits: 0 });

    // A second column asking the same questions is answered from the cache, free; only
    // the unknown (greylisted) address is asked again, since its answer is not kept.
    const again = await t.call('enrichments/add', {
      tableId: table.id,
      name: 'Email check again',
      config: {
        actionId: 'email.verify',
        inputs: { email: email.id },
        options: {},
        outputs: [{ key: 'status', name: 'Status 2', type: 'text' }],
      },
    });
    const rcptsBefore = smtp.rcpts.length;
    const second = await t.app.engine.wait(
      (await t.call('runs/start', { enrichmentId: again.id, scope: { target: { kind: 'all' } } })).id,
    );
    expect(second).toMatchObject({ status: 'done', credits: 0 });
    expect(second.cached).toBeGreaterThanOrEqual(5);
    const asked = smtp.rcpts.slice(rcptsBefore);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((a) => a === 'grey@example.test')).toBe(true);
  });

  it('refuses an unknown method when the column is added', async () => {
    t = await startTestApp();
    const table = await t.call('tables/create', { name: 'People' });
    const email = await t.call('columns/add', { tableId: table.id, name: 'Email', type: 'text' });
    await expect(
      t.call('enrichments/add', {
        tableId: table.id,
        name: 'Email check',
        config: {
          actionId: 'email.verify',
          inputs: { email: email.id },
          options: { method: 'mailgun' },
          outputs: [{ key: 'status', name: 'Email status', type: 'text' }],
        },
      }),
    ).rejects.toThrow(/“mailgun” is not a method/);
  });
});

describe('rowsmith verify-email', () => {
  let out = '';
  let err = '';
  const env = { ...process.env };
  const userData = tempDir();
  beforeAll(() => {
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      err += String(chunk);
      return true;
    });
  });
  afterAll(() => {
    vi.restoreAllMocks();
    process.env = env;
    userData.cleanup();
  });

  it('prints the verdict as JSON, exit 0 whatever the verdict; 2 for bad usage', async () => {
    // a user data folder of its own: no secret store there, so 'auto' falls to SMTP
    process.env.ROWSMITH_USER_DATA = userData.path;
    process.env.ROWSMITH_DNS_SERVERS = dns.server;
    process.env.ROWSMITH_SMTP_PORT = String(smtp.port);
    out = '';
    expect(await main(['verify-email', 'ana@example.test'])).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      status: 'valid',
      reason: expect.stringMatching(/accepts mail/),
      details: {
        address: 'ana@example.test',
        method: 'smtp',
        mx: 'mx.example.test',
        disposable: false,
        role: false,
      },
    });
    out = '';
    expect(await main(['verify-email', 'nobody@example.test', '--method', 'smtp'])).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ status: 'invalid' });
    out = '';
    expect(await main(['verify-email', 'Sales@mailinator.com', '--syntax-only'])).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      status: 'valid',
      details: { method: 'syntax', disposable: true, role: true },
    });
    out = '';
    expect(await main(['verify-email', 'not an address', '--syntax-only'])).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ status: 'invalid', details: { method: 'syntax' } });
    err = '';
    expect(await main(['verify-email'])).toBe(2);
    expect(err).toMatch(/verify-email needs the address to check/);
    err = '';
    expect(await main(['verify-email', 'ana@example.test', '--method', 'carrier-pigeon'])).toBe(2);
    expect(err).toMatch(/“carrier-pigeon” is not a method/);
  });
});
