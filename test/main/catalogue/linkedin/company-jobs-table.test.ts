// Company jobs with "expand into a Jobs table": each posting also becomes a row of the
// Jobs table, linked to its company row, never added twice (by URL, or by title,
// location and company when the source gives no URL), charged per company looked up as
// without the option. A real app core (SQLite workbook, engine, local credits) against
// the loopback LinkedIn providers.
import { columnKey, type TableInfo } from '@shared/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actionDefinition } from '../../../../src/main/engine/actions';
import { LINKEDIN_KEYS, type LinkedInFake, startLinkedInFake } from '../../../fakes/linkedin-providers';
import { startTestApp, type TestApp } from '../../../helpers/app';

let fake: LinkedInFake;
let t: TestApp;
let companies: TableInfo;
let urlColumn: number;
beforeEach(async () => {
  fake = await startLinkedInFake();
  t = await startTestApp({ providers: { baseUrls: fake.baseUrls } });
  t.app.localLedger.setAllowance(1_000);
  t.app.providers.setKey('enrichlayer', LINKEDIN_KEYS.enrichlayer);
  t.app.providers.setKey('peopledatalabs', LINKEDIN_KEYS.peopledatalabs);
  companies = (await t.call('tables/list', {})).find((x) => x.kind === 'companies') as TableInfo;
  urlColumn = companies.columns.find((c) => c.name === 'LinkedIn URL')?.id as number;
});
afterEach(async () => {
  await t.close();
  await fake.close();
});

async function addCompany(tableId: number, column: number, url: string): Promise<number> {
  const { row } = await t.call('rows/insert', { tableId, values: { [columnKey(column)]: url } });
  return row.id;
}

async function jobsColumn(options: Record<string, unknown>, tableId = companies.id, input = urlColumn) {
  return t.call('enrichments/add', {
    tableId,
    name: `Jobs ${JSON.stringify(options)}`,
    config: {
      actionId: 'company.jobs',
      inputs: { linkedinUrl: input },
      options,
      outputs: [{ key: 'count', name: `Open jobs ${JSON.stringify(options)}`, type: 'number' }],
    },
  });
}

async function run(enrichmentId: number, rowIds?: number[]) {
  const started = await t.call('runs/start', {
    enrichmentId,
    scope: rowIds ? { target: { kind: 'rows', rowIds }, force: true } : { target: { kind: 'all' } },
  });
  return t.app.engine.wait(started.id);
}

const jobsTables = async () => (await t.call('tables/list', {})).filter((x) => x.kind === 'jobs');

/** The Jobs table's rows, by column name. */
async function jobRows(table: TableInfo) {
  const columns = (await t.call('tables/get', { tableId: table.id })).columns;
  const { rows } = await t.call('rows/block', { view: { tableId: table.id }, start: 0, end: 100 });
  return rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, r.cells[columnKey(c.id)]])));
}

const spent = () => t.app.credits.status().consumed;

