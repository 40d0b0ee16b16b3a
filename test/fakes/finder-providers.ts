// One loopback server standing in for every finder provider's API, answering with the
// shapes their public docs show (see each adapter's docsUrl). Each provider lives under
// its own path prefix (`/<providerId>/…`), so `baseUrls` points every adapter at it.
// A test picks, per provider, what the "person" gets: a hit, not found, a refused key
// (401), a rate limit (429 with Retry-After), garbage (not JSON) or JSON of the wrong
// shape. Asynchronous providers answer "still running" on the first read and the
// result on the next, so their polling is exercised too. Reused by the e2e tests.
import { type FakeRequest, type FakeResponse, type HttpFake, startHttpFake } from './http-fake';

export type FinderScenario =
  | 'hit'
  | 'not_found'
  | 'unauthorized'
  | 'rate_limited'
  | 'garbage'
  | 'bad_shape'
  /** a refusal in a 200 answer, where a provider documents one (Findymail) */
  | 'out_of_credits'
  /** a person the provider withholds for compliance, where it documents it (Lusha) */
  | 'restricted'
  /** a lookup that failed inside a 200 answer, where a provider documents it (Lusha) */
  | 'enrich_failed'
  /** a 402 refusal for want of credits, where a provider documents it (BetterContact, FullEnrich) */
  | 'payment_required'
  /** a result asked for an id the provider does not know (404), where it documents it (FullEnrich) */
  | 'unknown_request'
  /** phones refused with a 402 because the plan lacks them; email alone is answered (BetterContact) */
  | 'no_phone_plan'
  /** an address the provider itself verified as undeliverable, where it reports one (BetterContact, FullEnrich) */
  | 'undeliverable';

export const FINDER_FAKE_IDS = [
  'hunter',
  'findymail',
  'prospeo',
  'leadmagic',
  'anymailfinder',
  'icypeas',
  'tomba',
  'skrapp',
  'voilanorbert',
  'apollo',
  'peopledatalabs',
  'lusha',
  'rocketreach',
  'contactout',
  'kaspr',
  'dropcontact',
  'fullenrich',
  'bettercontact',
] as const;

export const FAKE_EMAIL = 'ada.lovelace@analytical.io';
export const FAKE_PHONE = '+44 20 7946 0018';

export interface FinderRequest extends FakeRequest {
  provider: string;
  /** the path after the provider's prefix, without the query */
  path: string;
  query: URLSearchParams;
}

export interface FinderFake {
  url: string;
  /** provider id → base URL on this server */
  baseUrls: Record<string, string>;
  /** what a provider answers from now on (default: not_found) */
  set(provider: string, scenario: FinderScenario, answer?: { email?: string; phone?: string }): void;
  setAll(scenario: FinderScenario): void;
  /** requests received, oldest first */
  requests: FinderRequest[];
  /** requests a provider received */
  calls(provider: string): FinderRequest[];
  reset(): void;
  close(): Promise<void>;
}

type Answer = { email: string; phone: string };
type Json = unknown;
const ok = (body: Json): FakeResponse => ({ status: 200, body: JSON.stringify(body) });
const status = (code: number, body: Json): FakeResponse => ({ status: code, body: JSON.stringify(body) });
/** A Lusha V3 result that carries an error code instead of the contact's data. */
const lushaFailure = (code: string) => ({
  error: { code, message: `Contact could not be enriched: ${code}` },
});
/** 401 bodies where a provider documents its own; the others answer a generic one. */
const UNAUTHORIZED: Record<string, Json> = {
  bettercontact: { error: 'Your are not authorized. Please check your api_key.' },
  fullenrich: { code: 'error.api.key', message: 'Unknown api key' },
};
/**
 * 429 bodies where a provider documents its own. The Retry-After header every 429 here
 * carries is not in FullEnrich's spec; it stays so the shared rate-limit test holds.
 */
const RATE_LIMITED: Record<string, Json> = {
  fullenrich: { code: 'error.rate.limit', message: 'Too many requests. Try again in 1m' },
};
/**
 * A FullEnrich v2 result (ResponseGetContactBulkEnrich in its OpenAPI file): one record per
 * contact sent, echoing the input. The shape of a record with nothing found is not
 * documented: here it has contact_info with empty lists and no most_probable_* fields.
 */
