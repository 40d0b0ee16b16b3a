// "Import from LinkedIn": a people search URL becomes Contacts rows through Pronto, and a
// Sales Navigator account search becomes Companies rows through InfoPlug, both on
// loopback — quoted first, charged per new row only, duplicates skipped, contacts linked
// to companies already in the workbook, what arrived kept when a search fails.

import { parseSearchUrl } from '@shared/linkedin-import';
import { columnKey } from '@shared/model';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeCompanies, type InfoPlugFake, startInfoPlugFake } from '../../../fakes/infoplug';
import { type FakeLead, type ProntoFake, startProntoFake } from '../../../fakes/pronto';
import { startTestApp, type TestApp } from '../../../helpers/app';

const SEARCH =
  'https://www.linkedin.com/sales/search/people?query=(filters:List((type:CURRENT_TITLE,values:List((text:CTO)))))';

const people = (n: number, offset = 0): FakeLead[] =>
  Array.from({ length: n }, (_, i) => ({
    first_name: `First${i + offset}`,
    last_name: `Last${i + offset}`,
    title: 'CTO',
    linkedin_profile_url: `https://www.linkedin.com/in/person-${i + offset}/`,
    company: {
      name: 'Acme',
      website: 'https://acme.example',
      linkedin_url: 'https://www.linkedin.com/company/acme',
    },
  }));

describe('parseSearchUrl', () => {
  it('takes people searches and lists, and says what is wrong with anything else', () => {
    expect(parseSearchUrl('linkedin.com/search/results/people/?keywords=cto').kind).toBe('people');
    expect(parseSearchUrl('https://de.linkedin.com/sales/lists/people/7000?sortCriteria=NAME').kind).toBe(
      'people',
    );
    expect(parseSearchUrl('https://www.linkedin.com/sales/search/company?query=x').kind).toBe('companies');
    expect(() => parseSearchUrl('https://example.com/search/results/people')).toThrow(/not LinkedIn/);
    expect(() => parseSearchUrl('https://www.linkedin.com/in/someone')).toThrow(/not a search/);
    expect(() => parseSearchUrl('::')).toThrow(/Paste a LinkedIn search URL/);
  });
});

