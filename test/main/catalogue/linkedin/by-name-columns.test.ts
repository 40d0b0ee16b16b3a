// The two by-name LinkedIn columns end to end: a real app core (SQLite workbook, engine,
// credits) whose providers point at the loopback fakes of Enrich Layer and People Data
// Labs. A company is found by its name (its domain picks the right one), a person by
// full name or first + last with the company as a hint; rows that match nothing are
// not-found and free, equal queries are asked once, and a row Enrich Layer cannot look
// up (no company) is an error cell that says which input to map.
import { columnKey } from '@shared/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

type Out = { key: string; name: string; type: 'text' | 'number' | 'url' | 'json' };

/** A table with text columns `columns` holding `rows`, an enrichment of `actionId` over them, run to the end. */
async function runColumn(
  actionId: string,
  columns: string[],
  rows: string[][],
  inputs: Record<string, string>,
  outputs: Out[],
  options: Record<string, unknown> = {},
) {
  const table = await t.call('tables/create', { name: `Run ${actionId}` });
  const ids: Record<string, number> = {};
  for (const name of columns) {
    const existing = table.columns.find((c) => c.name === name);
    ids[name] = existing?.id ?? (await t.call('columns/add', { tableId: table.id, name, type: 'text' })).id;
  }
  for (const row of rows) {
    const values = Object.fromEntries(
      columns.map((name, i) => [columnKey(ids[name] as number), row[i] ?? '']),
    );
    await t.call('rows/insert', { tableId: table.id, values });
  }
  const enrichment = await t.call('enrichments/add', {
    tableId: table.id,
    name: actionId,
    config: {
      actionId,
      inputs: Object.fromEntries(
        Object.entries(inputs).map(([input, column]) => [input, ids[column] as number]),
      ),
      options,
      outputs,
    },
  });
  const quote = await t.call('enrichments/quote', {
    enrichmentId: enrichment.id,
    scope: { target: { kind: 'all' } },
  });
  const started = await t.call('runs/start', {
    enrichmentId: enrichment.id,
    scope: { target: { kind: 'all' } },
  });
  const run = await t.app.engine.wait(started.id);
  const block = await t.call('rows/block', { view: { tableId: table.id }, start: 0, end: 100 });
  const values = block.rows.map((r) =>
    outputs.map((o) => r.cells[columnKey(enrichment.columns[o.key] as number)]),
  );
  const audits = await Promise.all(
    block.rows.map((r) => t.call('cells/audit', { enrichmentId: enrichment.id, rowId: r.id })),
  );
  return { run, values, audits, price: quote.pricePerRow };
}

const COMPANY_OUT: Out[] = [
  { key: 'name', name: 'Found name', type: 'text' },
  { key: 'linkedinUrl', name: 'LinkedIn', type: 'url' },
  { key: 'employeeCount', name: 'Employees', type: 'number' },
];
const PERSON_OUT: Out[] = [
  { key: 'fullName', name: 'Found name', type: 'text' },
  { key: 'title', name: 'Found title', type: 'text' },
  { key: 'linkedinUrl', name: 'LinkedIn', type: 'url' },
];

