// LinkedIn columns end to end: a real app core (SQLite workbook, engine, credits) whose
// providers point at the loopback fake; keys set through app.providers. Checks the
// values written, that only rows with a finding are charged, that equal URLs are asked
// once, and that refusals and bad URLs become error cells with their reason.
import { columnKey } from '@shared/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actionDefinition } from '../../../../src/main/engine/actions';
import { DEFAULT_PRICES } from '../../../../src/server/prices';
import { LINKEDIN_KEYS, type LinkedInFake, startLinkedInFake } from '../../../fakes/linkedin-providers';
import { startTestApp, type TestApp } from '../../../helpers/app';

let fake: LinkedInFake;
let t: TestApp;
beforeEach(async () => {
  fake = await startLinkedInFake();
  t = await startTestApp({ providers: { baseUrls: fake.baseUrls } });
});
afterEach(async () => {
  await t.close();
  await fake.close();
});

/** A table with one URL column holding `urls`, a column running `actionId` on it, run to the end. */
async function runColumn(
  actionId: string,
  urls: string[],
  outputs: { key: string; name: string; type: 'text' | 'number' | 'url' | 'json' }[],
  options: Record<string, unknown> = {},
) {
  const table = await t.call('tables/create', { name: `Run ${actionId}` });
  const url = await t.call('columns/add', { tableId: table.id, name: 'LinkedIn', type: 'url' });
  for (const u of urls)
    await t.call('rows/insert', { tableId: table.id, values: { [columnKey(url.id)]: u } });
  const enrichment = await t.call('enrichments/add', {
    tableId: table.id,
    name: actionId,
    config: { actionId, inputs: { linkedinUrl: url.id }, options, outputs },
  });
  // The credit source decides prices (the local ledger here charges 1 for these ids).
  const { pricePerRow: price } = await t.call('enrichments/quote', {
    enrichmentId: enrichment.id,
    scope: { target: { kind: 'all' } },
  });
  const started = await t.call('runs/start', {
    enrichmentId: enrichment.id,
    scope: { target: { kind: 'all' } },
  });
  const run = await t.app.engine.wait(started.id);
  const { rows } = await t.call('rows/block', { view: { tableId: table.id }, start: 0, end: 100 });
  const values = rows.map((r) => outputs.map((o) => r.cells[columnKey(enrichment.columns[o.key] as number)]));
  const audits = await Promise.all(
    rows.map((r) => t.call('cells/audit', { enrichmentId: enrichment.id, rowId: r.id })),
  );
  return { run, values, audits, price };
}

