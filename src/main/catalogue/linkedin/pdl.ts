// People Data Labs: company and person enrichment by LinkedIn URL or by name (one-to-one
// matches), a company's people per country (`employee_count_by_country`), its job
// postings (Job Posting Search API, beta) and its employees (Person Search API). Written
// from https://docs.peopledatalabs.com: the key goes in the X-API-Key header; a match is
// 200, no match is 404 (not charged); 402 is an exhausted account; paying accounts may
// make 1,000 enrichment calls a minute. PDL writes LinkedIn URLs without a scheme
// ("linkedin.com/company/x") and country names in lower case ("united states").

import { CallError } from '../../engine/scheduler';
import { num, requestJson, requireKey, str } from '../provider-http';
import type { ProviderAdapter, ProviderCall } from '../providers';
import { countryCode } from './countries';
import type {
  CompanyProfile,
  CountryCounts,
  EmployeeRecord,
  JobPosting,
  LinkedInSource,
  PersonProfile,
} from './types';
import { canonicalLinkedInUrl, type LinkedInRef } from './urls';

type Json = Record<string, unknown>;

export const pdlProvider: ProviderAdapter = {
  id: 'peopledatalabs',
  name: 'People Data Labs',
  docsUrl: 'https://docs.peopledatalabs.com/docs/reference-company-enrichment-api',
  baseUrl: 'https://api.peopledatalabs.com',
  capabilities: [
    'company.linkedin',
    'company.search',
    'company.peoplePerCountry',
    'company.jobs',
    'company.employees',
    'person.linkedin',
    'person.search',
  ],
  needsKey: true,
  keyLabel: 'API key',
};

async function call(
  access: ProviderCall,
  request: {
    method?: 'GET' | 'POST';
    path: string;
    query?: Record<string, string | number | null>;
    body?: unknown;
  },
  signal: AbortSignal,
): Promise<{ json: Json | null; text: string }> {
  const key = requireKey(pdlProvider, access);
  const res = await requestJson(
    pdlProvider,
    access,
    { ...request, headers: { 'x-api-key': key }, timeoutMs: 30_000 },
    signal,
  );
  if (res.status === 404) return { json: null, text: res.text };
  if (!res.json || typeof res.json !== 'object' || Array.isArray(res.json)) {
    throw new CallError('invalid_response', 'People Data Labs sent an answer without a JSON object.', {
      status: res.status,
      body: res.text.slice(0, 300),
      retryable: false,
    });
  }
  return { json: res.json as Json, text: res.text };
}

/** LinkedIn as PDL indexes it: "linkedin.com/company/slug". */
function pdlLinkedIn(ref: LinkedInRef): string {
  return ref.url.replace(/^https:\/\/www\./, '');
}

export function companyFromPdl(c: Json): CompanyProfile {
  const location = (c.location ?? {}) as Json;
  return {
    name: str(c.display_name) ?? str(c.name),
    website: str(c.website),
    industry: str(c.industry),
    size: str(c.size),
    employeeCount: num(c.employee_count),
    headquarters: str(location.name),
    founded: num(c.founded),
    description: str(c.summary) ?? str(c.headline),
    followers: num(c.linkedin_follower_count),
    linkedinUrl: canonicalLinkedInUrl(c.linkedin_url),
    linkedinId: str(c.linkedin_id),
  };
}

export function personFromPdl(p: Json): PersonProfile {
  const experience = Array.isArray(p.experience) ? (p.experience as Json[]) : [];
  const lines = experience.slice(0, 5).flatMap((e) => {
    const title = str((e.title as Json | null)?.name);
    const company = str((e.company as Json | null)?.name);
    if (!title && !company) return [];
    const from = str(e.start_date)?.slice(0, 4);
    const to = e.end_date === null || e.end_date === undefined ? 'present' : str(e.end_date)?.slice(0, 4);
    return [`${[title, company].filter(Boolean).join(' at ')}${from ? ` (${from}–${to})` : ''}`];
  });
  return {
    fullName: str(p.full_name),
    firstName: str(p.first_name),
    lastName: str(p.last_name),
    headline: str(p.headline),
    title: str(p.job_title),
    company: str(p.job_company_name),
    companyLinkedinUrl: canonicalLinkedInUrl(p.job_company_linkedin_url),
    location: str(p.location_name),
    country: countryCode(p.location_country),
    linkedinUrl: canonicalLinkedInUrl(p.linkedin_url),
    linkedinId: str(p.linkedin_id),
    experience: lines.length ? lines.join('; ') : null,
    summary: str(p.summary),
  };
}

