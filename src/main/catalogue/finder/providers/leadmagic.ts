// LeadMagic Email Finder: name + domain to a work email with a status (valid,
// valid_catch_all, catch_all) and the credits it consumed; a null email is a free miss.
import { requestJson, requireKey, str } from '../../provider-http';
import type { FinderAdapter } from '../types';
import { email, hit, needNameAndCompany, object } from './common';

const STATUS_CONFIDENCE: Record<string, number> = { valid: 95, valid_catch_all: 80, catch_all: 55 };

export const leadmagic: FinderAdapter = {
  id: 'leadmagic',
  name: 'LeadMagic',
  docsUrl: 'https://leadmagic.io/docs/reference/email-finder',
  baseUrl: 'https://api.leadmagic.io/v1',
  capabilities: ['person.email'],
  needsKey: true,
  keyLabel: 'API key',
  needs: needNameAndCompany,
  async find(p, call, signal) {
    const res = await requestJson(
      this,
      call,
      {
        method: 'POST',
        path: '/people/email-finder',
        body: { first_name: p.firstName, last_name: p.lastName, domain: p.domain, company_name: p.company },
        headers: { 'X-API-Key': requireKey(this, call) },
      },
      signal,
    );
    if (res.status === 404) return null;
    const json = object(this, res.json, res.text);
    const status = str(json.status) ?? undefined;
    return hit(
      {
        email: email(this, json.email) ?? undefined,
        confidence: status ? STATUS_CONFIDENCE[status] : undefined,
        providerStatus: status,
      },
      json,
    );
  },
};
