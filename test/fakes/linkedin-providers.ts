// One loopback server standing in for every LinkedIn data source the catalogue knows:
// Enrich Layer (/api/v2/…), People Data Labs (/v5/…), Blitz (/v2/utils/…) and
// LinkedIn's own public pages (/company/…, /in/…). It answers with the shapes each
// provider documents, for a tiny world of one company (acme) and one person
// (jane-doe), checks each provider's key where the provider sends it, and has slugs
// that misbehave on purpose: `ratelimited` (429), `garbage` (not JSON), and on the
// public pages `blocked` (HTTP 999), `walled` (a redirect to the login wall), `bare`
// (a login page without data) and `busy` (429). Reusable by e2e tests: point
// ROWSMITH_PROVIDER_URLS at `baseUrls`.
import { type FakeRequest, type FakeResponse, type HttpFake, startHttpFake } from './http-fake';

export const LINKEDIN_KEYS = {
  enrichlayer: 'el-test-key',
  peopledatalabs: 'pdl-test-key',
  blitz: 'blitz-test-key',
};

export interface LinkedInFake {
  url: string;
  http: HttpFake;
  /** provider id -> this server, for createApp({ providers: { baseUrls } }) */
  baseUrls: Record<string, string>;
  /** every request, parsed */
  calls: {
    method: string;
    path: string;
    query: URLSearchParams;
    body: unknown;
    headers: FakeRequest['headers'];
  }[];
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse => ({
  status,
  headers,
  body: JSON.stringify(body),
});
const html = (status: number, body: string, headers: Record<string, string> = {}): FakeResponse => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
  body,
});

