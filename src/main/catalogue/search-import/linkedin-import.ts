// "Import from LinkedIn": a LinkedIn search URL becomes rows of a table, through a
// provider that extracts search results. A people search (classic, Sales Navigator search
// or lead list) fills a Contacts table through Pronto; a Sales Navigator account search
// fills a Companies table through InfoPlug (which documents no other company searches, so
// a classic company search or an account list is refused with that reason).
// The quote comes first (the most rows times the scraping price); the import holds that
// many credits, then charges one row at a time in the same transaction that inserts it,
// so a crash or a Stop never charges a row that is not in the table and never charges one
// twice. Rows already in the table (same LinkedIn URL) are skipped and cost nothing; a
// contact whose company is in the Companies table (same LinkedIn URL) is linked to it.
import { AppError } from '@shared/errors';
import {
  type LinkedInImportQuote,
  type LinkedInImportRequest,
  MAX_LINKEDIN_IMPORT_ROWS,
  parseSearchUrl,
  type SearchKind,
} from '@shared/linkedin-import';
import type { ColumnInfo, ColumnType, ImportResult, TableInfo } from '@shared/model';
import type { Statement } from 'better-sqlite3';
import type { CreditClient, HoldOwner } from '../../credits/credit-client';
import { CallError } from '../../engine/scheduler';
import type { JobContext } from '../../jobs/job-manager';
import type { Workbook } from '../../workbook/database';
import { rowsTable, sqlColumn } from '../../workbook/schema';
import { getSetting, setSetting } from '../../workbook/settings';
import type { TablesService } from '../../workbook/tables-service';
import { toStoredLenient } from '../../workbook/values';
import type { CompanyProfile } from '../linkedin/types';
import { canonicalLinkedInUrl } from '../linkedin/urls';
import { splitFullName } from '../normalise';
import type { ProviderAccess } from '../providers';
import { infoplugCompanySearch } from './infoplug';
import { prontoPeopleSearch, type SearchLead } from './pronto';
import { type SearchExportSource, searchContext } from './search-export';

export const LINKEDIN_IMPORT_ACTION = 'linkedin.import';

/** Where a kind of search goes and how its rows become cells. */
interface ImportTarget<Row> {
  tableKind: 'contacts' | 'companies';
  /** "LinkedIn people go into a Contacts table" */
  what: string;
  tableLabel: string;
  source: SearchExportSource<Row>;
  /** the columns an import fills, by name, created with this type when missing */
  fields: { name: string; type: ColumnType; read(row: Row): string | number | null }[];
  /** the row's canonical LinkedIn URL: its identity in the table (column "LinkedIn URL") */
  keyOf(row: Row): string | null;
  /** contacts: the company's LinkedIn URL, to link the row to a Companies row */
  companyOf?(row: Row): string | null;
  /** companies: contacts already in the workbook without a company are linked to a new row with their company's LinkedIn URL */
  linksContacts?: boolean;
}

const PEOPLE: ImportTarget<SearchLead> = {
  tableKind: 'contacts',
  what: 'LinkedIn people',
  tableLabel: 'Contacts',
  source: prontoPeopleSearch,
  fields: [
    { name: 'First Name', type: 'text', read: (l) => l.firstName ?? splitFullName(l.fullName)[0] },
    { name: 'Last Name', type: 'text', read: (l) => l.lastName ?? splitFullName(l.fullName)[1] },
    { name: 'Title', type: 'text', read: (l) => l.title },
    { name: 'LinkedIn URL', type: 'url', read: (l) => canonicalLinkedInUrl(l.linkedinUrl) },
    { name: 'Headline', type: 'text', read: (l) => l.headline },
    { name: 'Company Name', type: 'text', read: (l) => l.company },
    { name: 'Company Website', type: 'url', read: (l) => l.companyWebsite },
    {
      name: 'Company LinkedIn URL',
      type: 'url',
      read: (l) => canonicalLinkedInUrl(l.companyLinkedinUrl) ?? l.companyLinkedinUrl,
    },
  ],
  keyOf: (l) => canonicalLinkedInUrl(l.linkedinUrl),
  companyOf: (l) => canonicalLinkedInUrl(l.companyLinkedinUrl),
};

const COMPANIES: ImportTarget<CompanyProfile> = {
  tableKind: 'companies',
  what: 'LinkedIn companies',
  tableLabel: 'Companies',
  source: infoplugCompanySearch,
  fields: [
    { name: 'Name', type: 'text', read: (c) => c.name },
    { name: 'Website', type: 'url', read: (c) => c.website },
    { name: 'LinkedIn URL', type: 'url', read: (c) => canonicalLinkedInUrl(c.linkedinUrl) },
    { name: 'Industry', type: 'text', read: (c) => c.industry },
    { name: 'Employees', type: 'number', read: (c) => c.employeeCount },
    { name: 'Headquarters', type: 'text', read: (c) => c.headquarters },
    { name: 'Description', type: 'text', read: (c) => c.description },
  ],
  keyOf: (c) => canonicalLinkedInUrl(c.linkedinUrl),
  linksContacts: true,
};

