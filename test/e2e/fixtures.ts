// Files the end-to-end tests feed the app and read back: deterministic company lists
// written as CSV, and a reader for the CSV files the app exports. Every expected value
// in the tests is computed from these rows, never copied from the app.
import { readFileSync, writeFileSync } from 'node:fs';
import { CsvParser } from '../../src/main/import/csv-parser';

export interface Company {
  name: string;
  employees: number;
  founded: string;
  email: string;
  city: string;
}

export const CITIES = ['Berlin', 'Paris', 'Lisbon', 'Oslo', 'Rome'];
const WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne'];

/**
 * `n` companies (n < 10,007). Every 7th is a "… Labs"; employee counts are all different
 * (a permutation of 1..10,007), so a sort has exactly one right answer.
 */
export function companies(n: number): Company[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    const year = 1990 + (i % 35);
    const month = String((i % 12) + 1).padStart(2, '0');
    const day = String((i % 28) + 1).padStart(2, '0');
    return {
      name: `${WORDS[i % WORDS.length]} ${i % 7 === 0 ? 'Labs' : 'Group'} ${i}`,
      employees: ((i * 7919) % 10_007) + 1,
      founded: `${year}-${month}-${day}`,
      email: `hello${i}@company${i}.example`,
      city: CITIES[i % CITIES.length] as string,
    };
  });
}

const quote = (field: string, delimiter: string): string =>
  field.includes('"') || field.includes(delimiter) || /[\r\n]/.test(field)
    ? `"${field.replace(/"/g, '""')}"`
    : field;

/** Writes rows as CSV (header first) with RFC 4180 quoting. */
export function writeCsv(path: string, rows: (string | number)[][], delimiter = ','): void {
  const text = rows.map((row) => row.map((f) => quote(String(f), delimiter)).join(delimiter)).join('\n');
  writeFileSync(path, `${text}\n`);
}

export const COMPANY_HEADER = ['Name', 'Employees', 'Founded', 'Email', 'City'];

export function writeCompaniesCsv(path: string, list: Company[]): void {
  writeCsv(path, [COMPANY_HEADER, ...list.map((c) => [c.name, c.employees, c.founded, c.email, c.city])]);
}

/** A CSV file the app exported: its records, header first (after checking for Excel's BOM). */
export function readExportedCsv(path: string): string[][] {
  const text = readFileSync(path, 'utf8');
  if (!text.startsWith('\uFEFF')) throw new Error(`${path} does not start with a UTF-8 byte-order mark`);
  const problems: string[] = [];
  const parser = new CsvParser({
    delimiter: ',',
    onProblem: (p) => problems.push(`line ${p.line}: ${p.reason}`),
  });
  parser.push(text.slice(1));
  parser.end();
  if (problems.length) throw new Error(`${path} is not clean CSV: ${problems.join('; ')}`);
  return parser.take().map((row) => row.fields);
}
