// Each provider adapter against the loopback fake answering its documented shapes: what
// a match maps to, a miss (free not-found), a refused key, a rate limit, and garbage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blitz } from '../../../../src/main/catalogue/linkedin/blitz';
import { enrichLayer, enrichLayerProvider } from '../../../../src/main/catalogue/linkedin/enrichlayer';
import { peopleDataLabs } from '../../../../src/main/catalogue/linkedin/pdl';
import type { LinkedInSource } from '../../../../src/main/catalogue/linkedin/types';
import { parseLinkedInUrl } from '../../../../src/main/catalogue/linkedin/urls';
import { LINKEDIN_KEYS, type LinkedInFake, startLinkedInFake } from '../../../fakes/linkedin-providers';

let fake: LinkedInFake;
beforeAll(async () => {
  fake = await startLinkedInFake();
});
afterAll(async () => {
  await fake.close();
});

const signal = () => new AbortController().signal;

/** A method the adapter must have (the test fails here if it lost it). */
function need<T>(method: T | undefined): T {
  if (!method) throw new Error('the adapter lacks this method');
  return method;
}
const acme = parseLinkedInUrl('https://de.linkedin.com/company/acme/about/');
const jane = parseLinkedInUrl('linkedin.com/in/jane-doe');
const ref = (slug: string, kind: 'company' | 'in' = 'company') =>
  parseLinkedInUrl(`linkedin.com/${kind}/${slug}`);

/** The failures every adapter must report the same way. */
function failureCases(
  source: LinkedInSource,
  key: string,
  ask: (s: LinkedInSource, key: string, slug: string) => Promise<unknown>,
) {
  it('says a refused key is refused, not retried', async () => {
    await expect(ask(source, 'wrong-key', 'acme')).rejects.toMatchObject({
      name: 'CallError',
      status: 401,
      retryable: false,
      message: expect.stringMatching(/refused the API key \(401\).*Settings → Providers/),
    });
  });
  it('reports a rate limit as retryable, with its Retry-After', async () => {
    await expect(ask(source, key, 'ratelimited')).rejects.toMatchObject({
      status: 429,
      retryable: true,
      retryAfterMs: 0,
      message: expect.stringMatching(/rate limiting/),
    });
  });
  it('reports garbage instead of JSON as an error, not as values', async () => {
    await expect(ask(source, key, 'garbage')).rejects.toMatchObject({
      kind: 'invalid_response',
      message: expect.stringMatching(/not JSON/),
    });
  });
  it('needs a key before it calls', async () => {
    const before = fake.calls.length;
    await expect(ask(source, '', 'acme')).rejects.toThrow(/no API key/);
    expect(fake.calls.length).toBe(before);
  });
}

