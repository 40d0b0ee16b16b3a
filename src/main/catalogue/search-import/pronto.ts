// Pronto (prontohq.com): extracts the people of a LinkedIn search URL — classic people
// search or Sales Navigator searches and lead lists — without the user's own LinkedIn
// session. A search is asynchronous: POST /leads starts it and answers an id; GET
// /searches/{id} tells its status and the leads found so far; DELETE /searches/{id} ends
// it (used on Stop). Written from
// https://docs.prontohq.com/api-reference/endpoints/extract/leads,
// https://docs.prontohq.com/api-reference/endpoints/searches/show and
// https://docs.prontohq.com/api-reference/endpoints/searches/destroy.
import { CallError } from '../../engine/scheduler';
import { requestJson, requireKey, str } from '../provider-http';
import type { ProviderAdapter, ProviderCall } from '../providers';
import type { SearchExportSource, SearchRequest } from './search-export';

export const pronto: ProviderAdapter = {
  id: 'pronto',
  name: 'Pronto',
  docsUrl: 'https://docs.prontohq.com/api-reference/endpoints/extract/leads',
  baseUrl: 'https://app.prontohq.com/api/v2',
  capabilities: ['linkedin.searchExport'],
  needsKey: true,
  keyLabel: 'API key',
  async testConnection(call, signal) {
    // An unknown search id costs nothing: 404 means the key was accepted, 401 that it was not.
    const response = await requestJson(
      pronto,
      call,
      { path: '/searches/00000000-0000-0000-0000-000000000000', headers: headers(call) },
      signal,
    );
    return response.status === 404 || response.status < 300
      ? 'Pronto accepted the API key.'
      : `Pronto answered ${response.status}.`;
  },
};

function headers(call: ProviderCall): Record<string, string> {
  return { 'x-api-key': requireKey(pronto, call) };
}

/** One person of a search, in the import's terms. */
export interface SearchLead {
  firstName: string | null;
  lastName: string | null;
  fullName: string | null;
  title: string | null;
  headline: string | null;
  linkedinUrl: string | null;
  company: string | null;
  companyWebsite: string | null;
  companyLinkedinUrl: string | null;
}

type SearchState =
  | { status: 'running' | 'done'; rows: SearchLead[] }
  | { status: 'failed'; message: string; rows: SearchLead[] };

async function startPeopleSearch(
  call: ProviderCall,
  request: SearchRequest,
  signal: AbortSignal,
): Promise<string> {
  const response = await requestJson<{ id?: unknown }>(
    pronto,
    call,
    {
      method: 'POST',
      path: '/leads',
      headers: headers(call),
      body: { search_url: request.searchUrl, name: request.name, limit: request.limit },
    },
    signal,
  );
  const id = str(response.json?.id);
  if (response.status === 404 || !id) {
    throw new CallError('invalid_response', `Pronto did not start the search (HTTP ${response.status}).`, {
      body: response.text.slice(0, 300),
      retryable: false,
    });
  }
  return id;
}

interface ProntoSearch {
  search?: { id?: string; status?: string } | null;
  leads?: { lead?: Record<string, unknown> | null; company?: Record<string, unknown> | null }[] | null;
}

const FAILED: Record<string, string> = {
  RATE_LIMITED: 'Pronto stopped the search: rate limited by LinkedIn. Try again later.',
  UNAUTHORIZED: 'Pronto could not run the search (unauthorized).',
  FORBIDDEN: 'Pronto could not run the search (forbidden).',
  ERROR: 'Pronto reported an error while running the search.',
};

async function pollPeopleSearch(
  call: ProviderCall,
  searchId: string,
  signal: AbortSignal,
): Promise<SearchState> {
  const response = await requestJson<ProntoSearch>(
    pronto,
    call,
    { path: `/searches/${encodeURIComponent(searchId)}`, headers: headers(call) },
    signal,
  );
  if (response.status === 404)
    return { status: 'failed', message: 'Pronto no longer knows this search.', rows: [] };
  const body = response.json;
  if (
    !body ||
    typeof body !== 'object' ||
    (body.leads !== undefined && body.leads !== null && !Array.isArray(body.leads))
  ) {
    throw new CallError('invalid_response', 'Pronto sent a search without a list of leads.', {
      body: response.text.slice(0, 300),
    });
  }
  const rows = (body.leads ?? []).map(toLead).filter((l): l is SearchLead => l !== null);
  const status = str(body.search?.status)?.toUpperCase() ?? 'ONGOING';
  if (status === 'FINISHED') return { status: 'done', rows };
  const failure = FAILED[status];
  if (failure) return { status: 'failed', message: failure, rows };
  return { status: 'running', rows };
}

/** Best effort, after a Stop: DELETE /searches/{id} ends the search and its tasks on Pronto's side. */
async function deleteSearch(call: ProviderCall, searchId: string): Promise<void> {
  try {
    await requestJson(
      pronto,
      call,
      {
        method: 'DELETE',
        path: `/searches/${encodeURIComponent(searchId)}`,
        headers: headers(call),
        accept: [401, 422],
      },
      AbortSignal.timeout(10_000),
    );
  } catch {
    // The import has stopped either way; the search is then left to end on its own.
  }
}

/** People searches and lead lists, through Pronto. */
export const prontoPeopleSearch: SearchExportSource<SearchLead> = {
  adapter: pronto,
  async *extract(request, ctx) {
    // Not asked again on a failure: a start that did reach Pronto would run twice.
    const searchId = await startPeopleSearch(ctx.call(), request, ctx.signal);
    // Every poll answers every lead found so far: the new ones are past the count seen.
    let seen = 0;
    let ended = false;
    try {
      for (;;) {
        const state = await ctx.request((call) => pollPeopleSearch(call, searchId, ctx.signal));
        ended = state.status !== 'running';
        yield { rows: state.rows.slice(seen) };
        seen = Math.max(seen, state.rows.length);
        if (state.status === 'failed') throw new CallError('http', state.message, { retryable: false });
        if (state.status === 'done') return;
        await ctx.nextPoll();
      }
    } finally {
      // Stop stops Pronto too: a search left running would go on extracting (and spending) there.
      if (!ended && ctx.signal.aborted) await deleteSearch(ctx.call(), searchId);
    }
  },
};

function toLead(entry: {
  lead?: Record<string, unknown> | null;
  company?: Record<string, unknown> | null;
}): SearchLead | null {
  const lead = entry?.lead;
  if (!lead || typeof lead !== 'object') return null;
  const company = entry.company ?? {};
  return {
    firstName: str(lead.first_name),
    lastName: str(lead.last_name),
    fullName: str(lead.full_name),
    title: str(lead.title),
    headline: str(lead.lk_headline),
    linkedinUrl: str(lead.linkedin_profile_url),
    company: str(company.name),
    companyWebsite: str(company.website),
    companyLinkedinUrl: str(company.linkedin_url),
  };
}
