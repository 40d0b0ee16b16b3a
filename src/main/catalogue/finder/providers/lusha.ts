// Lusha Search and Enrich Contacts (API V3): by LinkedIn URL, or by name and a company
// domain or name, a contact's email addresses and phone numbers in one call. It replaces
// GET /v2/person, which Lusha's V2 spec marks as soon to be deprecated. Key in the
// api_key header. The endpoint takes up to 100 contacts; we send one, so its answer is
// results[0]. A contact Lusha cannot give carries an error instead of data: NOT_FOUND and
// COMPLIANCE_RESTRICTED mean there is nothing to give (not found, and Lusha charges only
// for what it reveals). ENRICH_FAILED is Lusha's own failure, so it must never read as a
// free "not found". Work addresses and mobile numbers are preferred. The emails[] and
// phones[] item fields (email, number, type) are past what we could read of the
// reference; they follow public V3 clients, so check them when a live key is at hand.
import { CallError } from '../../../engine/scheduler';
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
  WANT_BOTH,
} from './common';

/** A result error that only says Lusha has nothing to give for this person. */
const NOTHING_TO_GIVE = new Set(['NOT_FOUND', 'COMPLIANCE_RESTRICTED']);

export const lusha: FinderAdapter = {
  id: 'lusha',
  name: 'Lusha',
  docsUrl: 'https://docs.lusha.com/api-reference/search-and-enrich/search-and-enrich-contacts',
  baseUrl: 'https://api.lusha.com',
  capabilities: ['person.email', 'person.phone'],
  needsKey: true,
  keyLabel: 'API key',
  needs: (p) => needLinkedinOr(p, needNameAndCompany),
  async find(p, call, signal, wanted = WANT_BOTH) {
    const contact = p.linkedinUrl
      ? { linkedinUrl: p.linkedinUrl }
      : {
          firstName: p.firstName,
          lastName: p.lastName,
          companyDomain: p.domain ?? undefined,
          companyName: p.domain ? undefined : (p.company ?? undefined),
        };
    const res = await requestJson(
      this,
      call,
      {
        method: 'POST',
        path: '/v3/contacts/search-and-enrich',
        // Each revealed field costs Lusha credits: only what is wanted is revealed.
        body: {
          contacts: [contact],
          reveal: [...(wanted.email ? ['emails'] : []), ...(wanted.phone ? ['phones'] : [])],
        },
        headers: { api_key: requireKey(this, call) },
      },
      signal,
    );
    if (res.status === 404) return null;
    const [first] = list(this, object(this, res.json, res.text), 'results');
    if (first === undefined || first === null) return null;
    const result = object(this, first, res.text);
    const error = child(this, result, 'error');
    if (error) {
      const code = str(error.code) ?? 'an unnamed error';
      if (NOTHING_TO_GIVE.has(code)) return null;
      throw new CallError('http', `Lusha could not enrich the contact (${code}).`, {
        body: res.text.slice(0, 300),
        retryable: false,
      });
    }
    const kind = (e: Json) => str(e.type)?.toLowerCase();
    const emails = list(this, result, 'emails').map((e) => object(this, e));
    const work = emails.find((e) => kind(e) === 'work') ?? emails[0];
    const phones = list(this, result, 'phones').map((e) => object(this, e));
    const mobile = phones.find((e) => kind(e) === 'mobile') ?? phones[0];
    return hit(
      {
        email: (work ? email(this, work.email) : null) ?? undefined,
        phone: (mobile ? phone(this, mobile.number) : null) ?? undefined,
        providerStatus: work ? (kind(work) ?? undefined) : undefined,
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
