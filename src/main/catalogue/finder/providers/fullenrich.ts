// FullEnrich contact enrichment is asynchronous (it runs its own waterfall): POST
// /contact/enrich/bulk starts it and returns an enrichment_id, GET
// /contact/enrich/bulk/{id} answers status IN_PROGRESS until FINISHED. Polled with a
// bounded wait. The most probable email (with its status) and phone are taken.
//
// What the result fields rest on. FullEnrich's Email Verification Status page
// (https://docs.fullenrich.com/emailstatus) documents `most_probable_email` (the address
// with the lowest bounce rate, never an INVALID one) and `most_probable_email_status`,
// and the four statuses DELIVERABLE, HIGH_PROBABILITY, CATCH_ALL and INVALID that the
// table below grades. The v1 Get Enrichment Result reference (docsUrl's sibling
// .../api/v1/contact/enrich/bulk/get) confirms the path, but its response schema could
// not be read: that those fields sit in `datas[].contact`, that `most_probable_phone` is
// a plain string, and the end statuses other than FINISHED and CREDITS_INSUFFICIENT rest
// on FullEnrich's own n8n node (which maps its v2 answers back to this v1 shape), not on
// the reference. The v2 API answers in another shape (`data[].contact_info`), so moving
// to it means a new adapter, not a new base URL.
import { CallError } from '../../../engine/scheduler';
import { num, requestJson, requireKey, str } from '../../provider-http';
import type { FinderAdapter } from '../types';
import {
  child,
  email,
  hit,
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
const RUNNING = new Set(['CREATED', 'IN_PROGRESS']);

export const fullenrich: FinderAdapter = {
  id: 'fullenrich',
  name: 'FullEnrich',
  docsUrl: 'https://docs.fullenrich.com/api/v1/contact/enrich/bulk/post',
  baseUrl: 'https://app.fullenrich.com/api/v1',
  capabilities: ['person.email', 'person.phone'],
  needsKey: true,
  keyLabel: 'API key',
  needs: (p) => needLinkedinOr(p, needNameAndCompany),
  async find(p, call, signal, wanted = WANT_BOTH) {
    const headers = { Authorization: `Bearer ${requireKey(this, call)}` };
    // FullEnrich charges phones apart (and more): they are asked for only when wanted.
    const fields = [...(wanted.email ? ['contact.emails'] : []), ...(wanted.phone ? ['contact.phones'] : [])];
    const contact: Record<string, unknown> = { enrich_fields: fields };
    if (p.firstName) contact.firstname = p.firstName;
    if (p.lastName) contact.lastname = p.lastName;
    if (p.domain) contact.domain = p.domain;
    if (p.company) contact.company_name = p.company;
    if (p.linkedinUrl) contact.linkedin_url = p.linkedinUrl;
    const started = await requestJson(
      this,
      call,
      { method: 'POST', path: '/contact/enrich/bulk', body: { name: 'Rowsmith', datas: [contact] }, headers },
      signal,
    );
    const id = str(object(this, started.json, started.text).enrichment_id);
    if (!id) throw shapeError(this, 'no enrichment_id', started.text);
    const result = await poll(this, signal, async () => {
      const res = await requestJson(
        this,
        call,
        { path: `/contact/enrich/bulk/${encodeURIComponent(id)}`, headers },
        signal,
      );
      const json = object(this, res.json, res.text);
      const status = str(json.status);
      if (!status) throw shapeError(this, 'no status', res.text);
      return RUNNING.has(status) ? undefined : json;
    });
    // Any other end than FINISHED (CREDITS_INSUFFICIENT, CANCELED, …) is a refusal, not a miss.
    const end = str(result.status);
    if (end !== 'FINISHED') {
      throw new CallError('http', `FullEnrich ended the enrichment as ${end}.`, { retryable: false });
    }
    const first = list(this, result, 'datas')[0];
    if (first === undefined) return null;
    const found = child(this, object(this, first), 'contact');
    if (!found) return null;
    const status = str(found.most_probable_email_status) ?? undefined;
    return hit(
      {
        email: email(this, found.most_probable_email) ?? undefined,
        phone: phone(this, found.most_probable_phone) ?? undefined,
        confidence: status ? STATUS_CONFIDENCE[status] : undefined,
        providerStatus: status,
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
