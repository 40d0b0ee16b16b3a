// A company's employees, for "Add contacts to a company" and the LinkedIn search import:
// each provider that can list the people working at a company (name, title, profile URL,
// location and country, seniority where it has one), filtered by title keywords and
// country, up to a count. Adapters map the provider's request and response; the action
// that turns them into linked contact rows (and charges per contact) is built on top.
import type { ProviderAdapter, ProviderCall } from '../providers';
import { sourcesWith } from './sources';
import type { EmployeeFilters, EmployeeRecord, Lookup } from './types';
import { linkedInUrlOf } from './urls';

export type { EmployeeFilters, EmployeeRecord } from './types';

export interface CompanyEmployeesSource {
  provider: ProviderAdapter;
  ratePerSecond: number;
  burst: number;
  /**
   * The company's current employees matching the filters, at most `filters.maxCount`;
   * `value: null` when it has none (free). Throws AppError('invalid_value') for a URL that
   * is not a LinkedIn company page, CallError when the provider fails.
   */
  list(
    call: ProviderCall,
    companyLinkedInUrl: string,
    filters: EmployeeFilters,
    signal: AbortSignal,
  ): Promise<Lookup<EmployeeRecord[]>>;
}

/** Every provider that lists employees, in the catalogue's default order. */
export const COMPANY_EMPLOYEE_SOURCES: CompanyEmployeesSource[] = sourcesWith('companyEmployees').map(
  (s) => ({
    provider: s.provider,
    ratePerSecond: s.ratePerSecond,
    burst: s.burst,
    list: async (call, url, filters, signal) => {
      const company = linkedInUrlOf(url, 'company');
      const maxCount = Math.max(1, Math.floor(filters.maxCount));
      const country = filters.country?.trim().toUpperCase() || undefined;
      return (s.companyEmployees as NonNullable<typeof s.companyEmployees>)(
        call,
        company,
        { ...filters, maxCount, country },
        signal,
      );
    },
  }),
);

export function companyEmployeesSource(providerId: string): CompanyEmployeesSource | undefined {
  return COMPANY_EMPLOYEE_SOURCES.find((s) => s.provider.id === providerId);
}
