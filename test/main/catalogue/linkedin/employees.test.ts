// The company-employees sources the contacts features build on: each provider's request
// (title keywords, country, count) and its answer mapped to the same records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPANY_EMPLOYEE_SOURCES, companyEmployeesSource } from '../../../../src/main/catalogue/linkedin';
import { LINKEDIN_KEYS, type LinkedInFake, startLinkedInFake } from '../../../fakes/linkedin-providers';

let fake: LinkedInFake;
beforeAll(async () => {
  fake = await startLinkedInFake();
});
afterAll(async () => {
  await fake.close();
});

const signal = () => new AbortController().signal;

function source(id: string) {
  const s = companyEmployeesSource(id);
  if (!s) throw new Error(`no employee source ${id}`);
  return s;
}

describe('company employee sources', () => {
  it('are Enrich Layer and People Data Labs', () => {
    expect(COMPANY_EMPLOYEE_SOURCES.map((s) => s.provider.id)).toEqual(['enrichlayer', 'peopledatalabs']);
  });

  it('Enrich Layer: pages the employee listing with enriched profiles up to the count', async () => {
    const call = { key: LINKEDIN_KEYS.enrichlayer, baseUrl: fake.url };
    const all = await source('enrichlayer').list(
      call,
      'https://de.linkedin.com/company/acme/',
      { maxCount: 3 },
      signal(),
    );
    expect(all.value).toEqual([
      {
        fullName: 'Jane Doe',
        title: 'CTO',
        linkedinUrl: 'https://www.linkedin.com/in/jane-doe',
        location: 'Berlin, Germany',
        country: 'DE',
        seniority: null,
      },
      {
        fullName: 'Max Muster',
        title: 'Sales Director',
        linkedinUrl: 'https://www.linkedin.com/in/max-muster',
        location: 'Munich, Germany',
        country: 'DE',
        seniority: null,
      },
      {
        fullName: 'Sam Lee',
        title: 'Sales Engineer',
        linkedinUrl: 'https://www.linkedin.com/in/sam-lee',
        location: 'Austin, United States of America',
        country: 'US',
        seniority: null,
      },
    ]);
    const sales = await source('enrichlayer').list(
      call,
      'linkedin.com/company/acme',
      { titleKeywords: ['sales'], country: 'de', maxCount: 5 },
      signal(),
    );
    expect(sales.value?.map((e) => e.fullName)).toEqual(['Max Muster']);
    const sent = fake.calls.at(-1);
    expect(sent?.query.get('boolean_role_search')).toBe('"sales"');
    expect(sent?.query.get('country')).toBe('de');
    expect(sent?.query.get('enrich_profiles')).toBe('enrich');
    const one = await source('enrichlayer').list(
      call,
      'linkedin.com/company/acme',
      { maxCount: 1 },
      signal(),
    );
    expect(one.value).toHaveLength(1);
    expect(fake.calls.at(-1)?.query.get('page_size')).toBe('1');
  });

  it('People Data Labs: a person search on the company, country and title', async () => {
    const call = { key: LINKEDIN_KEYS.peopledatalabs, baseUrl: fake.url };
    const found = await source('peopledatalabs').list(
      call,
      'linkedin.com/company/acme',
      { titleKeywords: ['sales'], country: 'US', maxCount: 10 },
      signal(),
    );
    expect(found.value).toEqual([
      {
        fullName: 'sam lee',
        title: 'sales engineer',
        linkedinUrl: 'https://www.linkedin.com/in/sam-lee',
        location: 'austin, texas, united states',
        country: 'US',
        seniority: null,
      },
    ]);
    expect(fake.calls.at(-1)?.body).toEqual({
      query: {
        bool: {
          must: [
            { term: { job_company_linkedin_url: 'linkedin.com/company/acme' } },
            { term: { location_country: 'united states' } },
            { bool: { should: [{ match: { job_title: 'sales' } }] } },
          ],
        },
      },
      size: 10,
    });
    const levels = await source('peopledatalabs').list(
      call,
      'linkedin.com/company/acme',
      { maxCount: 2 },
      signal(),
    );
    expect(levels.value?.map((e) => e.seniority)).toEqual(['cxo', 'director']);
  });

  it('finds nobody at a company it does not know, and refuses what is not a company URL', async () => {
    const call = { key: LINKEDIN_KEYS.peopledatalabs, baseUrl: fake.url };
    expect(
      (await source('peopledatalabs').list(call, 'linkedin.com/company/initech', { maxCount: 5 }, signal()))
        .value,
    ).toBeNull();
    await expect(
      source('enrichlayer').list(call, 'linkedin.com/in/jane-doe', { maxCount: 5 }, signal()),
    ).rejects.toMatchObject({
      code: 'invalid_value',
    });
  });
});
