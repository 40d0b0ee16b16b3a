// FullEnrich contact enrichment (API v2) is asynchronous (it runs its own waterfall):
// POST /contact/enrich/bulk starts it for one contact and returns an enrichment_id;
// GET /contact/enrich/bulk/{id} answers 400 `error.enrichment.in_progress` while it
// runs, then the result. Polled with a bounded wait. The most probable work email (with
// its status) and the most probable phone are taken; an INVALID address never is.
//
// Written from FullEnrich's v2 reference: "Start Bulk Enrichment"
// (https://docs.fullenrich.com/api/v2/contact/enrich/bulk/post), "Get Enrichment
// Result" (.../api/v2/contact/enrich/bulk/get) and the OpenAPI file behind them
// (api/v2/reference/openapi.yml; a verbatim copy is in the GitHub repository
// api-evangelist/fullenrich, openapi/_original/fullenrich-openapi.yml). What it documents
// and this relies on: the request `{name, data: [{first_name, last_name, domain,
// company_name, linkedin_url, enrich_fields}]}` with enrich_fields among
// contact.work_emails / contact.personal_emails / contact.phones; the result
// `{id, status, cost, data: [{input, custom, contact_info}]}`, contact_info holding
// `most_probable_work_email: {email, status}` (status DELIVERABLE, HIGH_PROBABILITY,
// CATCH_ALL, INVALID or INVALID_DOMAIN) and `most_probable_phone: {number, region}`; the
// status enum CREATED, IN_PROGRESS, CANCELED, CREDITS_INSUFFICIENT, FINISHED, RATE_LIMIT,
// UNKNOWN; and the GET's errors as `{code, message}`: 400 in progress, 401, 404
// `error.enrichment.not_found`, 429 `error.rate.limit`, plus a 402 whose body is the
// result itself.
//
// Not documented, so assumed: what a contact with nothing found looks like (read as a
// record without contact_info or without the most_probable_* fields: not found); whether
// a 200 ever carries CREATED / IN_PROGRESS (read as still running, as the enum allows);
// what RATE_LIMIT, CANCELED and UNKNOWN mean as end states (a refusal, never a free "not
// found"); whether the data in a 402 was charged (never taken: the 402 is an error);
// whether a 429 sends Retry-After (honoured when it does). The spec's request-schema
// example names the profile `professional_network_url`, but its properties and the
// endpoint example name it `linkedin_url`, which is what is sent.
import { CallError } from '../../../engine/scheduler';
import { type JsonResponse, num, requestJson, requireKey, str } from '../../provider-http';
import type { FinderAdapter } from '../types';
import {
  child,
  gradedEmail,
  hit,
  type Json,
  list,
  needLinkedinOr,
  needNameAndCompany,
  object,
  phone,
  poll,
  shapeError,
  WANT_BOTH,
} from './common';

const STATUS_CONFIDENCE: Record<string, number> = { DELIVERABLE: 90, HIGH_PROBABILITY: 75, CATCH_ALL: 55 };
/** Verdicts that say the address would bounce: never written into a cell. */
const UNUSABLE = new Set(['INVALID', 'INVALID_DOMAIN']);
const RUNNING = new Set(['CREATED', 'IN_PROGRESS']);
const IN_PROGRESS = 'error.enrichment.in_progress';

export const fullenrich: FinderAdapter = {
  id: 'fullenrich',
  name: 'FullEnrich',
  docsUrl: 'https://docs.fullenrich.com/api/v2/contact/enrich/bulk/post',
  baseUrl: 'https://app.fullenrich.com/api/v2',
  capabilities: ['person.email', 'person.phone'],
  needsKey: true,
  keyLabel: 'API key',
  needs: (p) => needLinkedinOr(p, needNameAndCompany),
  async find(p, call, signal, wanted = WANT_BOTH) {
    const headers = { Authorization: `Bearer ${requireKey(this, call)}` };
    // FullEnrich charges phones apart (and more): they are asked for only when wanted.
    // Personal emails (3 credits each) are never asked for: the finder looks for work ones.
    const fields = [
      ...(wanted.email ? ['contact.work_emails'] : []),
      ...(wanted.phone ? ['contact.phones'] : []),
    ];
    const contact: Record<string, unknown> = { enrich_fields: fields };
    if (p.firstName) contact.first_name = p.firstName;
    if (p.lastName) contact.last_name = p.lastName;
    if (p.domain) contact.domain = p.domain;
    if (p.company) contact.company_name = p.company;
    if (p.linkedinUrl) contact.linkedin_url = p.linkedinUrl;
    const started = await requestJson(
      this,
      call,
      { method: 'POST', path: '/contact/enrich/bulk', body: { name: 'Rowsmith', data: [contact] }, headers },
      signal,
    );
    const id = str(object(this, started.json, started.text).enrichment_id);
    if (!id) throw shapeError(this, 'no enrichment_id', started.text);
    const result = await poll(this, signal, async () => {
      const res = await requestJson(
        this,
        call,
        { path: `/contact/enrich/bulk/${encodeURIComponent(id)}`, headers, accept: [400, 402] },
        signal,
      );
      const json = object(this, res.json, res.text);
      if (res.status === 400) {
        if (str(json.code) === IN_PROGRESS) return undefined;
        throw refused(res, json, 'answered 400');
      }
      // The enrichment it just started is unknown to it: an error, not the person's absence.
      if (res.status === 404) throw refused(res, json, 'no longer knows the enrichment (404)');
      const status = str(json.status);
      if (res.status === 402) {
        throw new CallError(
          'http',
          `FullEnrich says the account is out of credits (402, ${status ?? 'no status'}).`,
          { status: 402, retryable: false, body: res.text.slice(0, 300) },
        );
      }
      if (!status) throw shapeError(this, 'no status', res.text);
      return RUNNING.has(status) ? undefined : json;
    });
    // Any other end than FINISHED (CREDITS_INSUFFICIENT, CANCELED, …) is a refusal, not a miss.
    const end = str(result.status);
    if (end !== 'FINISHED') {
      throw new CallError('http', `FullEnrich ended the enrichment as ${end}.`, {
        status: end === 'CREDITS_INSUFFICIENT' ? 402 : undefined,
        retryable: false,
      });
    }
    const first = list(this, result, 'data')[0];
    if (first === undefined) return null;
    const found = child(this, object(this, first), 'contact_info');
    if (!found) return null;
    const work = child(this, found, 'most_probable_work_email');
    const grade = (work && str(work.status)) ?? undefined;
    return hit(
      {
        ...gradedEmail(this, work?.email, grade, STATUS_CONFIDENCE, UNUSABLE),
        phone: phone(this, child(this, found, 'most_probable_phone')?.number) ?? undefined,
      },
      result,
    );
  },
  async testConnection(call, signal) {
    const res = await requestJson(
      this,
      call,
      { path: '/account/credits', headers: { Authorization: `Bearer ${requireKey(this, call)}` } },
      signal,
    );
    const balance = num(object(this, res.json, res.text).balance);
    return balance === null
      ? 'FullEnrich accepted the key.'
      : `FullEnrich accepted the key: ${balance} credits left.`;
  },
};

/** A `{code, message}` error answer, as a final error that says FullEnrich's own words. */
function refused(res: JsonResponse, json: Json, what: string): CallError {
  const said = str(json.message) ?? str(json.code);
  return new CallError('http', `FullEnrich ${what}${said ? `: ${said}` : ''}.`, {
    status: res.status,
    retryable: false,
    body: res.text.slice(0, 300),
  });
}
