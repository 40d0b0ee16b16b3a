// "Import from LinkedIn": a LinkedIn people search URL (classic search, a Sales Navigator
// search or lead list) becomes rows of a Contacts table, through a provider that extracts
// search results (Pronto). The quote comes first (the most rows times the scraping price);
// the import holds that many credits, then charges one row at a time in the same
// transaction that inserts it, so a crash or a Stop never charges a row that is not in
// the table and never charges one twice. People already in the table (same LinkedIn URL)
// are skipped and cost nothing; a contact whose company is in the Companies table (same
// LinkedIn URL) is linked to it.
import { AppError } from '@shared/errors';
import {
  type LinkedInImportQuote,
  type LinkedInImportRequest,
  MAX_LINKEDIN_IMPORT_ROWS,
} from '@shared/linkedin-import';
import type { ColumnInfo, ColumnType, ImportResult, TableInfo } from '@shared/model';
import type { CreditClient, HoldOwner } from '../../credits/credit-client';
import { CallError } from '../../engine/scheduler';
import type { JobContext } from '../../jobs/job-manager';
import type { Workbook } from '../../workbook/database';
import { rowsTable, sqlColumn } from '../../workbook/schema';
import { getSetting, setSetting } from '../../workbook/settings';
import type { TablesService } from '../../workbook/tables-service';
import { toStoredLenient } from '../../workbook/values';
import { canonicalLinkedInUrl } from '../linkedin/urls';
import { splitFullName } from '../normalise';
import type { ProviderAccess } from '../providers';
import { pollPeopleSearch, pronto, type SearchLead, startPeopleSearch } from './pronto';

export const LINKEDIN_IMPORT_ACTION = 'linkedin.import';

export type SearchKind = LinkedInImportQuote['kind'];

/** The columns a people import fills, by name, with the type each gets if it is missing. */
const COLUMNS: Record<string, ColumnType> = {
  'First Name': 'text',
  'Last Name': 'text',
  Title: 'text',
  'LinkedIn URL': 'url',
  Headline: 'text',
  'Company Name': 'text',
  'Company Website': 'url',
  'Company LinkedIn URL': 'url',
};

const SEQ_KEY = 'linkedin_import.seq';

/** Reads a pasted search URL: people searches and lists are imported; company searches are refused clearly. */
export function parseSearchUrl(input: string): { kind: SearchKind; url: string } {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new AppError(
      'invalid_input',
      'Paste a LinkedIn search URL (linkedin.com/search/results/people/… or a Sales Navigator search or list).',
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
    'This LinkedIn link is not a search: paste the URL of a people search (linkedin.com/search/results/people/…), a Sales Navigator search or a lead list.',
  );
}

export interface ImportDeps {
  workbook: Workbook;
  tables: TablesService;
  credits: CreditClient;
  providers: ProviderAccess;
  /** how often the provider is asked for new results (tests: a few ms) */
  pollMs?: number;
  /** the longest an import waits for the provider */
  maxWaitMs?: number;
  /** rows were added to a table: its views are rebuilt and the grid reloads */
  onRowsChanged(tableId: number): void;
}

export class LinkedInImportService {
  constructor(private readonly deps: ImportDeps) {}

  async quote(request: LinkedInImportRequest): Promise<LinkedInImportQuote> {
    const { kind, url } = parseSearchUrl(request.searchUrl);
    if (kind === 'companies') {
      throw new AppError(
        'invalid_input',
        'Company searches cannot be imported yet: Pronto extracts people. Paste a people search or a lead list.',
      );
    }
    await this.contactsTable(request.tableId);
    const maxRows = checkMaxRows(request.maxRows);
    const price = this.deps.credits.price(LINKEDIN_IMPORT_ACTION);
    return {
      kind,
      searchUrl: url,
      maxRows,
      pricePerRow: price,
      maxCredits: maxRows * price,
      creditsLeft: this.deps.credits.status().remaining,
      provider: pronto.name,
      providerReady: this.deps.providers.call(pronto).key !== null,
    };
  }

