// A loopback InfoPlug (https://docs.infoplug.io): POST /search-companies {sales_nav_url,
// limit} answers {message, request_id}; GET /get-company-search-status?request_id= answers
// {status: processing|completed|failed, request_id, progress, total_results}, advancing
// one step per poll; GET /get-company-search-results?request_id=&page= (or resultsPath)
// serves the companies 25 a page as {status, request_id, page, total_pages, data}. The
// X-INFOPLUG-API-KEY header must match, else 401 {message: 'unauthorized', details} as
// InfoPlug documents; errors follow its {message, parameter?, details} format.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCompany {
  company_id: string;
  company_name: string;
  linkedin_url: string;
  industry?: string;
  employee_count?: number;
  headquarters?: string;
  description?: string;
}

export interface InfoPlugFake {
  url: string;
  /** bodies of POST /search-companies, parsed */
  started: Record<string, unknown>[];
  statusPolls: number;
  /** pages served, as "request_id:page" */
  pagesServed: string[];
  /** where the results are served (the current docs do not show it; earlier docs named two others) */
  resultsPath: string;
  /** paths asked for that do not exist */
  missed: string[];
  /** how the search ends once its polls are done */
  finalStatus: 'completed' | 'done' | 'failed';
  /** the next status polls answer these statuses (e.g. 503, 429), one each, before serving normally */
  failPolls: number[];
  /** a 402 insufficient_credits on the start */
  outOfCredits: boolean;
  close(): Promise<void>;
}

const PAGE = 25;

export async function startInfoPlugFake(opts: {
  key: string;
  companies: FakeCompany[];
  /** status polls that answer processing before the search completes */
  pollsToFinish: number;
}): Promise<InfoPlugFake> {
  const searches = new Map<string, { polls: number; limit: number }>();
  const fake: InfoPlugFake = {
    url: '',
    started: [],
    statusPolls: 0,
    pagesServed: [],
    resultsPath: '/get-company-search-results',
    missed: [],
    finalStatus: 'completed',
    failPolls: [],
    outOfCredits: false,
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };
      if (req.headers['x-infoplug-api-key'] !== opts.key)
        return send(401, { message: 'unauthorized', details: 'Invalid or missing API key' });
      const url = new URL(req.url ?? '/', 'http://x');
      const failure = url.pathname === '/get-company-search-status' ? fake.failPolls.shift() : undefined;
      if (failure === 429)
        return send(
          429,
          { message: 'rate_limit_exceeded', details: 'Too many requests in a short time' },
          { 'retry-after': '0' },
        );
      if (failure !== undefined)
        return send(failure, { message: 'error', details: 'Temporary failure or timeout' });
      if (req.method === 'POST' && url.pathname === '/search-companies') {
        const parsed = JSON.parse(body || '{}') as Record<string, unknown>;
        if (typeof parsed.sales_nav_url !== 'string')
          return send(400, {
            message: 'invalid_parameter',
            parameter: 'sales_nav_url',
            details: 'Provide search filters or a Sales Navigator URL',
          });
        const limit = Number(parsed.limit ?? 100);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          return send(400, { message: 'limit_out_of_range', details: 'Use a limit within 1-1000' });
        if (fake.outOfCredits)
          return send(402, { message: 'insufficient_credits', details: 'Account has no credits remaining' });
        fake.started.push(parsed);
        const id = `search-companies-${1_700_000_000 + fake.started.length}-abc123`;
        searches.set(id, { polls: 0, limit });
        return send(200, {
          message: "Use this request_id to check your search with 'Get Company Search Status' endpoint",
          request_id: id,
        });
      }
      const requestId = url.searchParams.get('request_id');
      if (req.method === 'GET' && url.pathname === '/get-company-search-status') {
        if (!requestId)
          return send(400, {
            message: 'invalid_parameter',
            parameter: 'request_id',
            details: 'Request ID is required',
          });
        const search = searches.get(requestId);
        if (!search) return send(404, { message: 'not_found', details: 'Search request not found' });
        fake.statusPolls++;
        search.polls++;
        const total = Math.min(search.limit, opts.companies.length);
        const finished = search.polls > opts.pollsToFinish;
        return send(200, {
          status: finished ? fake.finalStatus : 'processing',
          request_id: requestId,
          progress: finished ? 100 : Math.round((100 * search.polls) / (opts.pollsToFinish + 1)),
          total_results: total,
        });
      }
      if (req.method === 'GET' && url.pathname === fake.resultsPath) {
        const search = requestId ? searches.get(requestId) : undefined;
        if (!search) return send(404, { message: 'not_found', details: 'Search request not found' });
        const page = Number(url.searchParams.get('page') ?? '1');
        const all = opts.companies.slice(0, search.limit);
        fake.pagesServed.push(`${requestId}:${page}`);
        return send(200, {
          status: 'done',
          request_id: requestId,
          page,
          total_pages: Math.max(1, Math.ceil(all.length / PAGE)),
          data: all.slice((page - 1) * PAGE, page * PAGE),
        });
      }
      fake.missed.push(url.pathname);
      send(404, { message: 'not_found', details: 'No such endpoint' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}

/** n companies with distinct LinkedIn URLs. */
export function fakeCompanies(n: number, offset = 0): FakeCompany[] {
  return Array.from({ length: n }, (_, i) => ({
    company_id: String(1000 + i + offset),
    company_name: `Company ${i + offset}`,
    linkedin_url: `https://www.linkedin.com/company/company-${i + offset}`,
    industry: 'Software Development',
    employee_count: 100 + i,
    headquarters: 'Mountain View, California',
    description: `Company ${i + offset} makes software.`,
  }));
}