describe('Enrich Layer', () => {
  const call = (key = LINKEDIN_KEYS.enrichlayer) => ({ key, baseUrl: fake.url });

  it('maps a company profile, sending the URL and the bearer key', async () => {
    const { value } = await need(enrichLayer.companyByUrl)(call(), acme, signal());
    expect(value).toEqual({
      name: 'Acme Robotics',
      website: 'https://acme.example',
      industry: 'Industrial Automation',
      size: '51-200',
      employeeCount: 120,
      headquarters: 'Berlin, Berlin, DE',
      founded: 2011,
      description: 'Acme builds warehouse robots.',
      followers: 4321,
      linkedinUrl: 'https://www.linkedin.com/company/acme',
      linkedinId: '1441',
    });
    const sent = fake.calls.at(-1);
    expect(sent?.path).toBe('/api/v2/company');
    expect(sent?.query.get('url')).toBe('https://www.linkedin.com/company/acme');
    expect(sent?.headers.authorization).toBe(`Bearer ${LINKEDIN_KEYS.enrichlayer}`);
  });

  it('maps a person profile with the current role and the experience line', async () => {
    const { value } = await need(enrichLayer.personByUrl)(call(), jane, signal());
    expect(value).toMatchObject({
      fullName: 'Jane Doe',
      title: 'CTO',
      company: 'Acme Robotics',
      companyLinkedinUrl: 'https://www.linkedin.com/company/acme',
      location: 'Berlin, Berlin, Germany',
      country: 'DE',
      linkedinUrl: 'https://www.linkedin.com/in/jane-doe',
      experience: 'CTO at Acme Robotics (2019–present); Engineer at Globex (2014–2018)',
    });
  });

  it('looks companies and people up by name, and finds nothing without a match', async () => {
    const company = await need(enrichLayer.companySearch)(
      call(),
      { name: 'Acme Robotics', domain: null },
      signal(),
    );
    expect(company.value?.linkedinUrl).toBe('https://www.linkedin.com/company/acme');
    const none = await need(enrichLayer.companySearch)(
      call(),
      { name: 'Initech', domain: 'initech.example' },
      signal(),
    );
    expect(none.value).toBeNull();
    const person = await need(enrichLayer.personSearch)(
      call(),
      { fullName: 'Jane Doe', firstName: null, lastName: null, company: 'acme.example' },
      signal(),
    );
    expect(person.value?.fullName).toBe('Jane Doe');
    expect(fake.calls.at(-1)?.query.get('first_name')).toBe('Jane');
    await expect(
      need(enrichLayer.personSearch)(
        call(),
        { fullName: 'Jane Doe', firstName: null, lastName: null, company: null },
        signal(),
      ),
    ).rejects.toMatchObject({ code: 'invalid_value', message: expect.stringMatching(/by name and company/) });
  });

  it('lists jobs by the search id from the profile, over pages, up to the limit', async () => {
    const all = await need(enrichLayer.companyJobs)(call(), acme, 25, signal());
    expect(all.value).toEqual([
      {
        title: 'Robotics Engineer',
        location: 'Berlin, Germany',
        postedAt: '2026-11-20',
        url: expect.stringContaining('/jobs/view/robotics-engineer'),
      },
      {
        title: 'Sales Manager',
        location: 'Munich, Germany',
        postedAt: '2026-11-18',
        url: expect.any(String),
      },
      { title: 'Field Technician', location: 'Austin, TX', postedAt: '2026-11-02', url: expect.any(String) },
    ]);
    const jobCalls = fake.calls.filter((c) => c.path === '/api/v2/company/job').slice(-2);
    expect(jobCalls.map((c) => [c.query.get('search_id'), c.query.get('pagination')])).toEqual([
      ['1035', null],
      ['1035', 'p2'],
    ]);
    expect((await need(enrichLayer.companyJobs)(call(), acme, 2, signal())).value).toHaveLength(2);
  });

  it('finds nothing for an unknown profile (404)', async () => {
    expect((await need(enrichLayer.companyByUrl)(call(), ref('initech'), signal())).value).toBeNull();
    expect((await need(enrichLayer.personByUrl)(call(), ref('nobody', 'in'), signal())).value).toBeNull();
  });

  it('tests the connection with the credit balance', async () => {
    await expect(need(enrichLayerProvider.testConnection)(call(), signal())).resolves.toMatch(/100 credits/);
  });

  failureCases(enrichLayer, LINKEDIN_KEYS.enrichlayer, (s, key, slug) =>
    need(s.companyByUrl)({ key, baseUrl: fake.url }, ref(slug), signal()),
  );
});