  /** Runs the import as a job: holds, starts the provider's search, writes rows as they arrive. */
  async run(request: LinkedInImportRequest, ctx: JobContext): Promise<ImportResult> {
    const quote = await this.quote(request);
    if (!quote.providerReady) {
      throw new AppError(
        'invalid_input',
        'Add a Pronto API key in Settings → Providers to import from LinkedIn.',
      );
    }
    const { workbook, credits, providers } = this.deps;
    const table = await this.prepareTable(request.tableId);
    const importId = nextImportId(workbook);
    const owner: HoldOwner = { kind: 'import', id: importId };
    const hold = await credits.hold(owner, LINKEDIN_IMPORT_ACTION, quote.maxRows);
    const affordable = hold.unitPrice > 0 ? Math.floor(hold.reserved / hold.unitPrice) : quote.maxRows;
    const result: ImportResult = {
      tableId: table.info.id,
      inserted: 0,
      updated: 0,
      skipped: 0,
      problems: [],
      problemCount: 0,
    };
    try {
      if (affordable === 0) {
        throw new AppError(
          'not_available',
          'No credits left for this import. Request more credits, or wait for the renewal.',
        );
      }
      const limit = Math.min(quote.maxRows, affordable);
      const searchId = await startPeopleSearch(
        providers.call(pronto),
        { searchUrl: quote.searchUrl, limit, name: `Rowsmith import ${importId}` },
        ctx.signal,
      );
      // Pronto answers every lead found so far on each poll: the new ones are past the count seen.
      let seen = 0;
      const started = Date.now();
      const pollMs = this.deps.pollMs ?? 3_000;
      const maxWaitMs = this.deps.maxWaitMs ?? 60 * 60_000;
      for (;;) {
        const state = await pollPeopleSearch(providers.call(pronto), searchId, ctx.signal);
        const fresh = state.leads.slice(seen);
        seen = Math.max(seen, state.leads.length);
        this.write(
          table,
          fresh,
          limit,
          { holdId: hold.holdId, owner, importId, unitPrice: hold.unitPrice },
          result,
        );
        ctx.progress({
          phase: 'importing',
          processed: result.inserted + result.skipped,
          total: limit,
          unit: 'rows',
          rows: result.inserted,
        });
        if (state.status === 'failed') throw new CallError('http', state.message, { retryable: false });
        if (state.status === 'done' || result.inserted >= limit) break;
        if (Date.now() - started > maxWaitMs) {
          throw new AppError(
            'not_available',
            `Pronto had not finished after ${Math.round(maxWaitMs / 60_000)} minutes; the rows that arrived are in the table.`,
          );
        }
        await sleep(pollMs, ctx.signal);
      }
      return result;
    } catch (error) {
      // Rows that arrived before a Stop or a failure stay, and were charged with them.
      if (ctx.signal.aborted) return result;
      if (error instanceof CallError) throw new AppError('not_available', error.message);
      throw error;
    } finally {
      await credits.release(hold.holdId).catch(() => {});
    }
  }

  private async contactsTable(tableId: number): Promise<TableInfo> {
    const table = await this.deps.tables.get(tableId);
    if (table.kind !== 'contacts') {
      throw new AppError(
        'invalid_input',
        `LinkedIn people go into a Contacts table; “${table.name}” is not one.`,
      );
    }
    return table;
  }

  private async prepareTable(tableId: number): Promise<PreparedTable> {
    const { tables, workbook } = this.deps;
    let info = await this.contactsTable(tableId);
    for (const [name, type] of Object.entries(COLUMNS)) {
      if (!info.columns.some((c) => c.name.toLowerCase() === name.toLowerCase()))
        await tables.addColumn(tableId, name, type);
    }
    info = await tables.get(tableId);
    const byName = new Map(info.columns.map((c) => [c.name.toLowerCase(), c]));
    const urlColumn = byName.get('linkedin url') as ColumnInfo;
    const known = new Set<string>();
    for (const value of workbook.conn
      .prepare(`SELECT ${sqlColumn(urlColumn.id)} FROM ${rowsTable(tableId)}`)
      .pluck()
      .iterate()) {
      const url = canonicalLinkedInUrl(value);
      if (url) known.add(url);
    }
    // Contacts link to companies already in the workbook, matched by LinkedIn URL.
    const companies = new Map<string, number>();
    const link = info.columns.find((c) => c.system === 'company_link') ?? null;
    const companiesTable = (await tables.list()).find((t) => t.kind === 'companies');
    const companyUrl = companiesTable?.columns.find((c) => c.name.toLowerCase() === 'linkedin url');
    if (link && companiesTable && companyUrl) {
      const rows = workbook.conn
        .prepare(`SELECT id, ${sqlColumn(companyUrl.id)} FROM ${rowsTable(companiesTable.id)}`)
        .raw()
        .iterate() as Iterable<[number, unknown]>;
      for (const [id, value] of rows) {
        const url = canonicalLinkedInUrl(value);
        if (url && !companies.has(url)) companies.set(url, id);
      }
    }
    return { info, byName, known, companies, linkColumnId: link?.id ?? null };
  }

