// Lusha Person API (v2): by name + company or domain, or by LinkedIn URL, a contact's
// email addresses (with a confidence grade) and phone numbers. Key in the api_key header.
// Lusha's v2 schema names an address `email` or `address` and its kind `emailType` or
// `type` (work | private), and phone kinds Mobile | Direct | Phone: both spellings are
// read, work addresses and mobiles preferred. Not found is a contact with an error
// (EMPTY_DATA) and no data, or a 404.
import { requestJson, requireKey, str } from '../../provider-http';
import type { FinderAdapter } from '../types';
import {
  child,
  email,
  hit,
  type Json,
  list,
  needLinkedinOr,
  needNameAndCompany,
  object,
  phone,
} from './common';

const GRADE: Record<string, number> = { 'A+': 95, A: 90, 'A-': 85, B: 70, C: 50 };

export const lusha: FinderAdapter = {
  id: 'lusha',
  name: 'Lusha',
  docsUrl: 'https://docs.lusha.com/apis/v2/openapi/enrichment/searchsinglecontact',
  baseUrl: 'https://api.lusha.com',
  capabilities: ['person.email', 'person.phone'],
  needsKey: true,
  keyLabel: 'API key',
  needs: (p) => needLinkedinOr(p, needNameAndCompany),
  async find(p, call, signal) {
    const query = p.linkedinUrl
      ? { linkedinUrl: p.linkedinUrl }
      : {
          firstName: p.firstName,
          lastName: p.lastName,
          companyDomain: p.domain,
          companyName: p.domain ? null : p.company,
        };
    const res = await requestJson(
      this,
      call,
      { path: '/v2/person', query, headers: { api_key: requireKey(this, call) } },
      signal,
    );
    if (res.status === 404) return null;
    const contact = child(this, object(this, res.json, res.text), 'contact');
    const data = contact ? child(this, contact, 'data') : null;
    if (!data) return null;
    const emails = list(this, data, 'emailAddresses').map((e) => object(this, e));
    const kind = (e: Json) => str(e.emailType ?? e.type)?.toLowerCase();
    const work = emails.find((e) => kind(e) === 'work') ?? emails[0];
    const phones = list(this, data, 'phoneNumbers').map((e) => object(this, e));
    const mobile = phones.find((e) => str(e.phoneType)?.toLowerCase() === 'mobile') ?? phones[0];
    const grade = str(work?.emailConfidence) ?? undefined;
    return hit(
      {
        email: (work ? email(this, work.email ?? work.address) : null) ?? undefined,
        phone: (mobile ? phone(this, mobile.number) : null) ?? undefined,
        confidence: grade ? GRADE[grade] : undefined,
        providerStatus: grade,
      },
      res.json,
    );
  },
  async testConnection(call, signal) {
    const res = await requestJson(
      this,
      call,
      { path: '/account/usage', headers: { api_key: requireKey(this, call) } },
      signal,
    );
    object(this, res.json, res.text);
    return 'Lusha accepted the key.';
  },
};
