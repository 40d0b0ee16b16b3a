// Deterministic test data for benchmarks: a companies-like CSV with 10 columns of
// mixed types (text, numbers, URLs, emails, dates, quoted fields with commas).
import { createWriteStream } from 'node:fs';

const INDUSTRIES = [
  'Software',
  'Retail',
  'Logistics',
  'Fintech',
  'Health, Care',
  'Energy',
  'Media',
  'Biotech',
];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'ES', 'NL', 'SE', 'JP', 'BR', 'IN'];

export async function generateCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)] as T;
  let chunk = 'Company,Domain,Industry,Employees,Founded,Country,Revenue,Email,LinkedIn URL,Description\r\n';
  for (let i = 1; i <= rows; i++) {
    const name = `Company ${i} ${pick(['Labs', 'Inc', 'GmbH', 'Ltd', 'Group'])}`;
    const domain = `company${i}.example.com`;
    const industry = pick(INDUSTRIES);
    const industryField = industry.includes(',') ? `"${industry}"` : industry;
    const employees = Math.floor(rand() * 50_000);
    const founded = `${1950 + Math.floor(rand() * 75)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-01`;
    const revenue = (rand() * 1e9).toFixed(2);
    const description = rand() < 0.2 ? `"Makes ""things"", ships worldwide"` : 'Makes things';
    chunk += `${name},${domain},${industryField},${employees},${founded},${pick(COUNTRIES)},${revenue},info@${domain},https://www.linkedin.com/company/company-${i},${description}\r\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}
