// The columns each kind of table starts with. Actions that fill a table of their own
// (the Jobs table of company.jobs) read the same list, so the two never drift apart.
import type { ColumnInfo, ColumnType } from '@shared/model';

export type ColumnSeed = { name: string; type: ColumnType; system?: ColumnInfo['system'] };

export const COMPANY_COLUMNS: ColumnSeed[] = [
  { name: 'Name', type: 'text' },
  { name: 'Website', type: 'url' },
  { name: 'LinkedIn URL', type: 'url' },
];
export const CONTACT_COLUMNS: ColumnSeed[] = [
  { name: 'First Name', type: 'text' },
  { name: 'Last Name', type: 'text' },
  { name: 'Title', type: 'text' },
  { name: 'Email', type: 'email' },
  { name: 'Phone', type: 'phone' },
  { name: 'LinkedIn URL', type: 'url' },
  { name: 'Company', type: 'number', system: 'company_link' },
];
export const JOB_COLUMNS: ColumnSeed[] = [
  { name: 'Title', type: 'text' },
  { name: 'Location', type: 'text' },
  { name: 'Posted', type: 'date' },
  { name: 'URL', type: 'url' },
  { name: 'Company LinkedIn URL', type: 'url' },
  { name: 'Company', type: 'number', system: 'company_link' },
];

/** A seed's user columns (not the system link), as name -> type. */
export function plainColumns(seeds: ColumnSeed[]): Record<string, ColumnType> {
  return Object.fromEntries(seeds.filter((c) => !c.system).map((c) => [c.name, c.type]));
}