const fullEnrichResult = (status: string, contactInfo: Json | undefined, credits: number) => ({
  id: 'enr-1',
  name: 'Rowsmith',
  status,
  cost: { credits },
  data: [
    {
      input: {
        first_name: 'Ada',
        last_name: 'Lovelace',
        company_domain: 'analytical.io',
        company_name: 'Analytical Engines',
        professional_network_url: 'https://www.linkedin.com/in/ada-lovelace',
      },
      custom: {},
      ...(contactInfo === undefined ? {} : { contact_info: contactInfo }),
    },
  ],
});
const fullEnrichFound = (a: Answer, emailStatus: string) => ({
  most_probable_work_email: { email: a.email, status: emailStatus },
  most_probable_phone: { number: a.phone, region: 'GB' },
  work_emails: [{ email: a.email, status: emailStatus }],
  personal_emails: [],
  phones: [{ number: a.phone, region: 'GB' }],
});
const FULLENRICH_NOTHING = { work_emails: [], personal_emails: [], phones: [] };
/**
 * One lead of a terminated BetterContact enrichment, as its EnrichedContact schema shows:
 * every key present, null when unknown, and legacy keys that are always null.
 */
const betterContactLead = (
  enriched: boolean,
  mail: string | null,
  status: string,
  mobile: string | null,
) => ({
  enriched,
  contact_id: 128374651,
  custom_fields: [],
  contact_first_name: 'Ada',
  contact_last_name: 'Lovelace',
  contact_full_name: 'Ada Lovelace',
  contact_job_title: 'Analyst',
  contact_linkedin_profile_url: 'https://www.linkedin.com/in/ada-lovelace',
  contact_email_address: mail,
  contact_email_address_status: status,
  contact_email_address_provider: mail ? 'Secret Provider' : null,
  email_provider: mail ? 'google' : null,
  contact_phone_number: mobile,
  contact_phone_number_provider: mobile ? 'Secret Provider' : null,
  company_name: 'Analytical Engines',
  company_domain: 'analytical.io',
  company_logo: null,
  contact_avatar: null,
});
const betterContactDone = (lead: ReturnType<typeof betterContactLead>) => ({
  id: 'bc-req-1',
  status: 'terminated',
  credits_consumed: lead.enriched ? 1 : 0,
  credits_left: 330,
  summary: {
    total: 1,
    valid: lead.contact_email_address_status === 'deliverable' ? 1 : 0,
    catch_all: 0,
    undeliverable: lead.contact_email_address_status === 'undeliverable' ? 1 : 0,
    not_found: lead.contact_email_address ? 0 : 1,
  },
  data: [lead],
});