/** {"united states": 60, "germany": 4} -> {"US": 60, "DE": 4}; names no code fits are kept under "unknown". */
export function countriesFromPdl(value: unknown): CountryCounts | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const out: CountryCounts = {};
  for (const [name, count] of Object.entries(value as Json)) {
    const n = num(count);
    if (n === null || n <= 0) continue;
    const code = countryCode(name) ?? 'unknown';
    out[code] = (out[code] ?? 0) + n;
  }
  return Object.keys(out).length ? out : null;
}

/** ISO code -> the lower-case English name PDL filters location_country by. */
function pdlCountryName(code: string): string | null {
  const name = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }).of(code.toUpperCase());
  return name ? name.toLowerCase() : null;
}

export const peopleDataLabs: LinkedInSource = {
  provider: pdlProvider,
  ratePerSecond: 16,
  burst: 16,

  async companyByUrl(access, company, signal) {
    const { json, text } = await call(
      access,
      { path: '/v5/company/enrich', query: { profile: pdlLinkedIn(company) } },
      signal,
    );
    return { value: json ? companyFromPdl(json) : null, raw: text };
  },

  async companySearch(access, query, signal) {
    const { json, text } = await call(
      access,
      { path: '/v5/company/enrich', query: { name: query.name, website: query.domain } },
      signal,
    );
    return { value: json ? companyFromPdl(json) : null, raw: text };
  },

  async personByUrl(access, person, signal) {
    const { json, text } = await call(
      access,
      { path: '/v5/person/enrich', query: { profile: pdlLinkedIn(person) } },
      signal,
    );
    const data = json?.data as Json | undefined;
    return { value: data ? personFromPdl(data) : null, raw: text };
  },

  async personSearch(access, query, signal) {
    const byParts = query.firstName && query.lastName;
    const { json, text } = await call(
      access,
      {
        path: '/v5/person/enrich',
        query: {
          name: byParts ? null : query.fullName,
          first_name: byParts ? query.firstName : null,
          last_name: byParts ? query.lastName : null,
          company: query.company,
          // a name alone matches many people: ask for a confident match, not the likeliest guess
          min_likelihood: query.company ? 4 : 7,
        },
      },
      signal,
    );
    const data = json?.data as Json | undefined;
    return { value: data ? personFromPdl(data) : null, raw: text };
  },

  async peoplePerCountry(access, company, signal) {
    const { json, text } = await call(
      access,
      { path: '/v5/company/enrich', query: { profile: pdlLinkedIn(company) } },
      signal,
    );
    return { value: json ? countriesFromPdl(json.employee_count_by_country) : null, raw: text };
  },

  async companyJobs(access, company, maxCount, signal) {
    const { json, text } = await call(
      access,
      {
        method: 'POST',
        path: '/v5/job_posting/search',
        body: {
          query: { bool: { must: [{ term: { company_linkedin_url: pdlLinkedIn(company) } }] } },
          size: Math.min(100, Math.max(1, maxCount)),
        },
      },
      signal,
    );
    const records = Array.isArray(json?.data) ? (json.data as Json[]) : [];
    if (records.length === 0) return { value: null, raw: text };
    const jobs: JobPosting[] = records.map((j) => {
      const locations = Array.isArray(j.locations) ? (j.locations as Json[]) : [];
      return {
        title: str(j.title_raw) ?? str(j.title),
        location: str(locations[0]?.name),
        postedAt: str(j.first_seen),
        // The documented record names no posting URL; none is made up.
        url: null,
      };
    });
    return { value: jobs, raw: text };
  },

  async companyEmployees(access, company, filters, signal) {
    const must: unknown[] = [{ term: { job_company_linkedin_url: pdlLinkedIn(company) } }];
    const country = filters.country ? pdlCountryName(filters.country) : null;
    if (country) must.push({ term: { location_country: country } });
    const keywords = filters.titleKeywords?.filter((k) => k.trim() !== '') ?? [];
    if (keywords.length) must.push({ bool: { should: keywords.map((k) => ({ match: { job_title: k } })) } });
    const { json, text } = await call(
      access,
      {
        method: 'POST',
        path: '/v5/person/search',
        body: { query: { bool: { must } }, size: Math.min(100, Math.max(1, filters.maxCount)) },
      },
      signal,
    );
    const records = Array.isArray(json?.data) ? (json.data as Json[]) : [];
    const employees: EmployeeRecord[] = records.map((r) => {
      const person = personFromPdl(r);
      const levels = Array.isArray(r.job_title_levels) ? r.job_title_levels : [];
      return {
        fullName: person.fullName,
        title: person.title,
        linkedinUrl: person.linkedinUrl,
        location: person.location,
        country: person.country,
        seniority: str(levels[0]),
      };
    });
    return { value: employees.length ? employees.slice(0, filters.maxCount) : null, raw: text };
  },
};
