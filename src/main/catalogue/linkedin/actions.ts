// The LinkedIn columns: a company or a person by LinkedIn URL or by name, a company's
// open jobs, and where its people are (people per country). Each asks one source
// (sources.ts), keys its cache by the normalised URL or name plus that source, and
// turns "nothing found" into a free not-found cell. A cell that holds something other
// than a LinkedIn URL of the right kind is an error cell that says what was expected.
// Company jobs may also add each job to the Jobs table; that never charges more than
// the lookup itself.
import type { ActionInfo, ActionOutput } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type {
  ActionDefinition,
  ActionOutcome,
  LinkedRows,
  LinkedRowsSpec,
  RowInput,
} from '../../engine/actions';
import { JOB_COLUMNS, plainColumns } from '../../workbook/table-seeds';
import { normaliseDomain } from '../normalise';
import type { ProviderCall } from '../providers';
import { chooseSource, type SourceMethod, sourcesWith } from './sources';
import type {
  CompanyProfile,
  CountryCounts,
  JobPosting,
  LinkedInSource,
  Lookup,
  PersonProfile,
} from './types';
import { type LinkedInKind, linkedInUrlOf } from './urls';

const PROFILE_TTL = 30 * 24 * 3600;
const JOBS_TTL = 24 * 3600;

const COMPANY_OUTPUTS: ActionOutput[] = [
  { key: 'name', label: 'Company name', type: 'text' },
  { key: 'website', label: 'Website', type: 'url' },
  { key: 'industry', label: 'Industry', type: 'text' },
  { key: 'size', label: 'Company size', type: 'text' },
  { key: 'employeeCount', label: 'Employees', type: 'number' },
  { key: 'headquarters', label: 'Headquarters', type: 'text' },
  { key: 'founded', label: 'Founded', type: 'number' },
  { key: 'description', label: 'Description', type: 'text' },
  { key: 'followers', label: 'LinkedIn followers', type: 'number' },
  { key: 'linkedinUrl', label: 'Company LinkedIn URL', type: 'url' },
  { key: 'linkedinId', label: 'Company LinkedIn ID', type: 'text' },
];

const PERSON_OUTPUTS: ActionOutput[] = [
  { key: 'fullName', label: 'Full name', type: 'text' },
  { key: 'firstName', label: 'First name', type: 'text' },
  { key: 'lastName', label: 'Last name', type: 'text' },
  { key: 'headline', label: 'Headline', type: 'text' },
  { key: 'title', label: 'Job title', type: 'text' },
  { key: 'company', label: 'Company', type: 'text' },
  { key: 'companyLinkedinUrl', label: 'Company LinkedIn URL', type: 'url' },
  { key: 'location', label: 'Location', type: 'text' },
  { key: 'country', label: 'Country', type: 'text' },
  { key: 'linkedinUrl', label: 'LinkedIn URL', type: 'url' },
  { key: 'linkedinId', label: 'LinkedIn ID', type: 'text' },
  { key: 'experience', label: 'Experience', type: 'text' },
  { key: 'summary', label: 'About', type: 'text' },
];

/** How one column reads its row, keys it, asks its source and lays out the answer. */
interface Spec<Q, T, O> {
  /** the price is the licensing server's default for the action id (src/server/prices.ts) */
  info: Omit<ActionInfo, 'providers'>;
  method: SourceMethod;
  /** the action's own options, checked (AppError('invalid_input')) */
  parse(options: Record<string, unknown>): O;
  /** null: the row asks nothing (empty cells), a free not-found */
  read(row: RowInput, inputs: Record<string, string>): Q | null;
  key(query: Q, options: O): string;
  ask(
    source: LinkedInSource,
    call: ProviderCall,
    query: Q,
    options: O,
    signal: AbortSignal,
  ): Promise<Lookup<T>>;
  values(value: T): Record<string, unknown>;
  /**
   * Rows an answer also adds to another table, when the options ask for it. The outcome
   * always carries them, so that a cached answer can still fill the table later.
   */
  linked?: { spec(options: O): LinkedRowsSpec | null; rows(value: T, query: Q): LinkedRows };
}