function answerFor(
  provider: string,
  path: string,
  found: boolean,
  a: Answer,
  req: FinderRequest,
  firstReadPending: (key: string) => boolean,
): FakeResponse {
  switch (provider) {
    case 'hunter':
      if (path === '/account') {
        return ok({
          data: {
            email: 'me@rowsmith.app',
            plan_name: 'Starter',
            requests: { searches: { used: 3, available: 500 } },
          },
        });
      }
      return ok({
        data: {
          first_name: 'Ada',
          last_name: 'Lovelace',
          email: found ? a.email : null,
          score: found ? 94 : null,
          domain: 'analytical.io',
          accept_all: false,
          position: 'Analyst',
          sources: [],
          verification: { date: '2026-11-01', status: found ? 'valid' : null },
        },
        meta: { params: Object.fromEntries(req.query) },
      });
    case 'findymail':
      if (path === '/api/credits') return ok({ credits: 150, verifier_credits: 80 });
      return found
        ? ok({ contact: { name: 'Ada Lovelace', email: a.email, domain: 'analytical.io' } })
        : status(404, { error: 'Not found' });
    case 'prospeo':
      if (path === '/account-information')
        return ok({ error: false, response: { current_plan: 'STARTER', remaining_credits: 99 } });
      return found
        ? ok({
            error: false,
            free_enrichment: false,
            person: {
              person_id: 'p1',
              full_name: 'Ada Lovelace',
              email: { status: 'VERIFIED', revealed: true, email: a.email },
              mobile: { status: 'VERIFIED', revealed: true, mobile: a.phone },
            },
          })
        : status(400, { error: true, error_code: 'NO_MATCH' });
    case 'leadmagic':
      return ok(
        found
          ? { email: a.email, status: 'valid', credits_consumed: 1, message: 'Email found.' }
          : { email: null, status: 'not_found', credits_consumed: 0, message: 'No email found.' },
      );
    case 'anymailfinder':
      return ok(
        found
          ? { email: a.email, email_status: 'valid', valid_email: a.email }
          : { email: null, email_status: 'not_found', valid_email: null },
      );
    case 'icypeas': {
      if (path === '/email-search') return ok({ success: true, item: { _id: 'search-1', status: 'NONE' } });
      if (firstReadPending(`icypeas:${req.body}`))
        return ok({ success: true, items: [{ _id: 'search-1', status: 'IN_PROGRESS' }] });
      return ok({
        success: true,
        items: [
          found
            ? {
                _id: 'search-1',
                status: 'DEBITED',
                results: { emails: [{ email: a.email, certainty: 'ultra_sure', mxProvider: 'google' }] },
              }
            : { _id: 'search-1', status: 'DEBITED_NOT_FOUND', results: { emails: [] } },
        ],
      });
    }
    case 'tomba':
      return ok({
        data: {
          email: found ? a.email : null,
          first_name: 'Ada',
          last_name: 'Lovelace',
          score: found ? 80 : null,
          verification: { date: null, status: null },
          sources: [],
        },
      });
    case 'skrapp':
      return ok(
        found
          ? {
              email: a.email,
              firstName: 'Ada',
              lastName: 'Lovelace',
              domain: 'analytical.io',
              accuracy: 88,
              quality: { status: 'valid', status_message: 'Deliverable' },
            }
          : { email: null, accuracy: 0, quality: { status: 'not_found' } },
      );
    case 'voilanorbert':
      if (path === '/search/name') return ok({ id: 7, searching: true, email: null });
      return ok({ id: 7, searching: false, email: found ? { email: a.email, score: 97 } : null });
    case 'apollo':
      if (path === '/auth/health') return ok({ healthy: true, is_logged_in: true });
      return ok({
        person: found
          ? {
              id: 'ap1',
              name: 'Ada Lovelace',
              email: a.email,
              email_status: 'verified',
              organization: { name: 'Analytical' },
            }
          : null,
      });
    case 'peopledatalabs':
      return found
        ? ok({
            status: 200,
            likelihood: 9,
            data: {
              full_name: 'ada lovelace',
              work_email: a.email,
              mobile_phone: a.phone,
              phone_numbers: [a.phone],
            },
          })
        : status(404, {
            status: 404,
            error: { type: 'not_found', message: 'No records were found matching your request' },
          });
    case 'lusha':
      // POST /v3/contacts/search-and-enrich as in Lusha's V3 reference: one result per
      // contact sent, a personal address listed before the work one and a direct line
      // before the mobile; a contact Lusha cannot give carries an error code instead of
      // data. The reference pages read so far stop before the emails[] / phones[] item
      // fields: `email`, `number`, `type` and `doNotCall` follow public V3 clients.
      if (path === '/account/usage') return ok({ usage: { used: 10, remaining: 90, total: 100 } });
      return ok({
        requestId: 'req-lusha-1',
        results: [
          found
            ? {
                id: '4389064704',
                firstName: 'Ada',
                lastName: 'Lovelace',
                fullName: 'Ada Lovelace',
                jobTitle: { title: 'Analyst', departments: ['Engineering'], seniority: 'Senior' },
                emails: [
                  { email: 'ada@gmail.example', type: 'personal' },
                  { email: a.email, type: 'work' },
                ],
                phones: [
                  { number: '+44 20 7946 0999', type: 'direct', doNotCall: false },
                  { number: a.phone, type: 'mobile', doNotCall: false },
                ],
              }
            : lushaFailure('NOT_FOUND'),
        ],
        billing: { creditsCharged: found ? 3 : 0 },
      });
    case 'rocketreach': {
      if (path === '/account') return ok({ id: 1, email: 'me@rowsmith.app', plan: { name: 'Essentials' } });
      if (path === '/person/lookup') {
        return found
          ? ok({ id: 42, status: 'searching', name: 'Ada Lovelace', emails: [], phones: [] })
          : status(404, { detail: 'Not found.' });
      }
      if (firstReadPending(`rocketreach:${req.query.get('ids')}`))
        return ok([{ id: 42, status: 'progress', emails: [], phones: [] }]);
      return ok([
        {
          id: 42,
          status: 'complete',
          name: 'Ada Lovelace',
          emails: [
            { email: 'ada@gmail.example', smtp_valid: 'valid', type: 'personal', grade: 'A' },
            { email: a.email, smtp_valid: 'valid', type: 'professional', grade: 'A-' },
          ],
          phones: [
            {
              number: a.phone,
              e164: a.phone.replace(/\s/g, ''),
              type: 'mobile',
              validity: 'valid',
              recommended: true,
            },
          ],
        },
      ]);
    }
    case 'contactout':
      return found
        ? ok({
            status_code: 200,
            profile: {
              url: 'https://www.linkedin.com/in/ada',
              email: [a.email],
              work_email: [a.email],
              personal_email: [],
              phone: [a.phone],
            },
          })
        : status(404, { status_code: 404, message: 'Profile not found' });
    case 'kaspr':
      return found
        ? ok({
            profile: {
              id: 'ada-lovelace',
              name: 'Ada Lovelace',
              starryProfessionalEmail: a.email,
              professionalEmails: [a.email],
              starryPhone: a.phone,
              phones: [a.phone],
            },
          })
        : status(404, { message: 'Not found' });
    case 'dropcontact': {
      // POST /v1/enrich/all, then GET /v1/enrich/all/{request_id}, as in Dropcontact's
      // quickstart; `phone` is the company's switchboard, `mobile_phone` the person's.
      if (path === '/v1/enrich/all')
        return ok({ credits_left: 100, request_id: 'req-1', error: false, success: true });
      if (firstReadPending(`dropcontact:${path}`))
        return ok({ error: false, success: false, reason: 'Request not ready yet, try again in 30 seconds' });
      return ok({
        error: false,
        success: true,
        data: [
          found
            ? {
                first_name: 'Ada',
                last_name: 'Lovelace',
                email: [{ email: a.email, qualification: 'nominative@pro' }],
                mobile_phone: a.phone,
                phone: '+44 20 7946 0000',
              }
            : { first_name: 'Ada', last_name: 'Lovelace', phone: '+44 20 7946 0000' },
        ],
      });
    }
    case 'fullenrich': {
      // API v2: POST /contact/enrich/bulk, then GET /contact/enrich/bulk/{id}, which answers
      // 400 error.enrichment.in_progress while running and 404 for an id it does not know.
      if (path === '/account/credits') return ok({ balance: 500 });
      if (path === '/contact/enrich/bulk') return ok({ enrichment_id: 'enr-1' });
      if (path !== '/contact/enrich/bulk/enr-1')
        return status(404, { code: 'error.enrichment.not_found', message: 'Enrichment ID not found' });
      if (firstReadPending(`fullenrich:${path}`))
        return status(400, {
          code: 'error.enrichment.in_progress',
          message: 'Enrichment not ready, try again in 30 seconds',
        });
      return ok(
        found
          ? fullEnrichResult('FINISHED', fullEnrichFound(a, 'DELIVERABLE'), 11)
          : fullEnrichResult('FINISHED', FULLENRICH_NOTHING, 0),
      );
    }
    case 'bettercontact': {
      // POST /async (201 with the request id), then GET /async/{id}: 202 "processing" until
      // 200 "terminated", as in BetterContact's openapi.json and its Request statuses page.
      if (path === '/account') return ok({ success: true, credits_left: 331, email: 'me@rowsmith.app' });
      if (path === '/async') return status(201, { success: true, id: 'bc-req-1', message: 'Processing...' });
      if (path !== '/async/bc-req-1') return status(406, { error: 'Unvalid request_id.' });
      if (firstReadPending(`bettercontact:${path}`))
        return status(202, {
          id: 'bc-req-1',
          status: 'processing',
          credits_left: 331,
          message: 'Enrichment is not terminated yet. Please try later',
        });
      return ok(
        betterContactDone(
          found
            ? betterContactLead(true, a.email, 'deliverable', a.phone || null)
            : betterContactLead(false, null, 'not_found', null),
        ),
      );
    }
    default:
      return status(404, { message: `no such provider: ${provider}` });
  }
}