/** The slug of a LinkedIn URL as the adapters send it (full URL, or PDL's schemeless form). */
function slugOf(value: string | null | undefined): string {
  if (!value) return '';
  const m = value.match(/linkedin\.com\/(?:company|in|school|showcase)\/([^/?#]+)/i);
  return m?.[1] ? decodeURIComponent(m[1]).toLowerCase() : '';
}

// ---------------------------------------------------------------- Enrich Layer shapes
const EL_COMPANY = {
  linkedin_internal_id: '1441',
  description: 'Acme builds warehouse robots.',
  website: 'https://acme.example',
  industry: 'Industrial Automation',
  company_size: [51, 200],
  company_size_on_linkedin: 120,
  hq: {
    country: 'DE',
    city: 'Berlin',
    postal_code: '10115',
    line_1: 'Chausseestr. 1',
    is_hq: true,
    state: 'Berlin',
  },
  company_type: 'PRIVATELY_HELD',
  founded_year: 2011,
  specialities: ['robots'],
  locations: [],
  name: 'Acme Robotics',
  tagline: null,
  universal_name_id: 'acme',
  profile_pic_url: null,
  background_cover_image_url: null,
  search_id: '1035',
  similar_companies: [],
  affiliated_companies: [],
  updates: [],
  follower_count: 4321,
  meta: { thin_profile: false, last_updated: '2026-11-01T10:00:00Z' },
};

const EL_PERSON = {
  public_identifier: 'jane-doe',
  profile_pic_url: null,
  background_cover_image_url: null,
  first_name: 'Jane',
  last_name: 'Doe',
  full_name: 'Jane Doe',
  follower_count: 900,
  occupation: 'CTO at Acme Robotics',
  headline: 'CTO at Acme Robotics · robots that carry boxes',
  summary: 'Builds robots.',
  country: 'DE',
  country_full_name: 'Germany',
  city: 'Berlin',
  state: 'Berlin',
  experiences: [
    {
      starts_at: { day: 1, month: 3, year: 2019 },
      ends_at: null,
      company: 'Acme Robotics',
      company_linkedin_profile_url: 'https://www.linkedin.com/company/acme/',
      title: 'CTO',
      description: null,
      location: 'Berlin',
      logo_url: null,
    },
    {
      starts_at: { day: 1, month: 1, year: 2014 },
      ends_at: { day: 31, month: 12, year: 2018 },
      company: 'Globex',
      company_linkedin_profile_url: 'https://www.linkedin.com/company/globex',
      title: 'Engineer',
      description: null,
      location: null,
      logo_url: null,
    },
  ],
  education: [],
  connections: 500,
  meta: { thin_profile: false, last_updated: '2026-11-01T10:00:00Z' },
};

const EL_EMPLOYEES = [
  { slug: 'jane-doe', first: 'Jane', last: 'Doe', title: 'CTO', country: 'DE', city: 'Berlin' },
  {
    slug: 'max-muster',
    first: 'Max',
    last: 'Muster',
    title: 'Sales Director',
    country: 'DE',
    city: 'Munich',
  },
  { slug: 'sam-lee', first: 'Sam', last: 'Lee', title: 'Sales Engineer', country: 'US', city: 'Austin' },
];

const EL_JOBS = [
  {
    company: 'Acme Robotics',
    company_url: 'https://www.linkedin.com/company/acme',
    job_title: 'Robotics Engineer',
    job_url: 'https://www.linkedin.com/jobs/view/robotics-engineer-at-acme-3203330682',
    list_date: '2026-11-20',
    location: 'Berlin, Germany',
  },
  {
    company: 'Acme Robotics',
    company_url: 'https://www.linkedin.com/company/acme',
    job_title: 'Sales Manager',
    job_url: 'https://www.linkedin.com/jobs/view/sales-manager-at-acme-3257692764',
    list_date: '2026-11-18',
    location: 'Munich, Germany',
  },
  {
    company: 'Acme Robotics',
    company_url: 'https://www.linkedin.com/company/acme',
    job_title: 'Field Technician',
    job_url: 'https://www.linkedin.com/jobs/view/field-technician-at-acme-3257692999',
    list_date: '2026-11-02',
    location: 'Austin, TX',
  },
];

function enrichLayer(req: FakeRequest, url: URL): FakeResponse {
  if (req.headers.authorization !== `Bearer ${LINKEDIN_KEYS.enrichlayer}`) {
    return json(401, { code: 401, description: 'Invalid API key', name: 'Unauthorized' });
  }
  const q = url.searchParams;
  const path = url.pathname.replace(/\/+$/, '');
  const special = (slug: string): FakeResponse | null =>
    slug === 'ratelimited'
      ? json(
          429,
          { code: 429, description: 'Rate limited. Please retry', name: 'Too Many Requests' },
          { 'retry-after': '0' },
        )
      : slug === 'garbage'
        ? html(200, '<html>upstream proxy error</html>')
        : null;
  const notFound = json(404, { code: 404, description: 'Person profile does not exist', name: 'Not Found' });
  switch (path) {
    case '/api/v2/credit-balance':
      return json(200, { credit_balance: 100 });
    case '/api/v2/company': {
      const slug = slugOf(q.get('url'));
      return special(slug) ?? (slug === 'acme' ? json(200, EL_COMPANY) : notFound);
    }
    case '/api/v2/company/resolve': {
      const hit =
        q.get('company_name')?.toLowerCase() === 'acme robotics' ||
        q.get('company_domain') === 'acme.example';
      return json(
        200,
        hit
          ? {
              url: 'https://www.linkedin.com/company/acme',
              profile: EL_COMPANY,
              last_updated: '2026-11-01T10:00:00Z',
            }
          : { url: null, profile: null, last_updated: null },
      );
    }
    case '/api/v2/profile': {
      const slug = slugOf(q.get('profile_url'));
      return special(slug) ?? (slug === 'jane-doe' ? json(200, EL_PERSON) : notFound);
    }
    case '/api/v2/profile/resolve': {
      const hit =
        q.get('first_name')?.toLowerCase() === 'jane' &&
        q.get('last_name')?.toLowerCase() === 'doe' &&
        q.get('company_domain') !== null;
      return json(
        200,
        hit
          ? {
              url: 'https://www.linkedin.com/in/jane-doe',
              profile: EL_PERSON,
              last_updated: '2026-11-01T10:00:00Z',
            }
          : { url: null, profile: null, last_updated: null },
      );
    }
    case '/api/v2/company/job': {
      if (q.get('search_id') !== '1035')
        return json(200, {
          job: [],
          next_page_no: null,
          next_page_api_url: null,
          previous_page_no: null,
          previous_page_api_url: null,
        });
      const second = q.get('pagination') === 'p2';
      return json(200, {
        job: second ? EL_JOBS.slice(2) : EL_JOBS.slice(0, 2),
        next_page_no: second ? null : 1,
        next_page_api_url: second
          ? null
          : `http://enrichlayer.com/api/pc/company/job?pagination=p2&search_id=1035`,
        previous_page_no: null,
        previous_page_api_url: null,
      });
    }
    case '/api/v2/company/employees': {
      const slug = slugOf(q.get('url'));
      const fail = special(slug);
      if (fail) return fail;
      if (slug !== 'acme') return notFound;
      const country = q.get('country')?.toUpperCase();
      const role = q
        .get('boolean_role_search')
        ?.toLowerCase()
        .match(/"([^"]+)"/g)
        ?.map((w) => w.replace(/"/g, ''));
      const matching = EL_EMPLOYEES.filter(
        (e) =>
          (!country || e.country === country) &&
          (!role || role.some((r) => e.title.toLowerCase().includes(r))),
      );
      const after = Number(q.get('after') ?? 0);
      const size = Number(q.get('page_size') ?? 10);
      const page = matching.slice(after, after + size);
      const next =
        after + size < matching.length
          ? `https://enrichlayer.com/api/v2/company/employees/?url=x&after=${after + size}`
          : null;
      return json(200, {
        employees: page.map((e) => ({
          profile_url: `https://www.linkedin.com/in/${e.slug}`,
          profile: {
            public_identifier: e.slug,
            first_name: e.first,
            last_name: e.last,
            full_name: `${e.first} ${e.last}`,
            headline: `${e.title} at Acme Robotics`,
            occupation: `${e.title} at Acme Robotics`,
            country: e.country,
            country_full_name: e.country === 'DE' ? 'Germany' : 'United States of America',
            city: e.city,
            state: null,
            experiences: [
              {
                starts_at: { day: 1, month: 1, year: 2020 },
                ends_at: null,
                company: 'Acme Robotics',
                company_linkedin_profile_url: 'https://www.linkedin.com/company/acme',
                title: e.title,
              },
            ],
          },
          last_updated: '2026-11-01T10:00:00Z',
        })),
        next_page: next,
      });
    }
    default:
      return json(404, { code: 404, description: 'No such endpoint', name: 'Not Found' });
  }
}

// ---------------------------------------------------------------- People Data Labs shapes
const PDL_COMPANY = {
  status: 200,
  likelihood: 9,
  id: 'tnHcNHbCv8MKeLh92946LAkX6PKg',
  name: 'acme robotics',
  display_name: 'Acme Robotics',
  size: '51-200',
  employee_count: 118,
  linkedin_follower_count: 4300,
  founded: 2011,
  industry: 'industrial automation',
  location: {
    name: 'berlin, berlin, germany',
    locality: 'berlin',
    region: 'berlin',
    country: 'germany',
    continent: 'europe',
  },
  website: 'acme.example',
  linkedin_url: 'linkedin.com/company/acme',
  linkedin_id: '1441',
  summary: 'acme builds warehouse robots.',
  headline: 'robots that carry boxes',
  employee_count_by_country: { germany: 80, 'united states': 30, 'united kingdom': 6, atlantis: 2 },
};

const PDL_PERSON = {
  id: 'qEnOZ5Oh0poWnQ1luFBfVw_0000',
  full_name: 'jane doe',
  first_name: 'jane',
  last_name: 'doe',
  headline: 'cto at acme robotics',
  job_title: 'cto',
  job_title_levels: ['cxo'],
  job_company_name: 'acme robotics',
  job_company_linkedin_url: 'linkedin.com/company/acme',
  location_name: 'berlin, berlin, germany',
  location_country: 'germany',
  linkedin_url: 'linkedin.com/in/jane-doe',
  linkedin_id: '123456789',
  summary: 'builds robots.',
  experience: [
    {
      company: { name: 'acme robotics' },
      title: { name: 'cto' },
      start_date: '2019-03',
      end_date: null,
      is_primary: true,
    },
    {
      company: { name: 'globex' },
      title: { name: 'engineer' },
      start_date: '2014-01',
      end_date: '2018-12',
      is_primary: false,
    },
  ],
};

const PDL_PEOPLE = [
  PDL_PERSON,
  {
    ...PDL_PERSON,
    full_name: 'max muster',
    linkedin_url: 'linkedin.com/in/max-muster',
    job_title: 'sales director',
    job_title_levels: ['director'],
    location_name: 'munich, bavaria, germany',
  },
  {
    ...PDL_PERSON,
    full_name: 'sam lee',
    linkedin_url: 'linkedin.com/in/sam-lee',
    job_title: 'sales engineer',
    job_title_levels: [],
    location_name: 'austin, texas, united states',
    location_country: 'united states',
  },
];

const PDL_NOT_FOUND = json(404, {
  status: 404,
  error: { type: 'not_found', message: 'No records were found matching your request' },
});

/** The terms and matches of a PDL Elasticsearch bool query, flattened. */
function esTerms(body: unknown): { terms: Record<string, string>; matches: string[] } {
  const terms: Record<string, string> = {};
  const matches: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const obj = node as Json;
    if (obj.term && typeof obj.term === 'object') Object.assign(terms, obj.term);
    if (obj.match && typeof obj.match === 'object')
      matches.push(...Object.values(obj.match as Json).map(String));
    for (const v of Object.values(obj)) walk(v);
  };
  walk(body);
  return { terms, matches };
}

function peopleDataLabs(req: FakeRequest, url: URL, body: unknown): FakeResponse {
  if (req.headers['x-api-key'] !== LINKEDIN_KEYS.peopledatalabs) {
    return json(401, { status: 401, error: { type: 'authentication_error', message: 'Invalid API Key' } });
  }
  const q = url.searchParams;
  const slug = slugOf(q.get('profile'));
  if (slug === 'ratelimited')
    return json(
      429,
      { status: 429, error: { type: 'rate_limit_error', message: 'Rate limit exceeded' } },
      { 'retry-after': '0' },
    );
  if (slug === 'garbage') return html(200, '<html>bad gateway</html>');
  switch (url.pathname) {
    case '/v5/company/enrich': {
      const hit =
        slug === 'acme' ||
        q.get('name')?.toLowerCase() === 'acme robotics' ||
        q.get('website') === 'acme.example';
      return hit ? json(200, PDL_COMPANY) : PDL_NOT_FOUND;
    }
    case '/v5/person/enrich': {
      const hit =
        slug === 'jane-doe' ||
        q.get('name')?.toLowerCase() === 'jane doe' ||
        (q.get('first_name')?.toLowerCase() === 'jane' && q.get('last_name')?.toLowerCase() === 'doe');
      return hit ? json(200, { status: 200, likelihood: 8, data: PDL_PERSON }) : PDL_NOT_FOUND;
    }
    case '/v5/job_posting/search': {
      const { terms } = esTerms(body);
      if (terms.company_linkedin_url !== 'linkedin.com/company/acme') return PDL_NOT_FOUND;
      const size = Number((body as Json).size ?? 10);
      const data = [
        {
          id: 'ZtIJn2IURLw',
          first_seen: '2026-11-21',
          deactivated_date: null,
          last_verified: '2026-11-30',
          title: 'robotics engineer',
          title_raw: 'Robotics Engineer',
          company_name: 'acme robotics',
          company_linkedin_url: 'linkedin.com/company/acme',
          locations: [{ name: 'berlin, berlin, germany' }],
        },
        {
          id: 'mCxejm1sT+Q',
          first_seen: '2026-11-10',
          deactivated_date: null,
          last_verified: '2026-11-30',
          title: 'account executive',
          title_raw: 'Account Executive',
          company_name: 'acme robotics',
          company_linkedin_url: 'linkedin.com/company/acme',
          locations: [],
        },
      ].slice(0, size);
      return json(200, { status: 200, data, total: 2, scroll_token: '13.3$5', dataset_version: '34.0' });
    }
    case '/v5/person/search': {
      const { terms, matches } = esTerms(body);
      if (terms.job_company_linkedin_url !== 'linkedin.com/company/acme') return PDL_NOT_FOUND;
      const data = PDL_PEOPLE.filter(
        (p) =>
          (!terms.location_country || p.location_country === terms.location_country) &&
          (matches.length === 0 || matches.some((m) => p.job_title.includes(m.toLowerCase()))),
      ).slice(0, Number((body as Json).size ?? 10));
      return data.length ? json(200, { status: 200, data, total: data.length }) : PDL_NOT_FOUND;
    }
    default:
      return PDL_NOT_FOUND;
  }
}

// ---------------------------------------------------------------- Blitz shapes
function blitz(req: FakeRequest, url: URL, body: unknown): FakeResponse {
  if (req.headers['x-api-key'] !== LINKEDIN_KEYS.blitz) return json(401, { message: 'Invalid API key' });
  if (url.pathname !== '/v2/utils/company-employment-distribution')
    return json(404, { message: 'Not found' });
  const companyUrl = String((body as Json | null)?.company_linkedin_url ?? '');
  const slug = slugOf(companyUrl);
  if (slug === 'ratelimited') return json(429, { message: 'Too many requests' }, { 'retry-after': '0' });
  if (slug === 'garbage') return html(200, '<html>oops</html>');
  if (slug !== 'acme')
    return json(200, { company_linkedin_url: companyUrl, total_employees: 0, distribution: [] });
  return json(200, {
    company_linkedin_url: companyUrl,
    total_employees: 120,
    distribution: [
      { country: 'DE', count: 84 },
      { country: 'US', count: 28 },
      { country: 'unknown', count: 8 },
    ],
  });
}

// ---------------------------------------------------------------- LinkedIn public pages
const COMPANY_PAGE = `<!DOCTYPE html><html><head>
<title>Acme Robotics | LinkedIn</title>
<meta property="og:title" content="Acme Robotics | LinkedIn">
<meta property="og:description" content="Acme Robotics | 4,321 followers on LinkedIn. Robots that carry boxes &amp; more.">
<meta property="og:url" content="https://de.linkedin.com/company/acme">
<script type="application/ld+json">{"@context":"http://schema.org","@type":"Organization","name":"Acme Robotics","url":"https://de.linkedin.com/company/acme","description":"Acme builds warehouse robots.","address":{"@type":"PostalAddress","streetAddress":"Chausseestr. 1","addressLocality":"Berlin","addressRegion":"Berlin","postalCode":"10115","addressCountry":"DE"},"numberOfEmployees":{"@type":"QuantitativeValue","value":120},"sameAs":"https://acme.example","slogan":"Robots that carry boxes"}</script>
</head><body><h1>Acme Robotics</h1></body></html>`;

const OG_ONLY_PAGE = `<html><head>
<meta content="Acme OG | LinkedIn" property="og:title">
<meta property='og:description' content='Acme OG | 12,000 followers on LinkedIn.'>
<meta property="og:url" content="https://www.linkedin.com/company/acme-og">
</head><body></body></html>`;

const PERSON_PAGE = `<html><head>
<meta property="og:title" content="Jane Doe - Acme Robotics | LinkedIn">
<meta property="og:url" content="https://www.linkedin.com/in/jane-doe">
<script type="application/ld+json">{"@context":"http://schema.org","@graph":[{"@type":"Person","name":"Jane Doe","url":"https://de.linkedin.com/in/jane-doe","jobTitle":["CTO"],"worksFor":[{"@type":"Organization","name":"Acme Robotics","url":"https://de.linkedin.com/company/acme"}],"address":{"@type":"PostalAddress","addressLocality":"Berlin","addressCountry":"DE"},"description":"Builds robots."},{"@type":"WebPage","url":"https://de.linkedin.com/in/jane-doe"}]}</script>
</head><body></body></html>`;

const LOGIN_PAGE = `<html><head><title>Sign Up | LinkedIn</title><meta property="og:title" content="Sign Up | LinkedIn"><meta property="og:url" content="https://www.linkedin.com/signup"></head><body>Join LinkedIn</body></html>`;

function publicPage(url: URL): FakeResponse {
  const path = url.pathname.replace(/\/+$/, '');
  switch (path) {
    case '/company/acme':
      return html(200, COMPANY_PAGE);
    case '/company/acme-og':
      return html(200, OG_ONLY_PAGE);
    case '/company/moved':
      return html(301, '', { location: '/company/acme/' });
    case '/company/blocked':
    case '/in/blocked':
      return html(999, '<html><body>Request denied</body></html>');
    case '/company/walled':
    case '/in/walled':
      return html(302, '', {
        location:
          'https://www.linkedin.com/authwall?trk=gf&sessionRedirect=https%3A%2F%2Fwww.linkedin.com%2Fcompany%2Fwalled',
      });
    case '/company/bare':
    case '/in/bare':
      return html(200, LOGIN_PAGE);
    case '/company/busy':
      return html(429, '<html>slow down</html>', { 'retry-after': '0' });
    case '/in/jane-doe':
      return html(200, PERSON_PAGE);
    default:
      return html(404, '<html>Page not found</html>');
  }
}

export async function startLinkedInFake(): Promise<LinkedInFake> {
  const calls: LinkedInFake['calls'] = [];
  const http = await startHttpFake({
    handler: (req) => {
      const url = new URL(req.url, 'http://fake');
      let body: unknown = null;
      if (req.body) {
        try {
          body = JSON.parse(req.body);
        } catch {
          body = req.body;
        }
      }
      calls.push({
        method: req.method,
        path: url.pathname,
        query: url.searchParams,
        body,
        headers: req.headers,
      });
      if (url.pathname.startsWith('/api/v2/')) return enrichLayer(req, url);
      if (url.pathname.startsWith('/v5/')) return peopleDataLabs(req, url, body);
      if (url.pathname.startsWith('/v2/')) return blitz(req, url, body);
      return publicPage(url);
    },
  });
  return {
    url: http.url,
    http,
    baseUrls: {
      enrichlayer: http.url,
      peopledatalabs: http.url,
      blitz: http.url,
      'linkedin-public': http.url,
    },
    calls,
    close: () => http.close(),
  };
}