describe('People Data Labs', () => {
  const call = (key = LINKEDIN_KEYS.peopledatalabs) => ({ key, baseUrl: fake.url });

  it('maps a company from its schemeless LinkedIn URL, with the X-API-Key header', async () => {
    const { value } = await need(peopleDataLabs.companyByUrl)(call(), acme, signal());
    expect(value).toEqual({
      name: 'Acme Robotics',
      website: 'acme.example',
      industry: 'industrial automation',
      size: '51-200',
      employeeCount: 118,
      headquarters: 'berlin, berlin, germany',
      founded: 2011,
      description: 'acme builds warehouse robots.',
      followers: 4300,
      linkedinUrl: 'https://www.linkedin.com/company/acme',
      linkedinId: '1441',
    });
    const sent = fake.calls.at(-1);
    expect(sent?.query.get('profile')).toBe('linkedin.com/company/acme');
    expect(sent?.headers['x-api-key']).toBe(LINKEDIN_KEYS.peopledatalabs);
  });

  it('maps a person, the country name to its ISO code', async () => {
    const { value } = await need(peopleDataLabs.personByUrl)(call(), jane, signal());
    expect(value).toMatchObject({
      fullName: 'jane doe',
      title: 'cto',
      company: 'acme robotics',
      companyLinkedinUrl: 'https://www.linkedin.com/company/acme',
      country: 'DE',
      linkedinId: '123456789',
      experience: 'cto at acme robotics (2019–present); engineer at globex (2014–2018)',
    });
    const byName = await need(peopleDataLabs.personSearch)(
      call(),
      { fullName: 'Jane Doe', firstName: null, lastName: null, company: 'Acme Robotics' },
      signal(),
    );
    expect(byName.value?.linkedinUrl).toBe('https://www.linkedin.com/in/jane-doe');
    expect(fake.calls.at(-1)?.query.get('min_likelihood')).toBe('4');
  });

  it('gives people per country as ISO codes, unknown names counted as unknown', async () => {
    const { value } = await need(peopleDataLabs.peoplePerCountry)(call(), acme, signal());
    expect(value).toEqual({ DE: 80, US: 30, GB: 6, unknown: 2 });
  });

  it('searches job postings by the company LinkedIn URL', async () => {
    const { value } = await need(peopleDataLabs.companyJobs)(call(), acme, 10, signal());
    expect(value).toEqual([
      { title: 'Robotics Engineer', location: 'berlin, berlin, germany', postedAt: '2026-11-21', url: null },
      { title: 'Account Executive', location: null, postedAt: '2026-11-10', url: null },
    ]);
    expect(fake.calls.at(-1)).toMatchObject({ method: 'POST', path: '/v5/job_posting/search' });
    expect((await need(peopleDataLabs.companyJobs)(call(), ref('initech'), 10, signal())).value).toBeNull();
  });

  it('finds nothing for an unknown company or person (404)', async () => {
    expect((await need(peopleDataLabs.companyByUrl)(call(), ref('initech'), signal())).value).toBeNull();
    expect(
      (await need(peopleDataLabs.companySearch)(call(), { name: 'Initech', domain: null }, signal())).value,
    ).toBeNull();
    expect((await need(peopleDataLabs.personByUrl)(call(), ref('nobody', 'in'), signal())).value).toBeNull();
  });

  failureCases(peopleDataLabs, LINKEDIN_KEYS.peopledatalabs, (s, key, slug) =>
    need(s.companyByUrl)({ key, baseUrl: fake.url }, ref(slug), signal()),
  );
});

describe('Blitz', () => {
  const call = (key = LINKEDIN_KEYS.blitz) => ({ key, baseUrl: fake.url });

  it('gives the employment distribution by country', async () => {
    const { value } = await need(blitz.peoplePerCountry)(call(), acme, signal());
    expect(value).toEqual({ DE: 84, US: 28, unknown: 8 });
    expect(fake.calls.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v2/utils/company-employment-distribution',
      body: { company_linkedin_url: 'https://www.linkedin.com/company/acme' },
    });
  });

  it('finds nothing for a company without a distribution', async () => {
    expect((await need(blitz.peoplePerCountry)(call(), ref('initech'), signal())).value).toBeNull();
  });

  failureCases(blitz, LINKEDIN_KEYS.blitz, (s, key, slug) =>
    need(s.peoplePerCountry)({ key, baseUrl: fake.url }, ref(slug), signal()),
  );
});