const noOptions = (): null => null;

function define<Q, T, O>(spec: Spec<Q, T, O>): ActionDefinition {
  const info: ActionInfo = { ...spec.info, providers: sourcesWith(spec.method).map((s) => s.provider.id) };
  return {
    info,
    prepare(options, context) {
      const parsed = spec.parse(options);
      const source = chooseSource(info.id, info.name, spec.method, options, context);
      const id = source.provider.id;
      // cacheKey and execute see the same row one after the other: read it once.
      let lastRow: RowInput | null = null;
      let lastQuery: Q | null = null;
      const read = (row: RowInput): Q | null => {
        if (row !== lastRow) {
          lastQuery = spec.read(row, context.inputs);
          lastRow = row;
        }
        return lastQuery;
      };
      return {
        providerId: id,
        ratePerSecond: source.ratePerSecond,
        burst: source.burst,
        columns: Object.values(context.inputs),
        outputKeys: info.outputs.map((o) => o.key),
        linkedRows: spec.linked?.spec(parsed) ?? undefined,
        cacheKey: (row) => {
          const query = read(row);
          return query === null ? `${id}|` : `${id}|${spec.key(query, parsed)}`;
        },
        async execute(row, signal): Promise<ActionOutcome> {
          const query = read(row);
          if (query === null)
            return { status: 'not_found', raw: '{"reason":"nothing to look up in this row"}', provider: id };
          const found = await spec.ask(
            source,
            context.providers.call(source.provider),
            query,
            parsed,
            signal,
          );
          if (found.value === null)
            return { status: 'not_found', raw: found.raw || '{"found":false}', provider: id };
          return {
            status: 'done',
            values: spec.values(found.value),
            raw: found.raw,
            provider: id,
            linkedRows: spec.linked?.rows(found.value, query),
          };
        },
      };
    },
  };
}

function cell(row: RowInput, column: string | undefined): string {
  if (!column) return '';
  const value = row[column];
  return value === null || value === undefined ? '' : String(value).trim();
}

function urlSpec(kind: LinkedInKind) {
  return {
    read: (row: RowInput, inputs: Record<string, string>) => {
      const text = cell(row, inputs.linkedinUrl);
      return text ? linkedInUrlOf(text, kind) : null;
    },
    key: (ref: { url: string }, _options: unknown) => ref.url,
  };
}

const normName = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

function missing(what: string): never {
  throw new AppError('invalid_value', what);
}

type Ref = ReturnType<typeof linkedInUrlOf>;

/** The method the spec's `method` names; sourcesWith() only offers sources that have it. */
function method<K extends SourceMethod>(source: LinkedInSource, name: K): NonNullable<LinkedInSource[K]> {
  const fn = source[name];
  if (typeof fn !== 'function')
    throw new AppError('internal', `${source.provider.name} cannot answer ${name}.`);
  return fn.bind(source) as NonNullable<LinkedInSource[K]>;
}

export const companyByUrl = define<Ref, CompanyProfile, null>({
  info: {
    id: 'company.linkedin.byUrl',
    name: 'Company from LinkedIn URL',
    description:
      'The company behind a LinkedIn company page: name, website, industry, size, headquarters, founding year, followers.',
    inputs: [{ key: 'linkedinUrl', label: 'Company LinkedIn URL', required: true }],
    outputs: COMPANY_OUTPUTS,
    price: 1,
    cacheTtlSeconds: PROFILE_TTL,
    tables: ['companies'],
  },
  method: 'companyByUrl',
  parse: noOptions,
  ...urlSpec('company'),
  ask: (source, call, ref, _o, signal) => method(source, 'companyByUrl')(call, ref, signal),
  values: (v) => ({ ...v }),
});

