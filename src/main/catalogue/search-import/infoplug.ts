// InfoPlug (infoplug.io): extracts the companies of a Sales Navigator account search
// without the user's own LinkedIn session. A search is asynchronous: POST /search-companies
// with the search URL starts it and answers a request_id; GET /get-company-search-status
// tells processing / completed / failed with a progress percent; the companies are then
// read a page at a time (25 a page) from the results endpoint.
//
// Written from https://docs.infoplug.io/docs/api-reference/endpoint/search-companies,
// .../endpoint/get-company-search-status and .../status-codes (errors are
// {message, parameter?, details}). The results page of the current docs was not
// available to us: its path is tried as the current docs name things
// (get-company-search-results), then as InfoPlug's earlier docs did (RESULT_PATHS), and its
// answer — {status, request_id, page, total_pages?, data: [{company_id, company_name,
// linkedin_url, industry, employee_count, headquarters, description}]} — is the one of
// InfoPlug's earlier documentation; status "done" (earlier) and "completed" (current) both
// mean finished.
import { CallError } from '../../engine/scheduler';
import type { CompanyProfile } from '../linkedin/types';
import { type JsonResponse, num, requestJson, requireKey, str } from '../provider-http';
import type { ProviderAdapter, ProviderCall } from '../providers';
import type { SearchExportSource, SearchRequest } from './search-export';

export const infoplug: ProviderAdapter = {
  id: 'infoplug',
  name: 'InfoPlug',
  docsUrl: 'https://docs.infoplug.io/docs/api-reference/endpoint/search-companies',
  baseUrl: 'https://api.infoplug.io',
  capabilities: ['linkedin.searchExport'],
  needsKey: true,
  keyLabel: 'API key',
  async testConnection(call, signal) {
    // An unknown request id costs nothing: 404 means the key was accepted, 401 that it was not.
    const response = await requestJson(
      infoplug,
      call,
      {
        path: '/get-company-search-status',
        query: { request_id: 'rowsmith-connection-test' },
        headers: headers(call),
      },
      signal,
    );
    return response.status === 404 || response.status < 300
      ? 'InfoPlug accepted the API key.'
      : `InfoPlug answered ${response.status}.`;
  },
};

/** The results are served 25 companies a page. */
const PAGE_SIZE = 25;
/** InfoPlug's own bound on one search's limit. */
const MAX_LIMIT = 1_000;

function headers(call: ProviderCall): Record<string, string> {
  return { 'X-INFOPLUG-API-KEY': requireKey(infoplug, call) };
}

async function startCompanySearch(
  call: ProviderCall,
  request: SearchRequest,
  signal: AbortSignal,
): Promise<string> {
  const response = await requestJson<{ request_id?: unknown }>(
    infoplug,
    call,
    {
      method: 'POST',
      path: '/search-companies',
      headers: headers(call),
      body: { sales_nav_url: request.searchUrl, limit: request.limit },
      accept: [400],
    },
    signal,
  );
  const id = str(response.json?.request_id);
  if (response.status >= 400 || !id) {
    throw new CallError(
      'invalid_response',
      `InfoPlug did not start the search (HTTP ${response.status})${details(response.json)}.`,
      { status: response.status, body: response.text.slice(0, 300), retryable: false },
    );
  }
  return id;
}

interface StatusBody {
  status?: unknown;
  progress?: unknown;
  total_results?: unknown;
}

interface ResultsBody {
  status?: unknown;
  page?: unknown;
  total_pages?: unknown;
  data?: unknown;
}

type SearchStatus =
  | { status: 'running'; percent: number | null }
  | { status: 'done'; total: number | null }
  | { status: 'failed'; message: string };

async function companySearchStatus(
  call: ProviderCall,
  requestId: string,
  signal: AbortSignal,
): Promise<SearchStatus> {
  const response = await requestJson<StatusBody>(
    infoplug,
    call,
    { path: '/get-company-search-status', query: { request_id: requestId }, headers: headers(call) },
    signal,
  );
  if (response.status === 404) return { status: 'failed', message: 'InfoPlug no longer knows this search.' };
  const body = response.json;
  const status = str(body?.status)?.toLowerCase();
  if (!body || typeof body !== 'object' || !status) {
    throw new CallError('invalid_response', 'InfoPlug sent a search status without a status.', {
      body: response.text.slice(0, 300),
    });
  }
  if (status === 'failed') return { status: 'failed', message: 'InfoPlug reported that the search failed.' };
  if (status === 'completed' || status === 'done') return { status: 'done', total: num(body.total_results) };
  return { status: 'running', percent: num(body.progress) };
}