describe('Company jobs into a Jobs table', () => {
  it('declares the option, off by default, and refuses a value that is not true or false', async () => {
    const info = actionDefinition('company.jobs').info;
    expect(info.options).toEqual([
      expect.objectContaining({ key: 'maxJobs', type: 'integer', default: 25, min: 1, max: 100 }),
      expect.objectContaining({ key: 'expandToTable', type: 'boolean', default: false }),
    ]);
    expect(info.description).toMatch(/Jobs table.*no extra cost/);
    await expect(jobsColumn({ expandToTable: 'yes' })).rejects.toThrow(/expandToTable is true or false/);
  });

  it('adds each job as a row linked to its company, charged per company as without the option, never twice', async () => {
    const acme = await addCompany(companies.id, urlColumn, 'https://de.linkedin.com/company/acme/about/');
    await addCompany(companies.id, urlColumn, 'https://www.linkedin.com/company/nobody-inc');
    const plain = await jobsColumn({});
    const expanding = await jobsColumn({ expandToTable: true });
    const quote = (enrichmentId: number) =>
      t.call('enrichments/quote', { enrichmentId, scope: { target: { kind: 'all' } } });
    // The quote is what it is without the option: 2 credits a company, the rows come free.
    expect(await quote(expanding.id)).toMatchObject({ rows: 2, pricePerRow: 2, maxCredits: 4 });
    expect(await quote(expanding.id)).toEqual(await quote(plain.id));

    const before = spent();
    expect(await run(expanding.id)).toMatchObject({ status: 'done', done: 1, notFound: 1, credits: 2 });
    expect(spent() - before).toBe(2);
    expect(await t.call('cells/audit', { enrichmentId: expanding.id, rowId: acme })).toMatchObject({
      status: 'done',
      credits: 2,
      provider: 'enrichlayer',
    });
    const [jobs, ...more] = await jobsTables();
    expect(more).toEqual([]);
    expect(jobs?.name).toBe('Jobs');
    expect(await jobRows(jobs as TableInfo)).toEqual([
      {
        Title: 'Robotics Engineer',
        Location: 'Berlin, Germany',
        Posted: '2026-11-20',
        URL: 'https://www.linkedin.com/jobs/view/robotics-engineer-at-acme-3203330682',
        'Company LinkedIn URL': 'https://www.linkedin.com/company/acme',
        Company: acme,
      },
      {
        Title: 'Sales Manager',
        Location: 'Munich, Germany',
        Posted: '2026-11-18',
        URL: 'https://www.linkedin.com/jobs/view/sales-manager-at-acme-3257692764',
        'Company LinkedIn URL': 'https://www.linkedin.com/company/acme',
        Company: acme,
      },
      {
        Title: 'Field Technician',
        Location: 'Austin, TX',
        Posted: '2026-11-02',
        URL: 'https://www.linkedin.com/jobs/view/field-technician-at-acme-3257692999',
        'Company LinkedIn URL': 'https://www.linkedin.com/company/acme',
        Company: acme,
      },
    ]);

    // Run again: the cached answer is free and adds nothing that is already there.
    const calls = fake.calls.length;
    expect(await run(expanding.id, [acme])).toMatchObject({ done: 1, cached: 1, credits: 0 });
    expect(fake.calls.length).toBe(calls);
    // A new question (at most 2 jobs) asks the provider again and pays for the lookup, but
    // its jobs are in the table already.
    const fewer = await jobsColumn({ expandToTable: true, maxJobs: 2 });
    expect(await run(fewer.id, [acme])).toMatchObject({ done: 1, cached: 0, credits: 2 });
    expect(fake.calls.length).toBeGreaterThan(calls);
    expect(await jobRows(jobs as TableInfo)).toHaveLength(3);
  });

  it('without URLs (People Data Labs) dedupes on title, location and company', async () => {
    const acme = await addCompany(companies.id, urlColumn, 'linkedin.com/company/acme');
    // The Jobs table is there already, with a job of another company under the same title and place.
    const jobs = await t.app.tables.createLinked('jobs', 'Jobs');
    const col = (name: string) => columnKey(jobs.columns.find((c) => c.name === name)?.id as number);
    await t.call('rows/insert', {
      tableId: jobs.id,
      values: {
        [col('Title')]: 'Robotics Engineer',
        [col('Location')]: 'berlin, berlin, germany',
        [col('Company LinkedIn URL')]: 'https://www.linkedin.com/company/initech',
      },
    });
    const column = await jobsColumn({ expandToTable: true, provider: 'peopledatalabs' });
    expect(await run(column.id)).toMatchObject({ done: 1, credits: 2 });
    expect(await jobsTables()).toHaveLength(1);
    const rows = await jobRows(jobs);
    expect(rows.slice(1)).toEqual([
      {
        Title: 'Robotics Engineer',
        Location: 'berlin, berlin, germany',
        Posted: '2026-11-21',
        URL: null,
        'Company LinkedIn URL': 'https://www.linkedin.com/company/acme',
        Company: acme,
      },
      {
        Title: 'Account Executive',
        Location: null,
        Posted: '2026-11-10',
        URL: null,
        'Company LinkedIn URL': 'https://www.linkedin.com/company/acme',
        Company: acme,
      },
    ]);
    // Asked again for real (another maximum): both known, the one without a location too.
    const again = await jobsColumn({ expandToTable: true, provider: 'peopledatalabs', maxJobs: 5 });
    expect(await run(again.id)).toMatchObject({ done: 1, cached: 0, credits: 2 });
    expect(await jobRows(jobs)).toHaveLength(3);
  });

  it("with the option off adds nothing; on later, the paid answer fills a new table beside the user's own Jobs", async () => {
    await addCompany(companies.id, urlColumn, 'linkedin.com/company/acme');
    const mine = await t.call('tables/create', { name: 'Jobs' });
    expect(await run((await jobsColumn({})).id)).toMatchObject({ done: 1, credits: 2 });
    expect(await jobsTables()).toEqual([]);
    expect((await t.call('tables/get', { tableId: mine.id })).rowCount).toBe(0);

    // Turned on later: the answer already paid for fills the Jobs table at no cost.
    expect(await run((await jobsColumn({ expandToTable: true })).id)).toMatchObject({
      cached: 1,
      credits: 0,
    });
    const [jobs] = await jobsTables();
    expect(jobs).toMatchObject({ name: 'Jobs (2)', rowCount: 3 });
    expect((await t.call('tables/get', { tableId: mine.id })).rowCount).toBe(0);
  });

  it('can be deleted and is made again; from a table other than Companies the jobs come unlinked', async () => {
    await addCompany(companies.id, urlColumn, 'linkedin.com/company/acme');
    await run((await jobsColumn({ expandToTable: true })).id);
    const [first] = await jobsTables();
    await t.call('tables/delete', { tableId: (first as TableInfo).id });
    expect(await jobsTables()).toEqual([]);

    const leads = await t.call('tables/create', { name: 'Leads' });
    const url = await t.call('columns/add', { tableId: leads.id, name: 'LinkedIn', type: 'url' });
    await addCompany(leads.id, url.id, 'linkedin.com/company/acme');
    // The answer is cached: the jobs come back for free.
    expect(await run((await jobsColumn({ expandToTable: true }, leads.id, url.id)).id)).toMatchObject({
      done: 1,
      credits: 0,
    });
    const [again] = await jobsTables();
    const rows = await jobRows(again as TableInfo);
    expect(rows).toHaveLength(3);
    // The company link points at Companies; a Leads row is not a company row.
    expect(rows.every((r) => r.Company === null)).toBe(true);
  });
});