export const companyByName = define<{ name: string; domain: string | null }, CompanyProfile, null>({
  info: {
    id: 'company.linkedin.byName',
    name: 'Company from name',
    description:
      'Finds a company on LinkedIn by its name (its website or domain, when you have it, picks the right one) and fills its profile.',
    inputs: [
      { key: 'name', label: 'Company name', required: true },
      { key: 'domain', label: 'Website or domain (a hint)', required: false },
    ],
    outputs: COMPANY_OUTPUTS,
    price: 2,
    cacheTtlSeconds: PROFILE_TTL,
    tables: ['companies'],
  },
  method: 'companySearch',
  parse: noOptions,
  read: (row, inputs) => {
    const name = cell(row, inputs.name);
    const domain = normaliseDomain(cell(row, inputs.domain));
    return name || domain ? { name, domain } : null;
  },
  key: (q) => `${normName(q.name)}|${q.domain ?? ''}`,
  ask: (source, call, q, _o, signal) => method(source, 'companySearch')(call, q, signal),
  values: (v) => ({ ...v }),
});

export const personByUrl = define<Ref, PersonProfile, null>({
  info: {
    id: 'person.linkedin.byUrl',
    name: 'Person from LinkedIn URL',
    description:
      'The person behind a LinkedIn profile: name, headline, current title and company, location and country.',
    inputs: [{ key: 'linkedinUrl', label: 'LinkedIn profile URL', required: true }],
    outputs: PERSON_OUTPUTS,
    price: 1,
    cacheTtlSeconds: PROFILE_TTL,
    tables: ['contacts'],
  },
  method: 'personByUrl',
  parse: noOptions,
  ...urlSpec('person'),
  ask: (source, call, ref, _o, signal) => method(source, 'personByUrl')(call, ref, signal),
  values: (v) => ({ ...v }),
});

type PersonInput = {
  fullName: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
};

export const personByName = define<PersonInput, PersonProfile, null>({
  info: {
    id: 'person.linkedin.byName',
    name: 'Person from name',
    description:
      'Finds a person on LinkedIn by name (full, or first and last), with their company as a hint, and fills their profile.',
    inputs: [
      { key: 'fullName', label: 'Full name', required: false },
      { key: 'firstName', label: 'First name', required: false },
      { key: 'lastName', label: 'Last name', required: false },
      { key: 'company', label: 'Company name or domain (a hint)', required: false },
    ],
    outputs: PERSON_OUTPUTS,
    price: 2,
    cacheTtlSeconds: PROFILE_TTL,
    tables: ['contacts'],
  },
  method: 'personSearch',
  parse: noOptions,
  read: (row, inputs) => {
    if (!inputs.fullName && !(inputs.firstName && inputs.lastName)) {
      missing('Person from name needs a Full name column, or First name and Last name columns.');
    }
    const first = cell(row, inputs.firstName) || null;
    const last = cell(row, inputs.lastName) || null;
    const fullName = cell(row, inputs.fullName) || [first, last].filter(Boolean).join(' ');
    if (!fullName) return null;
    return { fullName, firstName: first, lastName: last, company: cell(row, inputs.company) || null };
  },
  key: (q) => `${normName(q.fullName)}|${normName(q.company ?? '')}`,
  ask: (source, call, q, _o, signal) => method(source, 'personSearch')(call, q, signal),
  values: (v) => ({ ...v }),
});

const DEFAULT_MAX_JOBS = 25;

interface JobsOptions {
  maxJobs: number;
  /** each job also becomes a row of the Jobs table, linked to the company */
  expandToTable: boolean;
}

/**
 * The Jobs table: one row per posting, deduplicated by its URL, or, for a source that
 * gives none (People Data Labs), by title, location and company together. The rows come
 * with the lookup: adding them costs nothing more.
 */
const JOBS_TABLE: LinkedRowsSpec = {
  tableKind: 'jobs',
  tableName: 'Jobs',
  columns: plainColumns(JOB_COLUMNS),
  dedupe: [['URL'], ['Title', 'Location', 'Company LinkedIn URL']],
  chargePer: 'lookup',
};

