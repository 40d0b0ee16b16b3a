// Enrich Layer (the Proxycurl-compatible API): company and person profiles by LinkedIn
// URL, company and person lookups by name, a company's job postings and its employees.
// Written from its OpenAPI description (https://enrichlayer.com/docs/api/v2/openapi.json):
// every call is a GET under /api/v2 with `Authorization: Bearer <key>`; 404 means no such
// profile; 403 means the account is out of credits (not a bad key); 429 is a rate limit
// (300 requests a minute on a regular account).
import { AppError } from '@shared/errors';
import { CallError } from '../../engine/scheduler';
import { splitFullName } from '../normalise';
import { type JsonRequest, num, requestJson, requireKey, str } from '../provider-http';
import type { ProviderAdapter, ProviderCall } from '../providers';
import type {
  CompanyProfile,
  EmployeeFilters,
  EmployeeRecord,
  JobPosting,
  LinkedInSource,
  Lookup,
  PersonProfile,
} from './types';
import { canonicalLinkedInUrl, type LinkedInRef } from './urls';

type Json = Record<string, unknown>;

export const enrichLayerProvider: ProviderAdapter = {
  id: 'enrichlayer',
  name: 'Enrich Layer',
  docsUrl: 'https://enrichlayer.com/docs/api/v2/openapi.json',
  baseUrl: 'https://enrichlayer.com',
  capabilities: [
    'company.linkedin',
    'company.search',
    'person.linkedin',
    'person.search',
    'company.jobs',
    'company.employees',
  ],
  needsKey: true,
  keyLabel: 'API key',
  async testConnection(call, signal) {
    const res = await get(call, { path: '/api/v2/credit-balance' }, signal);
    return `Connected: ${num((res.json as Json | null)?.credit_balance) ?? '?'} credits left.`;
  },
};

/** One GET; null for a 404. The out-of-credits 403 is told apart from a refused key. */
async function get(call: ProviderCall, request: JsonRequest, signal: AbortSignal) {
  const key = requireKey(enrichLayerProvider, call);
  const res = await requestJson(
    enrichLayerProvider,
    call,
    { ...request, headers: { authorization: `Bearer ${key}` }, accept: [403], timeoutMs: 60_000 },
    signal,
  );
  if (res.status === 403) {
    throw new CallError('http', 'Enrich Layer says the account has run out of credits (403).', {
      status: 403,
      retryable: false,
      body: res.text.slice(0, 300),
    });
  }
  return res;
}

async function getObject(
  call: ProviderCall,
  request: JsonRequest,
  signal: AbortSignal,
): Promise<{ json: Json | null; text: string }> {
  const res = await get(call, request, signal);
  if (res.status === 404) return { json: null, text: res.text };
  if (!res.json || typeof res.json !== 'object' || Array.isArray(res.json)) {
    throw new CallError('invalid_response', 'Enrich Layer sent an answer without a JSON object.', {
      status: res.status,
      body: res.text.slice(0, 300),
      retryable: false,
    });
  }
  return { json: res.json as Json, text: res.text };
}

export function companyFromEnrichLayer(p: Json, fallbackUrl: string | null): CompanyProfile {
  const hq = (p.hq ?? {}) as Json;
  const vanity = str(p.universal_name_id);
  return {
    name: str(p.name),
    website: str(p.website),
    industry: str(p.industry),
    size: sizeRange(p.company_size),
    employeeCount: num(p.company_size_on_linkedin),
    headquarters: joinParts(hq.city, hq.state, hq.country),
    founded: num(p.founded_year),
    description: str(p.description),
    followers: num(p.follower_count),
    linkedinUrl: vanity ? `https://www.linkedin.com/company/${vanity}` : fallbackUrl,
    linkedinId: str(p.linkedin_internal_id),
  };
}

