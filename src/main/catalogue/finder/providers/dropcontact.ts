// Dropcontact enrichment is asynchronous: POST /v1/enrich/all with the contact returns a
// request_id, GET /v1/enrich/all/{id} answers 200 with success: false ("not ready yet")
// until the result is there. Polled with a bounded wait. Emails carry a qualification
// ("nominative@pro", "catch_all@pro"...). Dropcontact documents `phone` as the company's
// number, so only `mobile_phone` is taken as the person's phone.
import { requestJson, requireKey, str } from '../../provider-http';
import type { FinderAdapter } from '../types';
import {
  email,
  hit,
  list,
  needLinkedinOr,
  needNameAndCompany,
  object,
  phone,
  poll,
  shapeError,
} from './common';

function confidence(qualification: string | null): number | undefined {
  if (!qualification) return undefined;
  if (qualification.includes('catch')) return 55;
  return qualification.startsWith('nominative@pro') ? 90 : 60;
}

export const dropcontact: FinderAdapter = {
  id: 'dropcontact',
  name: 'Dropcontact',
  docsUrl: 'https://developer.dropcontact.com/en/quickstart/',
  baseUrl: 'https://api.dropcontact.com',
  capabilities: ['person.email', 'person.phone'],
  needsKey: true,
  keyLabel: 'API key',
  needs: (p) => needLinkedinOr(p, needNameAndCompany),
  async find(p, call, signal) {
    const headers = { 'X-Access-Token': requireKey(this, call) };
    const contact: Record<string, string> = {};
    if (p.firstName) contact.first_name = p.firstName;
    if (p.lastName) contact.last_name = p.lastName;
    if (p.domain) contact.website = p.domain;
    if (p.company) contact.company = p.company;
    if (p.linkedinUrl) contact.linkedin = p.linkedinUrl;
    const started = await requestJson(
      this,
      call,
      {
        method: 'POST',
        path: '/v1/enrich/all',
        body: { data: [contact], siren: false, language: 'en' },
        headers,
      },
      signal,
    );
    const id = str(object(this, started.json, started.text).request_id);
    if (!id) throw shapeError(this, 'no request_id', started.text);
    const result = await poll(this, signal, async () => {
      const res = await requestJson(
        this,
        call,
        { path: `/v1/enrich/all/${encodeURIComponent(id)}`, headers },
        signal,
      );
      const json = object(this, res.json, res.text);
      return json.success === true ? json : undefined;
    });
    const first = list(this, result, 'data')[0];
    if (first === undefined) return null;
    const person = object(this, first);
    const emails = list(this, person, 'email').map((e) => object(this, e));
    const best = emails.find((e) => str(e.qualification)?.startsWith('nominative@pro')) ?? emails[0];
    const qualification = str(best?.qualification);
    return hit(
      {
        email: (best ? email(this, best.email) : null) ?? undefined,
        phone: phone(this, person.mobile_phone) ?? undefined,
        confidence: confidence(qualification),
        providerStatus: qualification ?? undefined,
      },
      result,
    );
  },
};
