// The LinkedIn area of the catalogue: its columns, its providers, and the employee
// listing a teammate's "Add contacts" and "Import from a LinkedIn search" build on.
import type { ActionDefinition } from '../../engine/actions';
import type { ProviderAdapter } from '../providers';
import { LINKEDIN_ACTIONS } from './actions';
import { LINKEDIN_SOURCES } from './sources';

export const actions: ActionDefinition[] = LINKEDIN_ACTIONS;
export const providers: ProviderAdapter[] = LINKEDIN_SOURCES.map((s) => s.provider);

export { COMPANY_EMPLOYEE_SOURCES, type CompanyEmployeesSource, companyEmployeesSource } from './employees';
export type { CompanyProfile, EmployeeFilters, EmployeeRecord, JobPosting, PersonProfile } from './types';
export { canonicalLinkedInUrl, type LinkedInRef, linkedInUrlOf, parseLinkedInUrl } from './urls';
