// The shapes every LinkedIn data source is mapped into, whatever the provider calls its
// fields: one company, one person, a job posting, a company's people per country, a
// company's employees. Actions read only these, so adding a provider is one adapter and
// no change to an action. A lookup that finds nothing returns `value: null` (a free
// not-found cell); a lookup that fails throws a CallError.
import type { ProviderAdapter, ProviderCall } from '../providers';
import type { LinkedInRef } from './urls';

export interface CompanyProfile {
  name: string | null;
  website: string | null;
  industry: string | null;
  /** the employee range, e.g. "51-200" or "10001+" */
  size: string | null;
  employeeCount: number | null;
  headquarters: string | null;
  founded: number | null;
  description: string | null;
  followers: number | null;
  linkedinUrl: string | null;
  linkedinId: string | null;
}

export interface PersonProfile {
  fullName: string | null;
  firstName: string | null;
  lastName: string | null;
  headline: string | null;
  title: string | null;
  company: string | null;
  companyLinkedinUrl: string | null;
  location: string | null;
  /** ISO 3166-1 alpha-2 where the provider says it (or it can be read from a name) */
  country: string | null;
  linkedinUrl: string | null;
  linkedinId: string | null;
  /** current and past roles in one line each: "Title at Company (2014–present)" */
  experience: string | null;
  summary: string | null;
}

export interface JobPosting {
  title: string | null;
  location: string | null;
  /** YYYY-MM-DD */
  postedAt: string | null;
  url: string | null;
}

/** ISO country code (or "unknown") -> number of people */
export type CountryCounts = Record<string, number>;

export interface EmployeeRecord {
  fullName: string | null;
  title: string | null;
  linkedinUrl: string | null;
  location: string | null;
  country: string | null;
  /** the provider's seniority or level when it gives one (e.g. "cxo", "director") */
  seniority: string | null;
}

export interface EmployeeFilters {
  /** any of these words in the current title */
  titleKeywords?: string[];
  /** ISO 3166-1 alpha-2 */
  country?: string;
  /** the most employees to return (a provider may charge per employee) */
  maxCount: number;
}

export interface CompanyQuery {
  name: string;
  /** a website or bare domain, as a hint */
  domain: string | null;
}

export interface PersonQuery {
  firstName: string | null;
  lastName: string | null;
  fullName: string;
  /** company name or domain, as a hint */
  company: string | null;
}

/** What a lookup found (null: nothing, which is free) and what to keep for the cell's audit. */
export interface Lookup<T> {
  value: T | null;
  raw: string;
}

type Signal = AbortSignal;

/**
 * One provider's LinkedIn data, as far as it serves it. Methods a provider lacks are
 * absent; the actions list only the sources that have theirs.
 */
export interface LinkedInSource {
  provider: ProviderAdapter;
  /** calls per second and burst, from the provider's documented limits */
  ratePerSecond: number;
  burst: number;
  companyByUrl?(call: ProviderCall, company: LinkedInRef, signal: Signal): Promise<Lookup<CompanyProfile>>;
  companySearch?(call: ProviderCall, query: CompanyQuery, signal: Signal): Promise<Lookup<CompanyProfile>>;
  personByUrl?(call: ProviderCall, person: LinkedInRef, signal: Signal): Promise<Lookup<PersonProfile>>;
  personSearch?(call: ProviderCall, query: PersonQuery, signal: Signal): Promise<Lookup<PersonProfile>>;
  companyJobs?(
    call: ProviderCall,
    company: LinkedInRef,
    maxCount: number,
    signal: Signal,
  ): Promise<Lookup<JobPosting[]>>;
  peoplePerCountry?(call: ProviderCall, company: LinkedInRef, signal: Signal): Promise<Lookup<CountryCounts>>;
  companyEmployees?(
    call: ProviderCall,
    company: LinkedInRef,
    filters: EmployeeFilters,
    signal: Signal,
  ): Promise<Lookup<EmployeeRecord[]>>;
}
