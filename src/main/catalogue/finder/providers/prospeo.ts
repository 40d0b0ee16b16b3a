// Prospeo Enrich Person: name + company website, or a LinkedIn URL, to a work email
// (status VERIFIED or not) and, when asked, a mobile. Prospeo answers "no match" as
// HTTP 400 with error_code NO_MATCH: that is "not found" (free), other codes are errors.
import { CallError } from '../../../engine/scheduler';
import { num, requestJson, requireKey, str } from '../../provider-http';
import type { FinderAdapter } from '../types';
import { child, email, hit, needLinkedinOr, needNameAndCompany, object, phone } from './common';

export const prospeo: FinderAdapter = {
  id: 'prospeo',
  name: 'Prospeo',
  docsUrl: 'https://prospeo.io/api-docs/enrich-person',
  baseUrl: 'https://api.prospeo.io',
  capabilities: ['person.email', 'person.phone'],
  needsKey: true,
  keyLabel: 'API key',
  needs: (p) => needLinkedinOr(p, needNameAndCompany),
  async find(p, call, signal) {
    const data: Record<string, string> = {};
    if (p.linkedinUrl) data.linkedin_url = p.linkedinUrl;
    if (p.firstName) data.first_name = p.firstName;
    if (p.lastName) data.last_name = p.lastName;
    if (p.domain) data.company_website = p.domain;
    else if (p.company) data.company_name = p.company;
    const res = await requestJson(
      this,
      call,
      {
        method: 'POST',
        path: '/enrich-person',
        body: { only_verified_email: false, enrich_mobile: true, data },
        headers: { 'X-KEY': requireKey(this, call) },
        accept: [400],
      },
      signal,
    );
    const json = object(this, res.json, res.text);
    if (res.status === 400 || json.error === true) {
      const code = str(json.error_code) ?? 'unknown error';
      if (code === 'NO_MATCH') return null;
      throw new CallError('http', `Prospeo refused the request (${code}).`, {
        status: res.status,
        retryable: false,
      });
    }
    const person = child(this, json, 'person');
    if (!person) return null;
    const mail = child(this, person, 'email');
    const mobile = child(this, person, 'mobile');
    const status = str(mail?.status) ?? undefined;
    return hit(
      {
        email: (mail && mail.revealed !== false ? email(this, mail.email) : null) ?? undefined,
        phone: (mobile && mobile.revealed !== false ? phone(this, mobile.mobile) : null) ?? undefined,
        confidence: status === 'VERIFIED' ? 90 : status ? 50 : undefined,
        providerStatus: status,
      },
      json,
    );
  },
  async testConnection(call, signal) {
    const res = await requestJson(
      this,
      call,
      {
        method: 'POST',
        path: '/account-information',
        body: {},
        headers: { 'X-KEY': requireKey(this, call) },
      },
      signal,
    );
    const response = child(this, object(this, res.json, res.text), 'response');
    const left = num(response?.remaining_credits);
    return left === null ? 'Prospeo accepted the key.' : `Prospeo accepted the key: ${left} credits left.`;
  },
};
