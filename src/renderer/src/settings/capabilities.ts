// The names the Providers screen and the Add column dialog give the catalogue's
// capabilities, and the order their groups appear in. Unknown capabilities (a new
// provider's) still show, under their id, after the known ones.

const LABELS: Record<string, string> = {
  'company.linkedin': 'Company profiles (LinkedIn)',
  'company.search': 'Company search',
  'company.employees': 'Company employees',
  'company.jobs': 'Job openings',
  'company.peoplePerCountry': 'People per country',
  'person.linkedin': 'People profiles (LinkedIn)',
  'person.search': 'People search',
  'person.email': 'Work email finding',
  'person.phone': 'Phone number finding',
  'email.verify': 'Email verification',
  'phone.lineType': 'Phone line type',
  'linkedin.searchExport': 'LinkedIn search export',
  'ai.llm': 'AI models',
};
const ORDER = Object.keys(LABELS);

export const capabilityLabel = (capability: string): string => LABELS[capability] ?? capability;

/** Sorts capability ids into the screen's order (known ones first, the rest by id). */
export function compareCapabilities(a: string, b: string): number {
  const ia = ORDER.indexOf(a);
  const ib = ORDER.indexOf(b);
  if (ia >= 0 && ib >= 0) return ia - ib;
  if (ia >= 0) return -1;
  if (ib >= 0) return 1;
  return a.localeCompare(b);
}