export function personFromEnrichLayer(p: Json, fallbackUrl: string | null): PersonProfile {
  const experiences = Array.isArray(p.experiences) ? (p.experiences as Json[]) : [];
  const current = experiences.find((e) => e && e.ends_at === null) ?? experiences[0];
  const vanity = str(p.public_identifier);
  return {
    fullName: str(p.full_name) ?? joinParts(p.first_name, p.last_name, null, ' '),
    firstName: str(p.first_name),
    lastName: str(p.last_name),
    headline: str(p.headline) ?? str(p.occupation),
    title: current ? str(current.title) : null,
    company: current ? str(current.company) : null,
    companyLinkedinUrl: current ? canonicalLinkedInUrl(current.company_linkedin_profile_url) : null,
    location: str(p.location_str) ?? joinParts(p.city, p.state, p.country_full_name),
    country: str(p.country)?.toUpperCase() ?? null,
    linkedinUrl: vanity ? `https://www.linkedin.com/in/${vanity.toLowerCase()}` : fallbackUrl,
    linkedinId: vanity,
    experience: experienceLine(experiences),
    summary: str(p.summary),
  };
}

/** [1001, 5000] -> "1001-5000"; [10001, null] -> "10001+" */
function sizeRange(value: unknown): string | null {
  if (!Array.isArray(value)) return null;
  const [low, high] = [num(value[0]), num(value[1])];
  if (low === null) return null;
  return high === null ? `${low}+` : `${low}-${high}`;
}

function experienceLine(experiences: Json[]): string | null {
  const lines = experiences.slice(0, 5).flatMap((e) => {
    const title = str(e.title);
    const company = str(e.company);
    if (!title && !company) return [];
    const from = num((e.starts_at as Json | null)?.year);
    const to = e.ends_at === null ? 'present' : num((e.ends_at as Json | undefined)?.year);
    const years = from ? ` (${from}–${to ?? '?'})` : '';
    return [`${[title, company].filter(Boolean).join(' at ')}${years}`];
  });
  return lines.length ? lines.join('; ') : null;
}

function joinParts(a: unknown, b: unknown, c: unknown, sep = ', '): string | null {
  const parts = [a, b, c].map(str).filter((p): p is string => p !== null);
  return parts.length ? parts.join(sep) : null;
}

async function companyProfile(call: ProviderCall, company: LinkedInRef, signal: AbortSignal) {
  return getObject(call, { path: '/api/v2/company', query: { url: company.url } }, signal);
}

