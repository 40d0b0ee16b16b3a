// "Find email" and "Find phone and email" as columns of a real app (real SQLite, the
// engine, the credit ledger) against the loopback fake: values written, the answering
// provider in the audit, credits only for rows found; options checked when added.
import { columnKey } from '@shared/model';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_EMAIL, FAKE_PHONE, type FinderFake, startFinderFake } from '../../../fakes/finder-providers';
import { startTestApp, type TestApp } from '../../../helpers/app';

let fake: FinderFake;
let t: TestApp;
beforeAll(async () => {
  fake = await startFinderFake();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  fake.reset();
  await t.close();
});

async function peopleTable(rows: [string, string, string][]) {
  const table = await t.call('tables/create', { name: 'People' });
  const name = table.columns[0]?.id as number;
  const domain = await t.call('columns/add', { tableId: table.id, name: 'Website', type: 'url' });
  const linkedin = await t.call('columns/add', { tableId: table.id, name: 'LinkedIn', type: 'url' });
  for (const [n, d, l] of rows) {
    await t.call('rows/insert', {
      tableId: table.id,
      values: { [columnKey(name)]: n, [columnKey(domain.id)]: d, [columnKey(linkedin.id)]: l },
    });
  }
  return { table, name, domain, linkedin };
}

describe('Find email', () => {
  it('writes the address and the provider that found it, charging found rows only', async () => {
    t = await startTestApp({ providers: { baseUrls: fake.baseUrls } });
    t.app.providers.setKey('findymail', 'fm-key');
    t.app.providers.setKey('leadmagic', 'lm-key');
    fake.set('findymail', 'not_found');
    fake.set('leadmagic', 'hit');
    const { table, name, domain } = await peopleTable([
      ['Ada Lovelace', 'https://www.analytical.io/about', ''],
      ['Charles Babbage', 'nowhere.example', ''],
      ['Nameless', '', ''],
    ]);
    const enrichment = await t.call('enrichments/add', {
      tableId: table.id,
      name: 'Email',
      config: {
        actionId: 'person.email.find',
        inputs: { fullName: name, domain: domain.id },
        options: { providers: ['hunter', 'findymail', 'leadmagic'] },
        outputs: [
          { key: 'email', name: 'Email', type: 'email' },
          { key: 'provider', name: 'Found by', type: 'text' },
          { key: 'confidence', name: 'Confidence', type: 'number' },
        ],
      },
    });
    const scope = { target: { kind: 'all' as const } };
    const { pricePerRow } = await t.call('enrichments/quote', { enrichmentId: enrichment.id, scope });
    const started = await t.call('runs/start', { enrichmentId: enrichment.id, scope });
    const run = await t.app.engine.wait(started.id);
    // the row without a company domain is "not found" without asking anyone, and free
    expect(run).toMatchObject({ status: 'done', done: 2, notFound: 1, credits: 2 * pricePerRow });
    const { rows } = await t.call('rows/block', { view: { tableId: table.id }, start: 0, end: 10 });
    const col = (key: string) => columnKey(enrichment.columns[key] as number);
    expect(
      rows.map((r) => [r.cells[col('email')], r.cells[col('provider')], r.cells[col('confidence')]]),
    ).toEqual([
      [FAKE_EMAIL, 'leadmagic', 95],
      [FAKE_EMAIL, 'leadmagic', 95],
      [null, null, null],
    ]);
    const audit = await t.call('cells/audit', { enrichmentId: enrichment.id, rowId: rows[0]?.id as number });
    expect(audit?.provider).toBe('leadmagic');
    const trail = JSON.parse(audit?.raw ?? '{}').trail as { provider: string; result: string }[];
    expect(trail.map((s) => [s.provider, s.result.split(' ')[0]])).toEqual([
      ['hunter', 'no'],
      ['findymail', 'not'],
      ['leadmagic', FAKE_EMAIL],
    ]);
    expect(audit?.raw).not.toMatch(/fm-key|lm-key/);
    // the domain reached the provider bare, from the website URL
    expect(JSON.parse(fake.calls('leadmagic')[0]?.body ?? '{}')).toMatchObject({
      first_name: 'Ada',
      last_name: 'Lovelace',
      domain: 'analytical.io',
    });
  });

  it('leaves a row failed, uncharged and retryable when no provider answered', async () => {
    t = await startTestApp({ providers: { baseUrls: fake.baseUrls } });
    t.app.providers.setKey('hunter', 'bad');
    fake.set('hunter', 'unauthorized');
    const { table, name, domain } = await peopleTable([['Ada Lovelace', 'analytical.io', '']]);
    const enrichment = await t.call('enrichments/add', {
      tableId: table.id,
      name: 'Email',
      config: {
        actionId: 'person.email.find',
        inputs: { fullName: name, domain: domain.id },
        options: { providers: ['hunter'] },
        outputs: [{ key: 'email', name: 'Email', type: 'email' }],
      },
    });
    const started = await t.call('runs/start', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    expect(await t.app.engine.wait(started.id)).toMatchObject({ errors: 1, credits: 0 });
    const { rows } = await t.call('rows/block', { view: { tableId: table.id }, start: 0, end: 10 });
    const audit = await t.call('cells/audit', { enrichmentId: enrichment.id, rowId: rows[0]?.id as number });
    expect(audit?.status).toBe('error');
    expect(audit?.error).toMatch(/No provider found anything and 1 failed: Hunter refused the API key/);
    expect(audit?.error).not.toContain('bad');
  });

  it('refuses unknown providers and unusable input mappings when the column is added', async () => {
    t = await startTestApp({ providers: { baseUrls: fake.baseUrls } });
    const { table, name, domain } = await peopleTable([]);
    const add = (inputs: Record<string, number>, options: Record<string, unknown>) =>
      t.call('enrichments/add', {
        tableId: table.id,
        name: 'Email',
        config: {
          actionId: 'person.email.find',
          inputs,
          options,
          outputs: [{ key: 'email', name: 'Email', type: 'email' }],
        },
      });
    await expect(
      add({ fullName: name, domain: domain.id }, { providers: ['hunter', 'hunterr'] }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/unknown provider “hunterr”/),
    });
    await expect(add({ fullName: name }, {})).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(add({ fullName: name, domain: domain.id }, { minConfidence: 140 })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});

describe('Find phone and email', () => {
  it('takes each field from the first provider that had it, charged once per person', async () => {
    t = await startTestApp({ providers: { baseUrls: fake.baseUrls } });
    t.app.providers.setKey('prospeo', 'p');
    t.app.providers.setKey('kaspr', 'k');
    fake.set('prospeo', 'hit', { phone: '' }); // email only from Prospeo
    fake.set('kaspr', 'hit', { email: 'other@analytical.io' });
    const { table, name, linkedin } = await peopleTable([
      ['Ada Lovelace', '', 'https://linkedin.com/in/ada-lovelace'],
    ]);
    const enrichment = await t.call('enrichments/add', {
      tableId: table.id,
      name: 'Contact',
      config: {
        actionId: 'person.phoneEmail.find',
        inputs: { fullName: name, linkedinUrl: linkedin.id },
        options: { providers: ['prospeo', 'kaspr'] },
        outputs: [
          { key: 'email', name: 'Email', type: 'email' },
          { key: 'phone', name: 'Phone', type: 'phone' },
          { key: 'provider', name: 'Found by', type: 'text' },
        ],
      },
    });
    const scope = { target: { kind: 'all' as const } };
    const { pricePerRow } = await t.call('enrichments/quote', { enrichmentId: enrichment.id, scope });
    const started = await t.call('runs/start', { enrichmentId: enrichment.id, scope });
    // two providers asked, one charge
    expect(await t.app.engine.wait(started.id)).toMatchObject({ done: 1, credits: pricePerRow });
    const { rows } = await t.call('rows/block', { view: { tableId: table.id }, start: 0, end: 10 });
    const col = (key: string) => columnKey(enrichment.columns[key] as number);
    expect([
      rows[0]?.cells[col('email')],
      rows[0]?.cells[col('phone')],
      rows[0]?.cells[col('provider')],
    ]).toEqual([FAKE_EMAIL, FAKE_PHONE, 'prospeo + kaspr']);
  });
});
