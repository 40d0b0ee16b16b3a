// The key-less reader against loopback pages: structured data is read; every way
// LinkedIn refuses (HTTP 999, a login-wall redirect, a 429, a page without data) is an
// error that says so and points to a provider key — never values read off a login page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkedInPublic } from '../../../../src/main/catalogue/linkedin/public-page';
import { parseLinkedInUrl } from '../../../../src/main/catalogue/linkedin/urls';
import { type LinkedInFake, startLinkedInFake } from '../../../fakes/linkedin-providers';

let fake: LinkedInFake;
beforeAll(async () => {
  fake = await startLinkedInFake();
});
afterAll(async () => {
  await fake.close();
});

const call = () => ({ key: null, baseUrl: fake.url });
const company = (slug: string) =>
  linkedInPublic.companyByUrl?.(
    call(),
    parseLinkedInUrl(`https://de.linkedin.com/company/${slug}/`),
    new AbortController().signal,
  );
const person = (slug: string) =>
  linkedInPublic.personByUrl?.(
    call(),
    parseLinkedInUrl(`linkedin.com/in/${slug}`),
    new AbortController().signal,
  );

describe('the LinkedIn public page reader', () => {
  it("reads a company page's JSON-LD Organization, with a browser's User-Agent", async () => {
    const found = await company('acme');
    expect(found?.value).toEqual({
      name: 'Acme Robotics',
      website: 'https://acme.example',
      industry: null,
      size: null,
      employeeCount: 120,
      headquarters: 'Berlin, Berlin, DE',
      founded: null,
      description: 'Acme builds warehouse robots.',
      followers: 4321,
      linkedinUrl: 'https://www.linkedin.com/company/acme',
      linkedinId: null,
    });
    const sent = fake.calls.at(-1);
    expect(sent?.path).toBe('/company/acme');
    expect(sent?.headers['user-agent']).toMatch(/Mozilla\/5\.0 .*Chrome/);
  });

  it("reads a profile's JSON-LD Person from its @graph", async () => {
    const found = await person('jane-doe');
    expect(found?.value).toMatchObject({
      fullName: 'Jane Doe',
      title: 'CTO',
      company: 'Acme Robotics',
      companyLinkedinUrl: 'https://www.linkedin.com/company/acme',
      location: 'Berlin, DE',
      country: 'DE',
      linkedinUrl: 'https://www.linkedin.com/in/jane-doe',
      summary: 'Builds robots.',
    });
  });

  it('falls back to the Open Graph tags when the page has no JSON-LD', async () => {
    const found = await company('acme-og');
    expect(found?.value).toMatchObject({
      name: 'Acme OG',
      followers: 12000,
      linkedinUrl: 'https://www.linkedin.com/company/acme-og',
    });
  });

  it('follows a redirect to another LinkedIn page', async () => {
    expect((await company('moved'))?.value?.name).toBe('Acme Robotics');
  });

  it('says HTTP 999 is LinkedIn blocking automated reads, and points to a provider key', async () => {
    await expect(company('blocked')).rejects.toMatchObject({
      name: 'CallError',
      status: 999,
      retryable: false,
      message:
        'LinkedIn refused the public page (HTTP 999: it blocks automated reads); set a LinkedIn data provider key in Settings → Providers.',
    });
  });

  it('says a redirect to the login wall is a refusal, without following it', async () => {
    const before = fake.calls.length;
    await expect(company('walled')).rejects.toMatchObject({
      status: 302,
      message: expect.stringMatching(
        /refused the public page \(HTTP 302: it redirected to \/authwall, its login wall\).*Settings → Providers/,
      ),
    });
    expect(fake.calls.length).toBe(before + 1);
    await expect(person('walled')).rejects.toThrow(/authwall/);
  });

  it('reports a 429 as a refusal that may be retried later', async () => {
    await expect(company('busy')).rejects.toMatchObject({
      status: 429,
      retryable: true,
      message: expect.stringMatching(/HTTP 429/),
    });
  });

  it('refuses a page without the data (a login page served in its place) instead of reading junk', async () => {
    await expect(company('bare')).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/page came without the company's data.*Settings → Providers/),
    });
    await expect(person('bare')).rejects.toThrow(/without the profile's data/);
  });

  it('finds nothing for a page that does not exist', async () => {
    expect((await company('initech'))?.value).toBeNull();
  });
});
