// BetterContact waterfall enrichment is asynchronous: POST /async with one lead returns
// its request id, GET /async/{id} answers 202 (status not_started / processing) until
// 200 with status "terminated" and the lead in `data`. Polled with a bounded wait. Key in
// the X-API-Key header. Written from BetterContact's API reference (openapi.json behind
// doc.bettercontact.rocks): "Enrich leads", "Get Enrichment Results", "Request statuses",
// "Errors" and "Check your credits balance".
// A lead is used only when its `enriched` flag is true (false also covers opt-out lists),
// and an address BetterContact verified as undeliverable is never taken.
import { CallError } from '../../../engine/scheduler';
import { type JsonResponse, num, requestJson, requireKey, str } from '../../provider-http';
import type { ProviderCall } from '../../providers';
import type { FinderAdapter, PersonQuery, Wanted } from '../types';
import {
  gradedEmail,
  hit,
  list,
  needNameAndCompany,
  object,
  phone,
  poll,
  shapeError,
  WANT_BOTH,
} from './common';

const RUNNING = new Set(['not_started', 'processing']);
/** Its verdicts: deliverable, catch_all and catch_all_safe are safe to send to, the rest are not. */
const STATUS_CONFIDENCE: Record<string, number> = {
  deliverable: 95,
  catch_all_safe: 75,
  catch_all: 55,
  catch_all_not_safe: 30,
};
/** Verdicts that mean the address must not be used. */
const UNUSABLE = new Set(['undeliverable', 'not_found']);
/** The 402 BetterContact answers when phones are asked for without its phone add-on. */
const NO_PHONE_PLAN = /phone number enrichment/i;

export const bettercontact: FinderAdapter = {
  id: 'bettercontact',
  name: 'BetterContact',
  docsUrl: 'https://doc.bettercontact.rocks/api-reference/endpoint/create',
  baseUrl: 'https://app.bettercontact.rocks/api/v2',
  capabilities: ['person.email', 'person.phone'],
  needsKey: true,
  keyLabel: 'API key',
  needs: needNameAndCompany,
  async find(p, call, signal, wanted = WANT_BOTH) {
    const headers = { 'X-API-Key': requireKey(this, call) };
    let started = await submit(p, call, headers, wanted, signal);
    if (started.status === 402 && wanted.phone && wanted.email) {
      const message = refusal(started);
      // A 402 creates no request, so asking again for the email alone charges nothing twice.
      if (!NO_PHONE_PLAN.test(message)) {
        throw new CallError(
          'http',
          `BetterContact says the account is out of credits or unpaid (402): ${message}.`,
          {
            status: 402,
            retryable: false,
            body: started.text.slice(0, 300),
          },
        );
      }
      started = await submit(p, call, headers, { email: true, phone: false }, signal);
    }
    const id = str(object(this, started.json, started.text).id);
    if (!id) throw shapeError(this, 'no request id', started.text);
    const result = await poll(this, signal, async () => {
      const res = await requestJson(
        this,
        call,
        { path: `/async/${encodeURIComponent(id)}`, headers },
        signal,
      );
      const json = object(this, res.json, res.text);
      const status = str(json.status);
      if (!status) throw shapeError(this, 'no status', res.text);
      return RUNNING.has(status) ? undefined : json;
    });
    // on_hold: paused mid-flight because the balance hit zero; it resumes only after a top-up.
    const end = str(result.status);
    if (end === 'on_hold') {
      throw new CallError('http', 'BetterContact paused the enrichment: the account ran out of credits.', {
        status: 402,
        retryable: false,
      });
    }
    if (end !== 'terminated') throw shapeError(this, `status “${end}”`);
    const first = list(this, result, 'data')[0];
    if (first === undefined) return null;
    const lead = object(this, first);
    if (lead.enriched !== true) return null;
    const grade = str(lead.contact_email_address_status) ?? undefined;
    return hit(
      {
        ...gradedEmail(this, lead.contact_email_address, grade, STATUS_CONFIDENCE, UNUSABLE),
        phone: phone(this, lead.contact_phone_number) ?? undefined,
      },
      result,
    );
  },
  async testConnection(call, signal) {
    const res = await requestJson(
      this,
      call,
      { path: '/account', headers: { 'X-API-Key': requireKey(this, call) } },
      signal,
    );
    const left = num(object(this, res.json, res.text).credits_left);
    return left === null
      ? 'BetterContact accepted the key.'
      : `BetterContact accepted the key: ${left} credits left.`;
  },
};

function submit(
  p: PersonQuery,
  call: ProviderCall,
  headers: Record<string, string>,
  wanted: Wanted,
  signal: AbortSignal,
): Promise<JsonResponse> {
  const lead: Record<string, string> = {};
  if (p.firstName) lead.first_name = p.firstName;
  if (p.lastName) lead.last_name = p.lastName;
  if (p.company) lead.company = p.company;
  if (p.domain) lead.company_domain = p.domain;
  if (p.linkedinUrl) lead.linkedin_url = p.linkedinUrl;
  return requestJson(
    bettercontact,
    call,
    {
      method: 'POST',
      path: '/async',
      // Phones cost BetterContact credits of their own: asked for only when wanted.
      body: { data: [lead], enrich_email_address: wanted.email, enrich_phone_number: wanted.phone },
      headers,
      // An ask for both reads its 402 itself, to tell a missing phone add-on from no credits.
      accept: wanted.phone && wanted.email ? [402] : [],
    },
    signal,
  );
}

/** BetterContact puts an error's text in `message` or in `error`, depending on the endpoint. */
function refusal(res: JsonResponse): string {
  const body = res.json && typeof res.json === 'object' ? (res.json as Record<string, unknown>) : {};
  return (str(body.message) ?? str(body.error) ?? 'no reason given').slice(0, 200);
}
