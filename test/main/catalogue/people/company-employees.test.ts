// "Add contacts from LinkedIn": a company's people become linked Contacts rows through
// the engine — filtered, deduplicated by LinkedIn URL, charged per contact actually
// added (the quote reserves the most), against the loopback LinkedIn providers.
import { columnKey, type TableInfo } from '@shared/model';
import { afterEach, describe, expect, it } from 'vitest';
import { LINKEDIN_KEYS, type LinkedInFake, startLinkedInFake } from '../../../fakes/linkedin-providers';
import { startTestApp, type TestApp } from '../../../helpers/app';

describe('Add contacts from LinkedIn', () => {
  let t: TestApp;
  let fake: LinkedInFake;
  afterEach(async () => {
    await t.close();
    await fake.close();
  });

  async function setup() {
    fake = await startLinkedInFake();
    t = await startTestApp({ providers: { baseUrls: fake.baseUrls } });
    t.app.localLedger.setAllowance(1_000);
    t.app.providers.setKey('enrichlayer', LINKEDIN_KEYS.enrichlayer);
    const tables = await t.call('tables/list', {});
    const companies = tables.find((x) => x.kind === 'companies') as TableInfo;
    const contacts = tables.find((x) => x.kind === 'contacts') as TableInfo;
    const url = companies.columns.find((c) => c.name === 'LinkedIn URL')?.id as number;
    const name = companies.columns.find((c) => c.name === 'Name')?.id as number;
    const acme = await t.call('rows/insert', {
      tableId: companies.id,
      values: { [columnKey(name)]: 'Acme', [columnKey(url)]: 'https://de.linkedin.com/company/acme/about/' },
    });
    const nobody = await t.call('rows/insert', {
      tableId: companies.id,
      values: {
        [columnKey(name)]: 'Nobody',
        [columnKey(url)]: 'https://www.linkedin.com/company/nobody-inc',
      },
    });
    return { companies, contacts, url, acme: acme.row.id, nobody: nobody.row.id };
  }

  async function contactRows(tableId: number) {
    const table = await t.call('tables/get', { tableId });
    const { rows } = await t.call('rows/block', { view: { tableId }, start: 0, end: 100 });
    const col = (n: string) => columnKey(table.columns.find((c) => c.name === n)?.id as number);
    return rows.map((r) => ({
      first: r.cells[col('First Name')],
      title: r.cells[col('Title')],
      url: r.cells[col('LinkedIn URL')],
      country: r.cells[col('Country')],
      seniority: r.cells[col('Seniority')],
      company: r.cells[col('Company')],
    }));
  }

  it('adds the people as linked contacts, charging per contact added, never twice', async () => {
    const { companies, contacts, url, acme } = await setup();
    // Jane is in Contacts already: she is not added again and not charged.
    const contactUrl = contacts.columns.find((c) => c.name === 'LinkedIn URL')?.id as number;
    await t.call('rows/insert', {
      tableId: contacts.id,
      values: { [columnKey(contactUrl)]: 'https://www.linkedin.com/in/jane-doe' },
    });
    const enrichment = await t.call('enrichments/add', {
      tableId: companies.id,
      name: 'People',
      config: {
        actionId: 'company.employees',
        inputs: { companyUrl: url },
        options: { maxCount: 10 },
        outputs: [{ key: 'added', name: 'Contacts added', type: 'number' }],
      },
    });
    const quote = await t.call('enrichments/quote', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    expect(quote).toMatchObject({ rows: 2, pricePerRow: 10, maxCredits: 20 });
    const before = t.app.credits.status().remaining;
    const started = await t.call('runs/start', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    const run = await t.app.engine.wait(started.id);
    expect(run).toMatchObject({ status: 'done', done: 1, notFound: 1, credits: 2 });
    expect(before - t.app.credits.status().remaining).toBe(2);
    const added = (await contactRows(contacts.id)).slice(1);
    expect(added.map((r) => r.url).sort()).toEqual([
      'https://www.linkedin.com/in/max-muster',
      'https://www.linkedin.com/in/sam-lee',
    ]);
    expect(added.every((r) => r.company === acme)).toBe(true);
    expect(added.find((r) => r.first === 'Max')).toMatchObject({
      title: 'Sales Director',
      country: 'DE',
      seniority: 'director',
    });
    const { rows } = await t.call('rows/block', { view: { tableId: companies.id }, start: 0, end: 10 });
    expect(rows[0]?.cells[columnKey(enrichment.columns.added as number)]).toBe(2);
    const audit = await t.call('cells/audit', { enrichmentId: enrichment.id, rowId: acme });
    expect(audit).toMatchObject({ status: 'done', credits: 2, provider: 'enrichlayer' });

    // Forced again: the provider answers the same people, all already in Contacts: free.
    const again = await t.call('runs/start', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'rows', rowIds: [acme] }, force: true },
    });
    expect(await t.app.engine.wait(again.id)).toMatchObject({ credits: 0 });
    expect((await contactRows(contacts.id)).length).toBe(3);
  });

  it('filters by title keywords, country and seniority', async () => {
    const { companies, contacts, url } = await setup();
    const enrichment = await t.call('enrichments/add', {
      tableId: companies.id,
      name: 'Sales people',
      config: {
        actionId: 'company.employees',
        inputs: { companyUrl: url },
        options: { titleKeywords: 'sales', country: 'de', seniority: ['director'], maxCount: 5 },
        outputs: [{ key: 'added', name: 'Contacts added', type: 'number' }],
      },
    });
    const started = await t.call('runs/start', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    expect(await t.app.engine.wait(started.id)).toMatchObject({ credits: 1 });
    expect((await contactRows(contacts.id)).map((r) => r.first)).toEqual(['Max']);
    const sent = fake.calls.find((c) => c.path === '/api/v2/company/employees/');
    expect(sent?.query.get('country')).toBe('de');
    expect(sent?.query.get('boolean_role_search')).toBe('"sales"');
  });

  it('refuses options that cannot work', async () => {
    const { companies, url } = await setup();
    const add = (options: Record<string, unknown>) =>
      t.call('enrichments/add', {
        tableId: companies.id,
        name: 'x',
        config: {
          actionId: 'company.employees',
          inputs: { companyUrl: url },
          options,
          outputs: [{ key: 'added', name: 'Added', type: 'number' }],
        },
      });
    await expect(add({ maxCount: 0 })).rejects.toThrow(/between 1 and 100/);
    await expect(add({ seniority: ['wizard'] })).rejects.toThrow(/not a seniority/);
    await expect(add({ country: 'Germany' })).rejects.toThrow(/two-letter/);
    await expect(add({ provider: 'hunter' })).rejects.toThrow(/cannot answer this; choose one of/);
  });
});
