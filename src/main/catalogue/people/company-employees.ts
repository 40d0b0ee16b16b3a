// "Add contacts to a company": the people a LinkedIn data provider lists for a company
// become rows of the Contacts table, each linked to the company row, deduplicated by
// LinkedIn URL. Filters: title keywords and country (sent to the provider), seniority
// (kept when the provider names one, or read from the title), and the most contacts per
// company. Charged per contact actually added: the engine counts the rows its writer
// inserts, so a person already in Contacts costs nothing.
import type { ActionInfo } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import type { ActionDefinition, ActionOutcome, LinkedRowsSpec, RowInput } from '../../engine/actions';
import { COMPANY_EMPLOYEE_SOURCES, companyEmployeesSource, type EmployeeRecord } from '../linkedin';
import { chooseSource } from '../linkedin/sources';
import { linkedInUrlOf } from '../linkedin/urls';
import { splitFullName } from '../normalise';

export const MAX_CONTACTS_PER_COMPANY = 100;

/** Seniority levels and the title words that say them, for providers that give no level. */
const SENIORITY_WORDS: Record<string, RegExp> = {
  cxo: /\b(chief|ceo|cto|cfo|coo|cmo|cio|ciso|cpo|founder|co-founder|owner|president)\b/i,
  vp: /\b(vp|vice president|svp|evp)\b/i,
  director: /\b(director|head of)\b/i,
  manager: /\b(manager|lead|supervisor)\b/i,
  senior: /\b(senior|sr\.?|principal|staff)\b/i,
  entry: /\b(junior|jr\.?|intern|trainee|assistant|associate)\b/i,
};
export const SENIORITIES = Object.keys(SENIORITY_WORDS);

const SENIORITY_LABELS: Record<string, string> = {
  cxo: 'C-level and founders',
  vp: 'Vice presidents',
  director: 'Directors and heads',
  manager: 'Managers',
  senior: 'Senior',
  entry: 'Entry level',
};

const LINKED: LinkedRowsSpec = {
  tableKind: 'contacts',
  tableName: 'Contacts',
  columns: {
    'First Name': 'text',
    'Last Name': 'text',
    Title: 'text',
    'LinkedIn URL': 'url',
    Location: 'text',
    Country: 'text',
    Seniority: 'text',
  },
  dedupe: [['LinkedIn URL']],
  chargePer: 'row_added',
  countKey: 'added',
};

const info: ActionInfo = {
  id: 'company.employees',
  name: 'Add contacts from LinkedIn',
  description:
    "The company's people on LinkedIn become linked rows in Contacts (deduplicated by LinkedIn URL), filtered by title keywords, seniority and country; charged per contact added.",
  inputs: [{ key: 'companyUrl', label: 'Company LinkedIn URL', required: true }],
  outputs: [
    { key: 'added', label: 'Contacts added', type: 'number' },
    { key: 'found', label: 'People found', type: 'number' },
  ],
  price: 1,
  cacheTtlSeconds: 7 * 24 * 3600,
  tables: ['companies'],
  providers: COMPANY_EMPLOYEE_SOURCES.map((s) => s.provider.id),
  options: [
    {
      key: 'maxCount',
      label: 'Most contacts per company',
      type: 'integer',
      default: 25,
      min: 1,
      max: MAX_CONTACTS_PER_COMPANY,
      hint: 'The quote reserves this many per company; only contacts actually added are charged.',
    },
    {
      key: 'titleKeywords',
      label: 'Title keywords',
      type: 'text',
      default: '',
      maxLength: 500,
      placeholder: 'e.g. sales, marketing, growth',
      hint: 'Comma-separated; a contact matches any of them. Empty: every title.',
    },
    {
      key: 'seniority',
      label: 'Seniority',
      type: 'choices',
      default: [],
      choices: SENIORITIES.map((value) => ({ value, label: SENIORITY_LABELS[value] ?? value })),
      hint: 'None picked: every seniority.',
    },
    {
      key: 'country',
      label: 'Country',
      type: 'text',
      default: '',
      maxLength: 2,
      placeholder: 'DE',
      hint: 'A two-letter ISO code; empty: every country.',
    },
  ],
};

interface Options {
  provider: string | null;
  titleKeywords: string[];
  seniority: string[];
  country: string | null;
  maxCount: number;
}