export async function startFinderFake(): Promise<FinderFake> {
  const scenarios = new Map<string, { scenario: FinderScenario; answer: Answer }>();
  const requests: FinderRequest[] = [];
  // Async searches: each one is read once "still running", then done.
  const pendingReads = new Map<string, number>();
  const firstReadPending = (key: string): boolean => {
    const reads = pendingReads.get(key) ?? 0;
    pendingReads.set(key, reads + 1);
    return reads === 0;
  };
  const handler = (req: FakeRequest): FakeResponse => {
    const url = new URL(req.url, 'http://fake');
    const [, provider = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const request: FinderRequest = { ...req, provider, path, query: url.searchParams };
    requests.push(request);
    const chosen = scenarios.get(provider) ?? {
      scenario: 'not_found',
      answer: { email: FAKE_EMAIL, phone: FAKE_PHONE },
    };
    switch (chosen.scenario) {
      case 'unauthorized':
        return status(401, UNAUTHORIZED[provider] ?? { message: 'Invalid API key' });
      case 'rate_limited':
        return {
          status: 429,
          headers: { 'retry-after': '1' },
          body: JSON.stringify(RATE_LIMITED[provider] ?? { message: 'Too many requests' }),
        };
      case 'garbage':
        return {
          status: 200,
          headers: { 'content-type': 'text/html' },
          body: '<html><body>Maintenance</body></html>',
        };
      case 'bad_shape':
        return ok(['not', 'what', 'the', 'docs', 'say']);
      case 'out_of_credits':
        if (provider === 'findymail') return ok({ error: 'Not enough credits' });
        // BetterContact accepts the request, then pauses it when the balance hits zero.
        if (provider === 'bettercontact' && path.startsWith('/async/'))
          return ok({ id: 'bc-req-1', status: 'on_hold', credits_consumed: 0, credits_left: 0 });
        return answerFor(provider, path, false, chosen.answer, request, firstReadPending);
      case 'restricted':
      case 'enrich_failed':
        if (provider === 'lusha' && path !== '/account/usage') {
          const code = chosen.scenario === 'restricted' ? 'COMPLIANCE_RESTRICTED' : 'ENRICH_FAILED';
          return ok({
            requestId: 'req-lusha-1',
            results: [lushaFailure(code)],
            billing: { creditsCharged: 0 },
          });
        }
        return answerFor(provider, path, false, chosen.answer, request, firstReadPending);
      case 'payment_required':
        if (provider === 'bettercontact' && path === '/async')
          return status(402, { success: false, message: 'You ran out of credits' });
        // FullEnrich's result read answers 402 with the result itself as the body.
        if (provider === 'fullenrich' && path.startsWith('/contact/enrich/bulk/'))
          return status(402, fullEnrichResult('CREDITS_INSUFFICIENT', undefined, 0));
        return answerFor(provider, path, false, chosen.answer, request, firstReadPending);
      case 'unknown_request':
        if (provider === 'fullenrich' && path === '/contact/enrich/bulk')
          return ok({ enrichment_id: 'enr-expired' });
        return answerFor(provider, path, false, chosen.answer, request, firstReadPending);
      case 'no_phone_plan':
        if (
          provider === 'bettercontact' &&
          path === '/async' &&
          JSON.parse(req.body || '{}').enrich_phone_number
        )
          return status(402, {
            success: false,
            message: "You don't have access to phone number enrichment feature. Please upgrade your plan.",
          });
        return answerFor(provider, path, true, { ...chosen.answer, phone: '' }, request, firstReadPending);
      case 'undeliverable': {
        if (provider === 'fullenrich' && path === '/contact/enrich/bulk/enr-1')
          return ok(fullEnrichResult('FINISHED', fullEnrichFound(chosen.answer, 'INVALID'), 10));
        const better = provider === 'bettercontact';
        const answer = answerFor(provider, path, better, chosen.answer, request, firstReadPending);
        if (!better || path !== '/async/bc-req-1' || answer.status !== 200) return answer;
        const { email, phone } = chosen.answer;
        return ok(betterContactDone(betterContactLead(true, email, 'undeliverable', phone)));
      }
      default:
        return answerFor(provider, path, chosen.scenario === 'hit', chosen.answer, request, firstReadPending);
    }
  };
  const fake: HttpFake = await startHttpFake({ handler });
  const set: FinderFake['set'] = (provider, scenario, answer = {}) => {
    scenarios.set(provider, {
      scenario,
      answer: { email: answer.email ?? FAKE_EMAIL, phone: answer.phone ?? FAKE_PHONE },
    });
  };
  return {
    url: fake.url,
    baseUrls: Object.fromEntries(FINDER_FAKE_IDS.map((id) => [id, `${fake.url}/${id}`])),
    set,
    setAll(scenario) {
      for (const id of FINDER_FAKE_IDS) set(id, scenario);
    },
    requests,
    calls: (provider) => requests.filter((r) => r.provider === provider),
    reset() {
      scenarios.clear();
      requests.length = 0;
      pendingReads.clear();
    },
    close: () => fake.close(),
  };
}
