// A loopback Pronto (https://docs.prontohq.com): POST /api/v2/leads starts a search of a
// LinkedIn search URL and answers 202 {id, status: 'processing'}; GET /api/v2/searches/{id}
// answers {search: {id, name, created_at, status}, leads: [{lead, company}]}, giving the
// scripted leads a page per poll until the search is FINISHED; DELETE /api/v2/searches/{id}
// ends a search ({message: 'Search deleted successfully'}). The X-API-KEY header must
// match, else 401 as Pronto does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLead {
  first_name: string;
  last_name: string;
  title: string;
  linkedin_profile_url: string;
  company?: { name: string; website?: string; linkedin_url?: string };
}

export interface ProntoFake {
  url: string;
  /** bodies of POST /leads, parsed */
  started: Record<string, unknown>[];
  polls: number;
  /** what a search finds, and how many more each poll gives (changeable between searches) */
  leads: FakeLead[];
  perPoll: number;
  /** ids of searches ended with DELETE /searches/{id} */
  deleted: string[];
  /** the status the search ends with once every page is out */
  finalStatus: string;
  close(): Promise<void>;
}

export async function startProntoFake(opts: {
  key: string;
  leads: FakeLead[];
  perPoll: number;
}): Promise<ProntoFake> {
  const searches = new Map<string, { served: number; limit: number }>();
  const fake: ProntoFake = {
    url: '',
    started: [],
    polls: 0,
    leads: opts.leads,
    perPoll: opts.perPoll,
    deleted: [],
    finalStatus: 'FINISHED',
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.headers['x-api-key'] !== opts.key)
        return send(401, { error: 'Unauthorized', message: 'Invalid API key' });
      if (req.method === 'POST' && req.url === '/api/v2/leads') {
        const parsed = JSON.parse(body) as Record<string, unknown>;
        if (typeof parsed.search_url !== 'string' || typeof parsed.name !== 'string')
          return send(422, { error: 'search_url and name are required' });
        fake.started.push(parsed);
        const id = `3c90c3cc-0d44-4b50-8888-${String(fake.started.length).padStart(12, '0')}`;
        searches.set(id, { served: 0, limit: Number(parsed.limit ?? fake.leads.length) });
        return send(202, { id, status: 'processing' });
      }
      const match = /^\/api\/v2\/searches\/([^/?]+)$/.exec(req.url ?? '');
      if (req.method === 'DELETE' && match) {
        const id = decodeURIComponent(match[1] as string);
        if (!searches.delete(id)) return send(404, { error: 'Search not found' });
        fake.deleted.push(id);
        return send(200, { message: 'Search deleted successfully' });
      }
      if (req.method === 'GET' && match) {
        const search = searches.get(decodeURIComponent(match[1] as string));
        if (!search) return send(404, { error: 'Search not found' });
        fake.polls++;
        const available = Math.min(search.limit, fake.leads.length);
        search.served = Math.min(available, search.served + fake.perPoll);
        const status = search.served >= available ? fake.finalStatus : 'ONGOING';
        return send(200, {
          search: { id: match[1], name: 'import', created_at: '2026-12-02T08:00:00Z', status },
          leads: fake.leads.slice(0, search.served).map((l) => ({
            lead: {
              first_name: l.first_name,
              last_name: l.last_name,
              full_name: `${l.first_name} ${l.last_name}`,
              title: l.title,
              linkedin_profile_url: l.linkedin_profile_url,
              lk_headline: `${l.title} at ${l.company?.name ?? ''}`,
              status: 'QUALIFIED',
            },
            company: l.company
              ? {
                  name: l.company.name,
                  website: l.company.website ?? null,
                  linkedin_url: l.company.linkedin_url ?? null,
                }
              : null,
          })),
        });
      }
      send(404, { error: 'Not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