function parseOptions(raw: Record<string, unknown>): Options {
  const list = (value: unknown, what: string): string[] => {
    if (value === undefined || value === null || value === '') return [];
    const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : null;
    if (!items || items.some((i) => typeof i !== 'string')) {
      throw new AppError('invalid_input', `Add contacts: ${what} is a list of words.`);
    }
    return (items as string[]).map((i) => i.trim()).filter((i) => i !== '');
  };
  const titleKeywords = list(raw.titleKeywords, 'title keywords');
  const seniority = list(raw.seniority, 'seniority').map((s) => s.toLowerCase());
  const unknown = seniority.find((s) => !SENIORITY_WORDS[s]);
  if (unknown) {
    throw new AppError(
      'invalid_input',
      `Add contacts: “${unknown}” is not a seniority (${SENIORITIES.join(', ')}).`,
    );
  }
  const country =
    typeof raw.country === 'string' && raw.country.trim() ? raw.country.trim().toUpperCase() : null;
  if (country && !/^[A-Z]{2}$/.test(country)) {
    throw new AppError('invalid_input', `Add contacts: the country is a two-letter ISO code like DE or US.`);
  }
  const maxCount = raw.maxCount === undefined ? 25 : Number(raw.maxCount);
  if (!Number.isInteger(maxCount) || maxCount < 1 || maxCount > MAX_CONTACTS_PER_COMPANY) {
    throw new AppError(
      'invalid_input',
      `Add contacts: add between 1 and ${MAX_CONTACTS_PER_COMPANY} contacts per company.`,
    );
  }
  const provider = typeof raw.provider === 'string' && raw.provider ? raw.provider : null;
  return { provider, titleKeywords, seniority, country, maxCount };
}

/** The seniority a record states, or the first its title implies. */
function seniorityOf(record: EmployeeRecord): string | null {
  const stated = record.seniority?.toLowerCase() ?? null;
  if (stated) return stated;
  const title = record.title ?? '';
  return SENIORITIES.find((s) => SENIORITY_WORDS[s]?.test(title)) ?? null;
}

export const companyEmployees: ActionDefinition = {
  info,
  prepare(rawOptions, context) {
    const options = parseOptions(rawOptions);
    // The same choice as every LinkedIn column: the one named, else the user's order, keyed first.
    const picked = chooseSource(info.id, 'Add contacts', 'companyEmployees', rawOptions, context);
    const chosen = companyEmployeesSource(picked.provider.id);
    if (!chosen) throw new AppError('internal', 'Add contacts: no provider lists employees.');
    const column = context.inputs.companyUrl as string;
    const urlOf = (row: RowInput): string => {
      const value = row[column];
      return value === null || value === undefined ? '' : String(value).trim();
    };
    // The seniority filter is applied here, after the provider's own filters: ask for more
    // than the maximum so that filtering still leaves enough.
    const ask = options.seniority.length
      ? Math.min(MAX_CONTACTS_PER_COMPANY, options.maxCount * 3)
      : options.maxCount;
    const filtersKey = JSON.stringify([
      options.titleKeywords,
      options.seniority,
      options.country,
      options.maxCount,
    ]);
    return {
      providerId: chosen.provider.id,
      ratePerSecond: chosen.ratePerSecond,
      burst: chosen.burst,
      columns: [],
      outputKeys: info.outputs.map((o) => o.key),
      maxUnits: options.maxCount,
      linkedRows: LINKED,
      cacheKey: (row) => {
        const url = urlOf(row);
        let canonical = url;
        try {
          canonical = linkedInUrlOf(url, 'company').url;
        } catch {
          // execute reports the bad URL
        }
        return `${canonical}|${filtersKey}`;
      },
      async execute(row, signal): Promise<ActionOutcome> {
        const url = urlOf(row);
        if (!url) return { status: 'not_found', raw: '{"reason":"no company LinkedIn URL in the cell"}' };
        const company = linkedInUrlOf(url, 'company');
        const found = await chosen.list(
          context.providers.call(chosen.provider),
          company.url,
          { titleKeywords: options.titleKeywords, country: options.country ?? undefined, maxCount: ask },
          signal,
        );
        const people = (found.value ?? [])
          .filter((p) => p.linkedinUrl)
          .filter((p) => !options.country || !p.country || p.country.toUpperCase() === options.country)
          .filter((p) => options.seniority.length === 0 || options.seniority.includes(seniorityOf(p) ?? ''))
          .slice(0, options.maxCount);
        if (people.length === 0) return { status: 'not_found', raw: found.raw, provider: chosen.provider.id };
        return {
          status: 'done',
          values: { added: people.length, found: people.length },
          raw: found.raw,
          provider: chosen.provider.id,
          linkedRows: people.map((p) => {
            const [first, last] = splitFullName(p.fullName);
            return {
              'First Name': first,
              'Last Name': last,
              Title: p.title,
              'LinkedIn URL': p.linkedinUrl,
              Location: p.location,
              Country: p.country,
              Seniority: seniorityOf(p),
            };
          }),
        };
      },
    };
  },
};