  /** Inserts the new people of a poll and charges each one, in one transaction. */
  private write(
    table: PreparedTable,
    leads: SearchLead[],
    limit: number,
    hold: { holdId: number; owner: HoldOwner; importId: number; unitPrice: number },
    result: ImportResult,
  ): void {
    if (leads.length === 0) return;
    const before = result.inserted;
    const { workbook, credits } = this.deps;
    const conn = workbook.conn;
    const column = (name: string) => table.byName.get(name.toLowerCase()) as ColumnInfo;
    const fields: [ColumnInfo, (l: SearchLead) => string | null][] = [
      [column('First Name'), (l) => l.firstName ?? splitFullName(l.fullName)[0]],
      [column('Last Name'), (l) => l.lastName ?? splitFullName(l.fullName)[1]],
      [column('Title'), (l) => l.title],
      [column('LinkedIn URL'), (l) => canonicalLinkedInUrl(l.linkedinUrl)],
      [column('Headline'), (l) => l.headline],
      [column('Company Name'), (l) => l.company],
      [column('Company Website'), (l) => l.companyWebsite],
      [
        column('Company LinkedIn URL'),
        (l) => canonicalLinkedInUrl(l.companyLinkedinUrl) ?? l.companyLinkedinUrl,
      ],
    ];
    const names = fields.map(([c]) => sqlColumn(c.id));
    if (table.linkColumnId !== null) names.push(sqlColumn(table.linkColumnId));
    const insert = conn.prepare(
      `INSERT INTO ${rowsTable(table.info.id)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    );
    conn.transaction(() => {
      const charges = [];
      for (const lead of leads) {
        if (result.inserted >= limit) break;
        const url = canonicalLinkedInUrl(lead.linkedinUrl);
        if (!url || table.known.has(url)) {
          result.skipped++;
          continue;
        }
        const values: (string | number | null)[] = fields.map(
          ([c, read]) => toStoredLenient(c.type, read(lead)).value as string | number | null,
        );
        if (table.linkColumnId !== null) {
          const company = canonicalLinkedInUrl(lead.companyLinkedinUrl);
          values.push(company ? (table.companies.get(company) ?? null) : null);
        }
        insert.run(...values);
        table.known.add(url);
        result.inserted++;
        charges.push({
          idempotencyKey: `linkedin-import:${hold.importId}:${url}`,
          actionId: LINKEDIN_IMPORT_ACTION,
          credits: hold.unitPrice,
          units: 1,
        });
      }
      if (charges.length > 0) {
        credits.capture(conn, hold.holdId, hold.owner, charges);
      }
    })();
    // The grid shows the rows as they arrive, not only at the end.
    if (result.inserted > before) this.deps.onRowsChanged(table.info.id);
  }
}

interface PreparedTable {
  info: TableInfo;
  byName: Map<string, ColumnInfo>;
  /** canonical LinkedIn URLs already in the table */
  known: Set<string>;
  /** canonical company LinkedIn URL -> Companies row id */
  companies: Map<string, number>;
  linkColumnId: number | null;
}

function checkMaxRows(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_LINKEDIN_IMPORT_ROWS) {
    throw new AppError(
      'invalid_input',
      `Import between 1 and ${MAX_LINKEDIN_IMPORT_ROWS.toLocaleString('en')} rows at a time.`,
    );
  }
  return value;
}

function nextImportId(workbook: Workbook): number {
  const conn = workbook.conn;
  return conn.transaction(() => {
    const next = Number(getSetting(conn, SEQ_KEY) ?? '0') + 1;
    setSetting(conn, SEQ_KEY, String(next));
    return next;
  })();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