describe('Company from name', () => {
  it('Enrich Layer: resolves by name and domain, asks equal queries once, charges only what was found', async () => {
    t.app.providers.setKey('enrichlayer', LINKEDIN_KEYS.enrichlayer);
    const { run, values, audits, price } = await runColumn(
      'company.linkedin.byName',
      ['Company', 'Domain'],
      [
        ['Acme Robotics', ''],
        ['  acme   robotics ', ''],
        ['', 'https://www.acme.example/about'],
        ['Nobody Inc', 'nobody.example'],
        ['', ''],
      ],
      { name: 'Company', domain: 'Domain' },
      COMPANY_OUT,
    );
    expect(price).toBe(2);
    expect(values).toEqual([
      ['Acme Robotics', 'https://www.linkedin.com/company/acme', 120],
      ['Acme Robotics', 'https://www.linkedin.com/company/acme', 120],
      ['Acme Robotics', 'https://www.linkedin.com/company/acme', 120],
      [null, null, null],
      [null, null, null],
    ]);
    const resolves = fake.calls.filter((c) => c.path === '/api/v2/company/resolve');
    // "Acme Robotics" and "  acme   robotics " are one query; the domain row and Nobody are two more.
    expect(resolves).toHaveLength(3);
    expect(resolves[1]?.query.get('company_domain')).toBe('acme.example');
    expect(run).toMatchObject({ status: 'done', done: 3, notFound: 2, errors: 0, credits: 2 * price });
    expect(audits.map((a) => [a?.status, a?.credits, a?.cached])).toEqual([
      ['done', price, false],
      ['done', 0, true],
      ['done', price, false],
      ['not_found', 0, false],
      ['not_found', 0, false],
    ]);
  });

  it('People Data Labs, when chosen: the same company from its name', async () => {
    t.app.providers.setKey('peopledatalabs', LINKEDIN_KEYS.peopledatalabs);
    const { run, values } = await runColumn(
      'company.linkedin.byName',
      ['Company'],
      [['Acme Robotics'], ['Nobody Inc']],
      { name: 'Company' },
      COMPANY_OUT,
      { provider: 'peopledatalabs' },
    );
    expect(values[0]?.[0]).toMatch(/acme robotics/i);
    expect(values[0]?.[1]).toBe('https://www.linkedin.com/company/acme');
    expect(values[1]).toEqual([null, null, null]);
    expect(run).toMatchObject({ done: 1, notFound: 1, errors: 0 });
    expect(fake.calls.filter((c) => c.path === '/v5/company/enrich')).toHaveLength(2);
  });
});

describe('Person from name', () => {
  it('Enrich Layer: first + last name with the company as a hint; no company is an error that says what to map', async () => {
    t.app.providers.setKey('enrichlayer', LINKEDIN_KEYS.enrichlayer);
    const { run, values, audits } = await runColumn(
      'person.linkedin.byName',
      ['First', 'Last', 'Company'],
      [
        ['Jane', 'Doe', 'acme.example'],
        ['John', 'Smith', 'acme.example'],
        ['Jane', 'Doe', ''],
      ],
      { firstName: 'First', lastName: 'Last', company: 'Company' },
      PERSON_OUT,
    );
    expect(values[0]).toEqual([
      'Jane Doe',
      expect.stringMatching(/CTO/),
      'https://www.linkedin.com/in/jane-doe',
    ]);
    expect(values[1]).toEqual([null, null, null]);
    expect(values[2]).toEqual([null, null, null]);
    expect(run).toMatchObject({ done: 1, notFound: 1, errors: 1, credits: 2 });
    const resolve = fake.calls.find((c) => c.path === '/api/v2/profile/resolve');
    expect(resolve?.query.get('first_name')).toBe('Jane');
    expect(resolve?.query.get('last_name')).toBe('Doe');
    expect(resolve?.query.get('company_domain')).toBe('acme.example');
    expect(audits[2]?.status).toBe('error');
    expect(audits[2]?.error).toMatch(/no company \(map the Company input\)/);
  });

  it('People Data Labs: a full name alone is enough', async () => {
    t.app.providers.setKey('peopledatalabs', LINKEDIN_KEYS.peopledatalabs);
    const { run, values } = await runColumn(
      'person.linkedin.byName',
      ['Full name'],
      [['Jane Doe'], ['Nobody Special']],
      { fullName: 'Full name' },
      PERSON_OUT,
      { provider: 'peopledatalabs' },
    );
    expect(String(values[0]?.[0])).toMatch(/jane doe/i);
    expect(values[0]?.[2]).toBe('https://www.linkedin.com/in/jane-doe');
    expect(values[1]).toEqual([null, null, null]);
    expect(run).toMatchObject({ done: 1, notFound: 1, errors: 0 });
  });

  it('says what to map when neither a full name nor first and last name columns are mapped, and asks nobody', async () => {
    t.app.providers.setKey('peopledatalabs', LINKEDIN_KEYS.peopledatalabs);
    const { run, audits } = await runColumn(
      'person.linkedin.byName',
      ['First', 'Company'],
      [['Jane', 'acme.example']],
      { firstName: 'First', company: 'Company' },
      PERSON_OUT,
      { provider: 'peopledatalabs' },
    );
    expect(run).toMatchObject({ done: 0, errors: 1, credits: 0 });
    expect(audits[0]?.error).toMatch(/needs a Full name column, or First name and Last name columns/);
    expect(fake.calls.filter((c) => c.path === '/v5/person/enrich')).toHaveLength(0);
  });
});