describe('LinkedIn columns', () => {
  it('declare the server default prices and their providers', () => {
    for (const id of [
      'company.linkedin.byUrl',
      'company.linkedin.byName',
      'person.linkedin.byUrl',
      'person.linkedin.byName',
      'company.jobs',
      'company.peoplePerCountry',
    ]) {
      expect(actionDefinition(id).info.price).toBe(DEFAULT_PRICES[id]);
    }
    expect(actionDefinition('company.linkedin.byUrl').info.providers).toEqual([
      'enrichlayer',
      'peopledatalabs',
      'linkedin-public',
    ]);
    expect(actionDefinition('company.peoplePerCountry').info.providers).toEqual(['peopledatalabs', 'blitz']);
    expect(actionDefinition('company.jobs').info.providers).toEqual(['enrichlayer', 'peopledatalabs']);
  });

  it('Company from LinkedIn URL: fills found companies, asks equal URLs once, charges only what was found', async () => {
    t.app.providers.setKey('enrichlayer', LINKEDIN_KEYS.enrichlayer);
    const { run, values, audits, price } = await runColumn(
      'company.linkedin.byUrl',
      [
        'https://www.linkedin.com/company/acme',
        'de.linkedin.com/company/Acme/about/',
        'https://www.linkedin.com/company/initech',
        'https://acme.example/about',
        '',
      ],
      [
        { key: 'name', name: 'Name', type: 'text' },
        { key: 'employeeCount', name: 'Employees', type: 'number' },
        { key: 'headquarters', name: 'HQ', type: 'text' },
      ],
    );
    expect(values).toEqual([
      ['Acme Robotics', 120, 'Berlin, Berlin, DE'],
      ['Acme Robotics', 120, 'Berlin, Berlin, DE'],
      [null, null, null],
      [null, null, null],
      [null, null, null],
    ]);
    expect(run).toMatchObject({ status: 'done', done: 2, notFound: 2, errors: 1, credits: price });
    expect(fake.calls.filter((c) => c.path === '/api/v2/company')).toHaveLength(2); // acme once, initech once
    expect(audits.map((a) => [a?.status, a?.provider, a?.credits, a?.cached])).toEqual([
      ['done', 'enrichlayer', price, false],
      ['done', 'enrichlayer', 0, true],
      ['not_found', 'enrichlayer', 0, false],
      ['error', expect.anything(), 0, false],
      ['not_found', 'enrichlayer', 0, false],
    ]);
    expect(audits[3]?.error).toMatch(/is not a LinkedIn URL/);
  });

  it('People per country through People Data Labs: the map, the top country and the total', async () => {
    t.app.providers.setKey('peopledatalabs', LINKEDIN_KEYS.peopledatalabs);
    const { run, values, price } = await runColumn(
      'company.peoplePerCountry',
      ['linkedin.com/company/acme', 'linkedin.com/company/initech'],
      [
        { key: 'countries', name: 'Countries', type: 'json' },
        { key: 'topCountry', name: 'Top country', type: 'text' },
        { key: 'total', name: 'Total', type: 'number' },
      ],
      { provider: 'peopledatalabs' },
    );
    expect(run).toMatchObject({ done: 1, notFound: 1, errors: 0, credits: price });
    expect(JSON.parse(String(values[0]?.[0]))).toEqual({ DE: 80, US: 30, GB: 6, unknown: 2 });
    expect(values[0]?.slice(1)).toEqual(['DE', 118]);
    expect(values[1]).toEqual([null, null, null]);
  });

  it('Company jobs: the list as JSON and the count', async () => {
    t.app.providers.setKey('enrichlayer', LINKEDIN_KEYS.enrichlayer);
    const { run, values, price } = await runColumn(
      'company.jobs',
      ['linkedin.com/company/acme'],
      [
        { key: 'jobs', name: 'Jobs', type: 'json' },
        { key: 'count', name: 'Open jobs', type: 'number' },
      ],
      { maxJobs: 2 },
    );
    expect(run).toMatchObject({ done: 1, credits: price });
    expect(JSON.parse(String(values[0]?.[0]))).toEqual([
      {
        title: 'Robotics Engineer',
        location: 'Berlin, Germany',
        postedAt: '2026-11-20',
        url: expect.any(String),
      },
      {
        title: 'Sales Manager',
        location: 'Munich, Germany',
        postedAt: '2026-11-18',
        url: expect.any(String),
      },
    ]);
    expect(values[0]?.[1]).toBe(2);
  });

  it('Person from LinkedIn URL without any key reads the public page, and says when LinkedIn refuses', async () => {
    const { run, values, audits, price } = await runColumn(
      'person.linkedin.byUrl',
      ['https://de.linkedin.com/in/jane-doe/', 'linkedin.com/in/blocked', 'linkedin.com/company/acme'],
      [
        { key: 'fullName', name: 'Name', type: 'text' },
        { key: 'title', name: 'Title', type: 'text' },
        { key: 'country', name: 'Country', type: 'text' },
      ],
    );
    expect(values[0]).toEqual(['Jane Doe', 'CTO', 'DE']);
    expect(values.slice(1)).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
    expect(run).toMatchObject({ done: 1, errors: 2, credits: price });
    expect(audits[0]?.provider).toBe('linkedin-public');
    expect(audits[1]?.error).toBe(
      'LinkedIn refused the public page (HTTP 999: it blocks automated reads); set a LinkedIn data provider key in Settings → Providers.',
    );
    expect(audits[2]?.error).toMatch(/company page; this column needs a person's profile/);
  });

  it('refuses an option naming a provider that cannot answer', async () => {
    const table = await t.call('tables/create', { name: 'T' });
    const url = await t.call('columns/add', { tableId: table.id, name: 'LinkedIn', type: 'url' });
    await expect(
      t.call('enrichments/add', {
        tableId: table.id,
        name: 'Jobs',
        config: {
          actionId: 'company.jobs',
          inputs: { linkedinUrl: url.id },
          options: { provider: 'blitz' },
          outputs: [{ key: 'count', name: 'Count', type: 'number' }],
        },
      }),
    ).rejects.toThrow(/“blitz” cannot answer this; choose one of enrichlayer, peopledatalabs/);
  });
});