describe('Import from LinkedIn', () => {
  let t: TestApp;
  let pronto: ProntoFake;
  afterEach(async () => {
    await t.close();
    await pronto.close();
  });

  async function setup(leads: FakeLead[], perPoll = 2) {
    pronto = await startProntoFake({ key: 'pk-123', leads, perPoll });
    const started = await importApp({ pronto: pronto.url });
    t = started.t;
    return started;
  }

  const rows = (tableId: number) =>
    cellsOf(t, tableId, {
      first: 'First Name',
      url: 'LinkedIn URL',
      company: 'Company Name',
      link: 'Company',
    });

  it('quotes first, then imports the search as contacts, charging each new row once', async () => {
    const { contacts, companies } = await setup(people(5));
    // Acme is already a company of the workbook: its people link to it.
    const companyTable = await t.call('tables/get', { tableId: companies.id });
    const url = companyTable.columns.find((c) => c.name === 'LinkedIn URL')?.id as number;
    const acme = await t.call('rows/insert', {
      tableId: companies.id,
      values: { [columnKey(url)]: 'https://linkedin.com/company/acme/about/' },
    });
    // Someone already in Contacts is skipped and costs nothing.
    const contactTable = await t.call('tables/get', { tableId: contacts.id });
    const personUrl = contactTable.columns.find((c) => c.name === 'LinkedIn URL')?.id as number;
    await t.call('rows/insert', {
      tableId: contacts.id,
      values: { [columnKey(personUrl)]: 'https://linkedin.com/in/person-1' },
    });

    await expect(
      t.call('linkedin/import-quote', { tableId: contacts.id, searchUrl: SEARCH, maxRows: 5 }),
    ).resolves.toMatchObject({
      kind: 'people',
      maxRows: 5,
      pricePerRow: 1,
      maxCredits: 5,
      providerReady: false,
      provider: 'Pronto',
    });
    await expect(
      t.call('linkedin/import-start', { tableId: contacts.id, searchUrl: SEARCH, maxRows: 5 }),
    ).resolves.toBeDefined();
    const refused = await t.app.jobs.wait((await t.call('jobs/list', {}))[0]?.jobId as string);
    expect(refused).toMatchObject({
      status: 'failed',
      error: { message: expect.stringMatching(/Pronto API key/) },
    });
    expect(pronto.started).toHaveLength(0);

    t.app.providers.setKey('pronto', 'pk-123');
    const before = t.app.credits.status().remaining;
    const { jobId } = await t.call('linkedin/import-start', {
      tableId: contacts.id,
      searchUrl: SEARCH,
      maxRows: 5,
    });
    const job = await t.app.jobs.wait(jobId);
    expect(job).toMatchObject({ status: 'done', result: { inserted: 4, skipped: 1 } });
    expect(pronto.started[0]).toMatchObject({ search_url: SEARCH, limit: 5 });
    expect(pronto.polls).toBeGreaterThan(1);
    expect(before - t.app.credits.status().remaining).toBe(4);
    const imported = (await rows(contacts.id)).slice(1);
    expect(imported).toHaveLength(4);
    expect(imported[0]).toMatchObject({
      first: 'First0',
      url: 'https://www.linkedin.com/in/person-0',
      company: 'Acme',
      link: acme.row.id,
    });

    // The same search again finds nobody new: nothing is added, nothing is charged.
    const again = await t.app.jobs.wait(
      (await t.call('linkedin/import-start', { tableId: contacts.id, searchUrl: SEARCH, maxRows: 5 })).jobId,
    );
    expect(again.result).toMatchObject({ inserted: 0, skipped: 5 });
    expect(before - t.app.credits.status().remaining).toBe(4);
  });

  it('never takes more rows than the credits pay for, and says when there are none', async () => {
    const { contacts } = await setup(people(30), 10);
    t.app.providers.setKey('pronto', 'pk-123');
    t.app.localLedger.setAllowance(3);
    const job = await t.app.jobs.wait(
      (await t.call('linkedin/import-start', { tableId: contacts.id, searchUrl: SEARCH, maxRows: 20 })).jobId,
    );
    expect(job).toMatchObject({ status: 'done', result: { inserted: 3 } });
    expect(pronto.started[0]).toMatchObject({ limit: 3 });
    expect(t.app.credits.status().remaining).toBe(0);
    const none = await t.app.jobs.wait(
      (await t.call('linkedin/import-start', { tableId: contacts.id, searchUrl: SEARCH, maxRows: 20 })).jobId,
    );
    expect(none).toMatchObject({
      status: 'failed',
      error: { message: expect.stringMatching(/No credits left/) },
    });
  });

  it('refuses non-contacts tables and a refused key clearly', async () => {
    const { contacts, companies } = await setup(people(2));
    await expect(
      t.call('linkedin/import-quote', { tableId: companies.id, searchUrl: SEARCH, maxRows: 5 }),
    ).rejects.toThrow(/LinkedIn people go into a Contacts table/);
    await expect(
      t.call('linkedin/import-quote', { tableId: contacts.id, searchUrl: SEARCH, maxRows: 0 }),
    ).rejects.toThrow();
    t.app.providers.setKey('pronto', 'wrong');
    const job = await t.app.jobs.wait(
      (await t.call('linkedin/import-start', { tableId: contacts.id, searchUrl: SEARCH, maxRows: 5 })).jobId,
    );
    expect(job).toMatchObject({
      status: 'failed',
      error: { message: expect.stringMatching(/Pronto refused the API key \(401\)/) },
    });
    expect(JSON.stringify(job)).not.toContain('wrong');
  });

  it('on Stop keeps the people that arrived, charged, and ends the search on Pronto too', async () => {
    const { contacts } = await setup(people(1000), 1);
    t.app.providers.setKey('pronto', 'pk-123');
    const { jobId } = await t.call('linkedin/import-start', {
      tableId: contacts.id,
      searchUrl: SEARCH,
      maxRows: 1000,
    });
    await expect.poll(() => pronto.polls).toBeGreaterThan(3);
    await t.call('jobs/cancel', { jobId });
    const job = await t.app.jobs.wait(jobId);
    expect(job.status).toBe('cancelled');
    const inserted = (job.result as { inserted: number }).inserted;
    expect(inserted).toBeGreaterThan(0);
    expect((await t.call('rows/count', { view: { tableId: contacts.id } })).rowCount).toBe(inserted);
    expect(100 - t.app.credits.status().remaining).toBe(inserted);
    await expect.poll(() => pronto.deleted).toEqual([expect.any(String)]);
    // A poll already on the wire at Stop may still land; after that, nothing more.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const polls = pronto.polls;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pronto.polls).toBe(polls);
  });

  it('reports a search Pronto could not finish, keeping the rows that arrived', async () => {
    const { contacts } = await setup(people(4), 2);
    pronto.finalStatus = 'RATE_LIMITED';
    t.app.providers.setKey('pronto', 'pk-123');
    // Ten were asked for: the search ending early is a failure, with the four that came.
    const job = await t.app.jobs.wait(
      (await t.call('linkedin/import-start', { tableId: contacts.id, searchUrl: SEARCH, maxRows: 10 })).jobId,
    );
    expect(job).toMatchObject({
      status: 'failed',
      error: { message: expect.stringMatching(/rate limited/) },
    });
    expect((await rows(contacts.id)).length).toBe(4);
  });
});