/**
 * Where the results may be read, in order: the current docs' naming, then the two paths
 * of InfoPlug's earlier docs (its heading and tutorial, its code samples). The first that
 * answers is used for every page of the search.
 */
const RESULT_PATHS = ['/get-company-search-results', '/get-search-companies-results', '/get-company-results'];

interface ResultsPage {
  rows: CompanyProfile[];
  more: boolean;
  path: string;
}

/** One page of a finished search's companies, whether a next page may hold more, and the path that served it. */
async function resultsPage(
  call: ProviderCall,
  requestId: string,
  page: number,
  knownPath: string | null,
  signal: AbortSignal,
): Promise<ResultsPage> {
  let response: JsonResponse<ResultsBody> | null = null;
  let path = '';
  for (const candidate of knownPath ? [knownPath] : RESULT_PATHS) {
    path = candidate;
    response = await requestJson<ResultsBody>(
      infoplug,
      call,
      { path, query: { request_id: requestId, page }, headers: headers(call) },
      signal,
    );
    if (response.status !== 404) break;
  }
  if (!response || response.status === 404) {
    throw new CallError(
      'invalid_response',
      `InfoPlug finished the search but served no results for it${details(response?.json ?? null)}.`,
      { status: 404, body: response?.text.slice(0, 300), retryable: false },
    );
  }
  const body = response.json;
  if (!body || typeof body !== 'object' || (body.data !== undefined && !Array.isArray(body.data))) {
    throw new CallError('invalid_response', 'InfoPlug sent a page of results without a list of companies.', {
      body: response.text.slice(0, 300),
    });
  }
  const data = (body.data ?? []) as unknown[];
  const pages = num(body.total_pages);
  return {
    rows: data.map(toCompany).filter((c): c is CompanyProfile => c !== null),
    more: data.length >= PAGE_SIZE && (pages === null || page < pages),
    path,
  };
}

function toCompany(entry: unknown): CompanyProfile | null {
  if (!entry || typeof entry !== 'object') return null;
  const c = entry as Record<string, unknown>;
  return {
    name: str(c.company_name) ?? str(c.name),
    website: str(c.website),
    industry: str(c.industry),
    size: null,
    employeeCount: num(c.employee_count),
    headquarters: str(c.headquarters),
    founded: null,
    description: str(c.description),
    followers: null,
    linkedinUrl: str(c.linkedin_url),
    linkedinId: str(c.company_id),
  };
}

/** InfoPlug's `details` sentence from an error body, as ": …" or nothing. */
function details(body: unknown): string {
  const text = str((body as { details?: unknown } | null)?.details);
  return text ? `: ${text.slice(0, 200)}` : '';
}

/** Sales Navigator account searches, through InfoPlug. */
export const infoplugCompanySearch: SearchExportSource<CompanyProfile> = {
  adapter: infoplug,
  maxRows: MAX_LIMIT,
  refuses(url) {
    return new URL(url).pathname.toLowerCase().startsWith('/sales/search/company')
      ? null
      : 'InfoPlug reads Sales Navigator account searches: open the search in Sales Navigator (Account search) and paste the URL of its results.';
  },
  async *extract(request, ctx) {
    // Not asked again on a failure: a start that did reach InfoPlug would run (and cost) twice.
    const requestId = await startCompanySearch(ctx.call(), request, ctx.signal);
    let total: number | null;
    for (;;) {
      const state = await ctx.request((call) => companySearchStatus(call, requestId, ctx.signal));
      if (state.status === 'failed') throw new CallError('http', state.message, { retryable: false });
      if (state.status === 'done') {
        total = state.total;
        break;
      }
      yield { rows: [], ...(state.percent !== null ? { percent: state.percent } : {}) };
      await ctx.nextPoll();
    }
    let read = 0;
    let path: string | null = null;
    for (let page = 1; ; page++) {
      const known: string | null = path;
      const answer: ResultsPage = await ctx.request((call) =>
        resultsPage(call, requestId, page, known, ctx.signal),
      );
      const { rows, more } = answer;
      path = answer.path;
      read += rows.length;
      yield { rows, percent: 100 };
      if (!more || (total !== null && read >= total)) return;
    }
  },
};
