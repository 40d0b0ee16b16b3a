// The "Import from LinkedIn" contract: what the user asks for (a search URL, the table,
// the most rows), how a pasted URL is read, and the quote shown before anything is
// spent. No I/O here: the dialog reads the URL's kind with the same rules as the main
// process.
import { z } from 'zod';
import { AppError } from './errors';
import { idSchema } from './model';

export const MAX_LINKEDIN_IMPORT_ROWS = 10_000;

export const linkedInImportSchema = z.object({
  tableId: idSchema,
  searchUrl: z.string().trim().min(1, 'Paste a LinkedIn search URL').max(8_000),
  maxRows: z
    .number()
    .int()
    .min(1, 'Import at least one row')
    .max(
      MAX_LINKEDIN_IMPORT_ROWS,
      `Import at most ${MAX_LINKEDIN_IMPORT_ROWS.toLocaleString('en')} rows at a time`,
    ),
});
export type LinkedInImportRequest = z.infer<typeof linkedInImportSchema>;

export type SearchKind = 'people' | 'companies';

/** Reads a pasted search URL: people searches and lead lists, company searches and account lists. */
export function parseSearchUrl(input: string): { kind: SearchKind; url: string } {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new AppError(
      'invalid_input',
      'Paste a LinkedIn search URL (a people or company search, or a Sales Navigator search or list).',
    );
  }
  const host = url.hostname.toLowerCase();
  if (host !== 'linkedin.com' && !host.endsWith('.linkedin.com')) {
    throw new AppError(
      'invalid_input',
      `“${host}” is not LinkedIn: paste a LinkedIn or Sales Navigator search URL.`,
    );
  }
  const path = url.pathname.toLowerCase().replace(/\/+$/, '');
  url.protocol = 'https:';
  url.hostname = 'www.linkedin.com';
  url.hash = '';
  if (/^\/search\/results\/people$|^\/sales\/search\/people$|^\/sales\/lists\/people(\/|$)/.test(path)) {
    return { kind: 'people', url: url.toString() };
  }
  if (/^\/search\/results\/companies$|^\/sales\/search\/company$|^\/sales\/lists\/company(\/|$)/.test(path)) {
    return { kind: 'companies', url: url.toString() };
  }
  throw new AppError(
    'invalid_input',
    'This LinkedIn link is not a search: paste the URL of a people or company search (linkedin.com/search/results/…), a Sales Navigator search or a list.',
  );
}

export interface LinkedInImportQuote {
  kind: SearchKind;
  /** the canonical search URL that will be sent */
  searchUrl: string;
  maxRows: number;
  pricePerRow: number;
  /** the most the import can cost: only new rows that arrive are charged */
  maxCredits: number;
  creditsLeft: number;
  provider: string;
  /** false: the provider has no key yet (Settings → Providers) */
  providerReady: boolean;
}