export const companyJobs = define<Ref, JobPosting[], JobsOptions>({
  info: {
    id: 'company.jobs',
    name: 'Company jobs',
    description:
      "A company's open job postings (title, location, date posted, link) as a list, and how many there are. Optionally each job also becomes a row of the Jobs table, linked to the company and never added twice, at no extra cost: the price is per company looked up.",
    inputs: [{ key: 'linkedinUrl', label: 'Company LinkedIn URL', required: true }],
    outputs: [
      { key: 'jobs', label: 'Jobs', type: 'json' },
      { key: 'count', label: 'Open jobs', type: 'number' },
    ],
    options: [
      {
        key: 'maxJobs',
        label: 'Most jobs per company',
        type: 'integer',
        default: DEFAULT_MAX_JOBS,
        min: 1,
        max: 100,
      },
      {
        key: 'expandToTable',
        label: 'Also add each job to the Jobs table, linked to the company',
        hint: 'Created if the workbook has none; a job already there is not added again. No extra credits.',
        type: 'boolean',
        default: false,
      },
    ],
    price: 2,
    // Postings open and close daily.
    cacheTtlSeconds: JOBS_TTL,
    tables: ['companies'],
  },
  method: 'companyJobs',
  parse: (options) => {
    const maxJobs = options.maxJobs ?? DEFAULT_MAX_JOBS;
    if (typeof maxJobs !== 'number' || !Number.isInteger(maxJobs) || maxJobs < 1 || maxJobs > 100) {
      throw new AppError(
        'invalid_input',
        'Company jobs: the most jobs per company (maxJobs) is a whole number from 1 to 100.',
      );
    }
    const expandToTable = options.expandToTable ?? false;
    if (typeof expandToTable !== 'boolean') {
      throw new AppError('invalid_input', 'Company jobs: expandToTable is true or false.');
    }
    return { maxJobs, expandToTable };
  },
  read: urlSpec('company').read,
  // Whether jobs go to the table does not change the question: one cached answer serves both.
  key: (ref, o) => `${ref.url}|max=${o.maxJobs}`,
  ask: (source, call, ref, o, signal) => method(source, 'companyJobs')(call, ref, o.maxJobs, signal),
  values: (jobs) => ({ jobs, count: jobs.length }),
  linked: {
    spec: (o) => (o.expandToTable ? JOBS_TABLE : null),
    rows: (jobs, ref) =>
      jobs
        .filter((j) => j.url || j.title)
        .map((j) => ({
          Title: j.title,
          Location: j.location,
          Posted: j.postedAt,
          URL: j.url,
          'Company LinkedIn URL': ref.url,
        })),
  },
});

/** Counts largest first, so the map reads as a ranking. */
function ranked(counts: CountryCounts): CountryCounts {
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}

export const peoplePerCountry = define<Ref, CountryCounts, null>({
  info: {
    id: 'company.peoplePerCountry',
    name: 'People per country',
    description:
      "Where a company's people work: a map of country code to head count, the top country and the total.",
    inputs: [{ key: 'linkedinUrl', label: 'Company LinkedIn URL', required: true }],
    outputs: [
      { key: 'countries', label: 'People per country', type: 'json' },
      { key: 'topCountry', label: 'Top country', type: 'text' },
      { key: 'total', label: 'People counted', type: 'number' },
    ],
    price: 2,
    cacheTtlSeconds: PROFILE_TTL,
    tables: ['companies'],
  },
  method: 'peoplePerCountry',
  parse: noOptions,
  ...urlSpec('company'),
  ask: (source, call, ref, _o, signal) => method(source, 'peoplePerCountry')(call, ref, signal),
  values: (counts) => {
    const countries = ranked(counts);
    const topCountry = Object.keys(countries).find((c) => c !== 'unknown') ?? null;
    const total = Object.values(countries).reduce((a, b) => a + b, 0);
    return { countries, topCountry, total };
  },
});

export const LINKEDIN_ACTIONS: ActionDefinition[] = [
  companyByUrl,
  companyByName,
  personByUrl,
  personByName,
  companyJobs,
  peoplePerCountry,
];