export const enrichLayer: LinkedInSource = {
  provider: enrichLayerProvider,
  ratePerSecond: 5,
  burst: 5,

  async companyByUrl(call, company, signal) {
    const { json, text } = await companyProfile(call, company, signal);
    return { value: json ? companyFromEnrichLayer(json, company.url) : null, raw: text };
  },

  async companySearch(call, query, signal) {
    const { json, text } = await getObject(
      call,
      {
        path: '/api/v2/company/resolve',
        query: { company_name: query.name, company_domain: query.domain, enrich_profile: 'enrich' },
      },
      signal,
    );
    const url = canonicalLinkedInUrl(json?.url);
    if (!json || !url) return { value: null, raw: text };
    const profile = json.profile as Json | null;
    if (profile && typeof profile === 'object')
      return { value: companyFromEnrichLayer(profile, url), raw: text };
    // Matched but without a cached profile: fetch it.
    const full = await getObject(call, { path: '/api/v2/company', query: { url } }, signal);
    return { value: full.json ? companyFromEnrichLayer(full.json, url) : null, raw: full.text };
  },

  async personByUrl(call, person, signal) {
    const { json, text } = await getObject(
      call,
      { path: '/api/v2/profile', query: { profile_url: person.url } },
      signal,
    );
    return { value: json ? personFromEnrichLayer(json, person.url) : null, raw: text };
  },

  async personSearch(call, query, signal) {
    if (!query.company) {
      throw new AppError(
        'invalid_value',
        'Enrich Layer looks a person up by name and company: this row has no company (map the Company input).',
      );
    }
    const [first, last] = splitFullName(query.fullName);
    const { json, text } = await getObject(
      call,
      {
        path: '/api/v2/profile/resolve',
        query: {
          first_name: query.firstName ?? first,
          last_name: query.lastName ?? last,
          company_domain: query.company,
          enrich_profile: 'enrich',
        },
      },
      signal,
    );
    const url = canonicalLinkedInUrl(json?.url);
    if (!json || !url) return { value: null, raw: text };
    const profile = json.profile as Json | null;
    if (profile && typeof profile === 'object')
      return { value: personFromEnrichLayer(profile, url), raw: text };
    const full = await getObject(call, { path: '/api/v2/profile', query: { profile_url: url } }, signal);
    return { value: full.json ? personFromEnrichLayer(full.json, url) : null, raw: full.text };
  },

  async companyJobs(call, company, maxCount, signal): Promise<Lookup<JobPosting[]>> {
    // Jobs are listed by the company's search_id, which only its profile tells.
    const profile = await companyProfile(call, company, signal);
    const searchId = str(profile.json?.search_id);
    if (!profile.json || !searchId) return { value: null, raw: profile.text };
    const jobs: JobPosting[] = [];
    let pagination: string | null = null;
    for (let page = 0; page < 10 && jobs.length < maxCount; page++) {
      const { json } = await getObject(
        call,
        { path: '/api/v2/company/job', query: { search_id: searchId, pagination } },
        signal,
      );
      const list = Array.isArray(json?.job) ? (json.job as Json[]) : [];
      for (const j of list) {
        jobs.push({
          title: str(j.job_title),
          location: str(j.location),
          postedAt: str(j.list_date),
          url: str(j.job_url),
        });
      }
      pagination = queryParam(json?.next_page_api_url, 'pagination');
      if (!pagination || list.length === 0) break;
    }
    const value = jobs.slice(0, maxCount);
    return { value, raw: JSON.stringify({ search_id: searchId, jobs: value.length }) };
  },

  async companyEmployees(call, company, filters, signal) {
    const employees = await listEmployees(call, company, filters, signal);
    return {
      value: employees.length ? employees : null,
      raw: JSON.stringify({ employees: employees.length }),
    };
  },
};

/**
 * The Employee Listing endpoint with profiles enriched (at most 10 a page), filtered by
 * title (Boolean Search Syntax) and country, paged with the `after` cursor of next_page.
 */
export async function listEmployees(
  call: ProviderCall,
  company: LinkedInRef,
  filters: EmployeeFilters,
  signal: AbortSignal,
): Promise<EmployeeRecord[]> {
  const out: EmployeeRecord[] = [];
  let after: string | null = null;
  const roles = filters.titleKeywords?.filter((k) => k.trim() !== '') ?? [];
  while (out.length < filters.maxCount) {
    const { json } = await getObject(
      call,
      {
        path: '/api/v2/company/employees/',
        query: {
          url: company.url,
          enrich_profiles: 'enrich',
          employment_status: 'current',
          page_size: Math.min(10, filters.maxCount - out.length),
          country: filters.country?.toLowerCase(),
          boolean_role_search: roles.length
            ? roles.map((r) => `"${r.replace(/"/g, '')}"`).join(' OR ')
            : null,
          after,
        },
      },
      signal,
    );
    const list = Array.isArray(json?.employees) ? (json.employees as Json[]) : [];
    for (const e of list) {
      const p = (e.profile ?? {}) as Json;
      const person = personFromEnrichLayer(p, canonicalLinkedInUrl(e.profile_url));
      out.push({
        fullName: person.fullName,
        title: person.title ?? person.headline,
        linkedinUrl: canonicalLinkedInUrl(e.profile_url) ?? person.linkedinUrl,
        location: person.location,
        country: person.country,
        seniority: null,
      });
    }
    after = queryParam(json?.next_page, 'after');
    if (!after || list.length === 0) break;
  }
  return out.slice(0, filters.maxCount);
}

function queryParam(url: unknown, name: string): string | null {
  if (typeof url !== 'string' || !url) return null;
  try {
    return new URL(url).searchParams.get(name);
  } catch {
    return null;
  }
}