describe('Import companies from a Sales Navigator account search', () => {
  const ACCOUNTS =
    'https://www.linkedin.com/sales/search/company?query=(filters:List((type:INDUSTRY,values:List((id:4)))))';
  let t: TestApp;
  let infoplug: InfoPlugFake;
  afterEach(async () => {
    await t.close();
    await infoplug.close();
  });

  async function setup(count: number, pollsToFinish = 2) {
    infoplug = await startInfoPlugFake({ key: 'ip-123', companies: fakeCompanies(count), pollsToFinish });
    const started = await importApp({ infoplug: infoplug.url });
    t = started.t;
    return started;
  }

  const companyRows = (tableId: number) =>
    cellsOf(t, tableId, {
      name: 'Name',
      url: 'LinkedIn URL',
      industry: 'Industry',
      employees: 'Employees',
      headquarters: 'Headquarters',
    });

  it('quotes, then reads every page of the finished search into Companies, charging new rows only', async () => {
    const { companies } = await setup(30);
    const table = await t.call('tables/get', { tableId: companies.id });
    const url = table.columns.find((c) => c.name === 'LinkedIn URL')?.id as number;
    // A company already in the table is skipped and costs nothing.
    await t.call('rows/insert', {
      tableId: companies.id,
      values: { [columnKey(url)]: 'https://linkedin.com/company/company-3/about/' },
    });
    await expect(
      t.call('linkedin/import-quote', { tableId: companies.id, searchUrl: ACCOUNTS, maxRows: 40 }),
    ).resolves.toMatchObject({
      kind: 'companies',
      provider: 'InfoPlug',
      maxCredits: 40,
      providerReady: false,
    });
    const keyless = await t.app.jobs.wait(
      (await t.call('linkedin/import-start', { tableId: companies.id, searchUrl: ACCOUNTS, maxRows: 40 }))
        .jobId,
    );
    expect(keyless.error?.message).toBe(
      'Add an InfoPlug API key in Settings → Providers to import LinkedIn companies from a search.',
    );
    expect(infoplug.started).toHaveLength(0);
    t.app.providers.setKey('infoplug', 'ip-123');
    const before = t.app.credits.status().remaining;
    const job = await t.app.jobs.wait(
      (await t.call('linkedin/import-start', { tableId: companies.id, searchUrl: ACCOUNTS, maxRows: 40 }))
        .jobId,
    );
    expect(job).toMatchObject({ status: 'done', result: { inserted: 29, skipped: 1 } });
    expect(infoplug.started[0]).toEqual({ sales_nav_url: ACCOUNTS, limit: 40 });
    expect(infoplug.statusPolls).toBe(3);
    // 30 companies are two pages of 25.
    expect(infoplug.pagesServed.map((p) => p.split(':')[1])).toEqual(['1', '2']);
    expect(before - t.app.credits.status().remaining).toBe(29);
    const rows = (await companyRows(companies.id)).slice(1);
    expect(rows).toHaveLength(29);
    expect(rows[0]).toEqual({
      name: 'Company 0',
      url: 'https://www.linkedin.com/company/company-0',
      industry: 'Software Development',
      employees: 100,
      headquarters: 'Mountain View, California',
    });

    // The same search again adds nothing and charges nothing.
    const again = await t.app.jobs.wait(
      (await t.call('linkedin/import-start', { tableId: companies.id, searchUrl: ACCOUNTS, maxRows: 40 }))
        .jobId,
    );
    expect(again.result).toMatchObject({ inserted: 0, skipped: 30 });
    expect(before - t.app.credits.status().remaining).toBe(29);
  });

  it('stops asking InfoPlug at once on Stop, charging nothing and holding nothing', async () => {
    const { companies } = await setup(5, 100_000);
    t.app.providers.setKey('infoplug', 'ip-123');
    const { jobId } = await t.call('linkedin/import-start', {
      tableId: companies.id,
      searchUrl: ACCOUNTS,
      maxRows: 5,
    });
    await expect.poll(() => infoplug.statusPolls).toBeGreaterThan(2);
    await t.call('jobs/cancel', { jobId });
    expect((await t.app.jobs.wait(jobId)).status).toBe('cancelled');
    // A poll already on the wire at Stop may still land; after that, nothing more.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const polls = infoplug.statusPolls;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(infoplug.statusPolls).toBe(polls);
    expect(infoplug.pagesServed).toEqual([]);
    expect(t.app.credits.status().remaining).toBe(100);
  });

  it('finds the results where the earlier InfoPlug docs put them, and keeps asking there', async () => {
    const { companies } = await setup(30);
    infoplug.resultsPath = '/get-company-results';
    t.app.providers.setKey('infoplug', 'ip-123');
    const job = await t.app.jobs.wait(
      (await t.call('linkedin/import-start', { tableId: companies.id, searchUrl: ACCOUNTS, maxRows: 30 }))
        .jobId,
    );
    expect(job).toMatchObject({ status: 'done', result: { inserted: 30 } });
    // Page 1 looked in the two other places first; page 2 went straight to the one that answered.
    expect(infoplug.missed).toEqual(['/get-company-search-results', '/get-search-companies-results']);
    expect(infoplug.pagesServed.map((p) => p.split(':')[1])).toEqual(['1', '2']);
  });

  it('tests the connection with a free status lookup', async () => {
    await setup(1);
    t.app.providers.setKey('infoplug', 'ip-123');
    await expect(t.call('providers/test', { providerId: 'infoplug' })).resolves.toMatchObject({
      message: 'InfoPlug accepted the API key.',
    });
    t.app.providers.setKey('infoplug', 'nope');
    expect((await t.call('providers/test', { providerId: 'infoplug' })).message).toMatch(
      /InfoPlug refused the API key \(401\)/,
    );
    expect(infoplug.started).toHaveLength(0);
  });

  it('links contacts already waiting for their company to the company it adds', async () => {
    const { companies, contacts } = await setup(3);
    const companyUrl = await t.call('columns/add', {
      tableId: contacts.id,
      name: 'Company LinkedIn URL',
      type: 'url',
    });
    const table = await t.call('tables/get', { tableId: contacts.id });
    const link = table.columns.find((c) => c.system === 'company_link')?.id as number;
    const waiting = await t.call('rows/insert', {
      tableId: contacts.id,
      values: { [columnKey(companyUrl.id)]: 'https://linkedin.com/company/company-2/about' },
    });
    const elsewhere = await t.call('rows/insert', {
      tableId: contacts.id,
      values: { [columnKey(companyUrl.id)]: 'https://www.linkedin.com/company/someone-else' },
    });
    t.app.providers.setKey('infoplug', 'ip-123');
    const job = await t.app.jobs.wait(
      (await t.call('linkedin/import-start', { tableId: companies.id, searchUrl: ACCOUNTS, maxRows: 3 }))
        .jobId,
    );
    expect(job).toMatchObject({ status: 'done', result: { inserted: 3 } });
    const { rows: added } = await t.call('rows/block', {
      view: { tableId: companies.id },
      start: 0,
      end: 10,
    });
    const companyTable = await t.call('tables/get', { tableId: companies.id });
    const urlKey = columnKey(companyTable.columns.find((c) => c.name === 'LinkedIn URL')?.id as number);
    const company2 = added.find((r) => r.cells[urlKey] === 'https://www.linkedin.com/company/company-2');
    const { rows: people } = await t.call('rows/block', {
      view: { tableId: contacts.id },
      start: 0,
      end: 10,
    });
    const linkOf = (id: number) => people.find((r) => r.id === id)?.cells[columnKey(link)];
    expect(linkOf(waiting.row.id)).toBe(company2?.id);
    expect(linkOf(elsewhere.row.id)).toBeNull();
    // Linking is free: only the three companies were charged.
    expect(t.app.credits.status().remaining).toBe(97);
  });

  it('asks for no more companies than the credits pay for', async () => {
    const { companies } = await setup(10);
    t.app.providers.setKey('infoplug', 'ip-123');
    t.app.localLedger.setAllowance(4);
    const job = await t.app.jobs.wait(
      (await t.call('linkedin/import-start', { tableId: companies.id, searchUrl: ACCOUNTS, maxRows: 10 }))
        .jobId,
    );
    expect(job).toMatchObject({ status: 'done', result: { inserted: 4 } });
    expect(infoplug.started[0]).toMatchObject({ limit: 4 });
    expect(t.app.credits.status().remaining).toBe(0);
  });

  it('refuses what InfoPlug cannot read, the wrong table and too many rows before anything is spent', async () => {
    const { contacts, companies } = await setup(2);
    t.app.providers.setKey('infoplug', 'ip-123');
    await expect(
      t.call('linkedin/import-quote', {
        tableId: companies.id,
        searchUrl: 'https://www.linkedin.com/search/results/companies/?keywords=robots',
        maxRows: 5,
      }),
    ).rejects.toThrow(/InfoPlug reads Sales Navigator account searches/);
    await expect(
      t.call('linkedin/import-quote', { tableId: contacts.id, searchUrl: ACCOUNTS, maxRows: 5 }),
    ).rejects.toThrow(/LinkedIn companies go into a Companies table/);
    await expect(
      t.call('linkedin/import-quote', { tableId: companies.id, searchUrl: ACCOUNTS, maxRows: 1001 }),
    ).rejects.toThrow(/InfoPlug extracts at most 1,000 rows/);
    expect(infoplug.started).toHaveLength(0);
  });

  it('sits out passing failures, and ends clearly on a refused key, no InfoPlug credits or a failed search', async () => {
    const { companies } = await setup(3, 1);
    t.app.providers.setKey('infoplug', 'ip-123');
    const start = async () =>
      t.app.jobs.wait(
        (await t.call('linkedin/import-start', { tableId: companies.id, searchUrl: ACCOUNTS, maxRows: 5 }))
          .jobId,
      );

    // A 503 and a 429 while polling are asked again; the import finishes.
    infoplug.failPolls = [503, 429];
    expect(await start()).toMatchObject({ status: 'done', result: { inserted: 3 } });
    expect(infoplug.failPolls).toEqual([]);

    infoplug.outOfCredits = true;
    expect(await start()).toMatchObject({
      status: 'failed',
      error: {
        message: expect.stringMatching(/InfoPlug says the account is out of credits.*no credits remaining/),
      },
    });
    infoplug.outOfCredits = false;

    infoplug.finalStatus = 'failed';
    expect(await start()).toMatchObject({
      status: 'failed',
      error: { message: expect.stringMatching(/InfoPlug reported that the search failed/) },
    });

    t.app.providers.setKey('infoplug', 'wrong-key');
    const refused = await start();
    expect(refused).toMatchObject({
      status: 'failed',
      error: {
        message: expect.stringMatching(/InfoPlug refused the API key \(401\): Invalid or missing API key/),
      },
    });
    expect(JSON.stringify(refused)).not.toContain('wrong-key');
    expect(t.app.credits.status().remaining).toBe(97);
  });
});

/** An app whose providers are these loopback fakes, with 100 credits and its Companies and Contacts. */
async function importApp(baseUrls: Record<string, string>) {
  const t = await startTestApp({ providers: { baseUrls }, linkedinImportPollMs: 5 });
  t.app.localLedger.setAllowance(100);
  const tables = await t.call('tables/list', {});
  const contacts = tables.find((x) => x.kind === 'contacts');
  const companies = tables.find((x) => x.kind === 'companies');
  if (!contacts || !companies) throw new Error('a new workbook has Companies and Contacts');
  return { t, contacts, companies };
}

/** The first 200 rows of a table, each as {field: value} for the columns named. */
async function cellsOf<K extends string>(t: TestApp, tableId: number, columns: Record<K, string>) {
  const table = await t.call('tables/get', { tableId });
  const { rows } = await t.call('rows/block', { view: { tableId }, start: 0, end: 200 });
  const keys = Object.entries(columns).map(([field, name]) => [
    field,
    columnKey(table.columns.find((c) => c.name === name)?.id as number),
  ]);
  return rows.map((r) => Object.fromEntries(keys.map(([field, key]) => [field, r.cells[key as string]])));
}
