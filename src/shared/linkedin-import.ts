// The "Import from LinkedIn" contract: what the user asks for (a search URL, the table,
// the most rows) and the quote shown before anything is spent. No I/O here.
import { z } from 'zod';
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

export interface LinkedInImportQuote {
  kind: 'people' | 'companies';
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