const TARGETS: Record<SearchKind, ImportTarget<SearchLead> | ImportTarget<CompanyProfile>> = {
  people: PEOPLE,
  companies: COMPANIES,
};

/** The import as `rowsmith actions` lists it: not a column but a way to fill a table, charged per row. */
export const LINKEDIN_IMPORT_INFO = {
  id: LINKEDIN_IMPORT_ACTION,
  name: 'Import from LinkedIn',
  description:
    'Fills a table from a LinkedIn search URL (toolbar: From LinkedIn): a people search, Sales Navigator search or lead list becomes Contacts rows, a Sales Navigator account search Companies rows. Quoted first; only new rows are charged.',
  tables: [PEOPLE.tableKind, COMPANIES.tableKind],
  providers: [PEOPLE.source.adapter.id, COMPANIES.source.adapter.id],
};

const SEQ_KEY = 'linkedin_import.seq';

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
    const target = TARGETS[kind];
    const { source } = target;
    const refusal = source.refuses?.(url) ?? null;
    if (refusal) throw new AppError('invalid_input', refusal);
    await this.targetTable(target, request.tableId);
    const maxRows = checkMaxRows(
      request.maxRows,
      source.maxRows ?? MAX_LINKEDIN_IMPORT_ROWS,
      source.adapter.name,
    );
    const price = this.deps.credits.price(LINKEDIN_IMPORT_ACTION);
    const adapter = source.adapter;
    return {
      kind,
      searchUrl: url,
      maxRows,
      pricePerRow: price,
      maxCredits: maxRows * price,
      creditsLeft: this.deps.credits.status().remaining,
      provider: adapter.name,
      providerReady: this.deps.providers.call(adapter).key !== null,
    };
  }

  /** Runs the import as a job: holds, starts the provider's search, writes rows as they arrive. */
  async run(request: LinkedInImportRequest, ctx: JobContext): Promise<ImportResult> {
    const quote = await this.quote(request);
    const target = TARGETS[quote.kind] as ImportTarget<unknown>;
    const { source } = target;
    const provider = source.adapter.name;
    if (!quote.providerReady) {
      throw new AppError(
        'invalid_input',
        `Add ${/^[aeiou]/i.test(provider) ? 'an' : 'a'} ${provider} API key in Settings → Providers to import ${target.what} from a search.`,
      );
    }
    const { workbook, credits, providers } = this.deps;
    const table = await this.prepareTable(target, request.tableId);
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
      const search = searchContext({
        adapter: source.adapter,
        call: () => providers.call(source.adapter),
        signal: ctx.signal,
        pollMs: this.deps.pollMs ?? 3_000,
        maxWaitMs: this.deps.maxWaitMs ?? 60 * 60_000,
      });
      const wanted = { searchUrl: quote.searchUrl, limit, name: `Rowsmith import ${importId}` };
      const charge = { holdId: hold.holdId, owner, importId, unitPrice: hold.unitPrice };
      for await (const batch of source.extract(wanted, search)) {
        this.write(target, table, batch.rows, limit, charge, result);
        const waiting = result.inserted + result.skipped === 0 && batch.percent !== undefined;
        ctx.progress({
          phase: waiting ? `${provider} is searching (${Math.round(batch.percent ?? 0)}%)` : 'importing',
          processed: result.inserted + result.skipped,
          total: limit,
          unit: 'rows',
          rows: result.inserted,
        });
        // Leaving the loop ends the source's requests.
        if (result.inserted >= limit) break;
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

  private async targetTable(target: ImportTarget<unknown>, tableId: number): Promise<TableInfo> {
    const table = await this.deps.tables.get(tableId);
    if (table.kind !== target.tableKind) {
      throw new AppError(
        'invalid_input',
        `${target.what} go into a ${target.tableLabel} table; “${table.name}” is not one.`,
      );
    }
    return table;
  }

  private async prepareTable(target: ImportTarget<unknown>, tableId: number): Promise<PreparedTable> {
    const { tables, workbook } = this.deps;
    let info = await this.targetTable(target, tableId);
    for (const { name, type } of target.fields) {
      if (!info.columns.some((c) => c.name.toLowerCase() === name.toLowerCase()))
        await tables.addColumn(tableId, name, type);
    }
    info = await tables.get(tableId);
    const byName = new Map(info.columns.map((c) => [c.name.toLowerCase(), c]));
    const known = new Set(linkedInUrls(workbook, tableId, byName.get('linkedin url') as ColumnInfo).keys());
    // Contacts link to companies already in the workbook, matched by LinkedIn URL.
    let companies = new Map<string, number>();
    const link = target.companyOf ? (info.columns.find((c) => c.system === 'company_link') ?? null) : null;
    const companiesTable = (await tables.list()).find((t) => t.kind === 'companies');
    const companyUrl = companiesTable?.columns.find((c) => c.name.toLowerCase() === 'linkedin url');
    if (link && companiesTable && companyUrl) {
      companies = linkedInUrls(workbook, companiesTable.id, companyUrl);
    }
    return {
      info,
      columns: target.fields.map((f) => byName.get(f.name.toLowerCase()) as ColumnInfo),
      known,
      companies,
      linkColumnId: link?.id ?? null,
      waiting:
        target.linksContacts && companiesTable?.id === tableId ? await this.unlinkedContacts() : new Map(),
    };
  }

  /**
   * Contacts with a company LinkedIn URL but no company yet, by canonical URL: a company
   * import links them to the company row it adds. Contacts link to the workbook's first
   * Companies table only (their link column references it).
   */
  private async unlinkedContacts(): Promise<Map<string, WaitingContact[]>> {
    const { tables, workbook } = this.deps;
    const waiting = new Map<string, WaitingContact[]>();
    for (const t of await tables.list()) {
      if (t.kind !== 'contacts') continue;
      const link = t.columns.find((c) => c.system === 'company_link');
      const url = t.columns.find((c) => c.name.toLowerCase() === 'company linkedin url');
      if (!link || !url) continue;
      const update = workbook.conn.prepare(
        `UPDATE ${rowsTable(t.id)} SET ${sqlColumn(link.id)} = ? WHERE id = ? AND ${sqlColumn(link.id)} IS NULL`,
      );
      const rows = workbook.conn
        .prepare(
          `SELECT id, ${sqlColumn(url.id)} FROM ${rowsTable(t.id)} WHERE ${sqlColumn(link.id)} IS NULL AND ${sqlColumn(url.id)} IS NOT NULL`,
        )
        .raw()
        .iterate() as Iterable<[number, unknown]>;
      for (const [rowId, value] of rows) {
        const company = canonicalLinkedInUrl(value);
        if (!company) continue;
        const list = waiting.get(company) ?? [];
        list.push({ tableId: t.id, rowId, update });
        waiting.set(company, list);
      }
    }
    return waiting;
  }

  /** Inserts the new rows of a poll and charges each one, in one transaction. */
  private write(
    target: ImportTarget<unknown>,
    table: PreparedTable,
    rows: unknown[],
    limit: number,
    hold: { holdId: number; owner: HoldOwner; importId: number; unitPrice: number },
    result: ImportResult,
  ): void {
    if (rows.length === 0) return;
    const before = result.inserted;
    const { workbook, credits } = this.deps;
    const conn = workbook.conn;
    const names = table.columns.map((c) => sqlColumn(c.id));
    if (table.linkColumnId !== null) names.push(sqlColumn(table.linkColumnId));
    const insert = conn.prepare(
      `INSERT INTO ${rowsTable(table.info.id)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    );
    const linked = new Set<number>();
    conn.transaction(() => {
      const charges = [];
      for (const row of rows) {
        if (result.inserted >= limit) break;
        const url = target.keyOf(row);
        if (!url || table.known.has(url)) {
          result.skipped++;
          continue;
        }
        const values = target.fields.map(
          (field, i) =>
            toStoredLenient((table.columns[i] as ColumnInfo).type, field.read(row)).value as
              | string
              | number
              | null,
        );
        if (table.linkColumnId !== null) {
          const company = target.companyOf?.(row) ?? null;
          values.push(company ? (table.companies.get(company) ?? null) : null);
        }
        const added = Number(insert.run(...values).lastInsertRowid);
        for (const contact of table.waiting.get(url) ?? []) {
          contact.update.run(added, contact.rowId);
          linked.add(contact.tableId);
        }
        table.waiting.delete(url);
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
    for (const tableId of linked) this.deps.onRowsChanged(tableId);
  }
}

/** canonical LinkedIn URL -> row id, for every row of a table with one */
function linkedInUrls(workbook: Workbook, tableId: number, column: ColumnInfo): Map<string, number> {
  const urls = new Map<string, number>();
  const rows = workbook.conn
    .prepare(`SELECT id, ${sqlColumn(column.id)} FROM ${rowsTable(tableId)}`)
    .raw()
    .iterate() as Iterable<[number, unknown]>;
  for (const [id, value] of rows) {
    const url = canonicalLinkedInUrl(value);
    if (url && !urls.has(url)) urls.set(url, id);
  }
  return urls;
}

interface PreparedTable {
  info: TableInfo;
  /** the target's fields' columns, in the same order */
  columns: ColumnInfo[];
  /** canonical LinkedIn URLs already in the table */
  known: Set<string>;
  /** canonical company LinkedIn URL -> Companies row id */
  companies: Map<string, number>;
  linkColumnId: number | null;
  /** a company import: contacts waiting for their company, by its canonical LinkedIn URL */
  waiting: Map<string, WaitingContact[]>;
}

interface WaitingContact {
  tableId: number;
  rowId: number;
  update: Statement;
}

function checkMaxRows(value: number, max: number, provider: string): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_LINKEDIN_IMPORT_ROWS) {
    throw new AppError(
      'invalid_input',
      `Import between 1 and ${MAX_LINKEDIN_IMPORT_ROWS.toLocaleString('en')} rows at a time.`,
    );
  }
  if (value > max) {
    throw new AppError(
      'invalid_input',
      `${provider} extracts at most ${max.toLocaleString('en')} rows of a search: import at most that many at a time.`,
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
