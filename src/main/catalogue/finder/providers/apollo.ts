// Apollo People Enrichment (people/match): one person by name + domain or LinkedIn URL,
// with Apollo's email_status. Apollo hides addresses it has not unlocked behind a
// placeholder (email_not_unlocked@domain.com): that is "not found", never a value.
// Phones come only through a webhook, which a desktop app cannot receive: email only.
// The person is described in query parameters, as Apollo's reference documents them.
import { requestJson, requireKey, str } from '../../provider-http';
import type { FinderAdapter } from '../types';
import { child, email, hit, needLinkedinOr, needNameAndCompany, object } from './common';

const STATUS_CONFIDENCE: Record<string, number> = { verified: 90, likely_to_engage: 60, extrapolated: 40 };

export const apollo: FinderAdapter = {
  id: 'apollo',
  name: 'Apollo',
  docsUrl: 'https://docs.apollo.io/reference/people-enrichment',
  baseUrl: 'https://api.apollo.io/api/v1',
  capabilities: ['person.email'],
  needsKey: true,
  keyLabel: 'API key',
  needs: (p) => needLinkedinOr(p, needNameAndCompany),
  async find(p, call, signal) {
    const query = {
      first_name: p.firstName,
      last_name: p.lastName,
      domain: p.domain,
      organization_name: p.company,
      linkedin_url: p.linkedinUrl,
      reveal_personal_emails: false,
    };
    const res = await requestJson(
      this,
      call,
      { method: 'POST', path: '/people/match', query, headers: { 'x-api-key': requireKey(this, call) } },
      signal,
    );
    if (res.status === 404) return null;
    const person = child(this, object(this, res.json, res.text), 'person');
    if (!person) return null;
    const address = email(this, person.email);
    if (!address || address.startsWith('email_not_unlocked@')) return null;
    const status = str(person.email_status) ?? undefined;
    return hit(
      { email: address, confidence: status ? STATUS_CONFIDENCE[status] : undefined, providerStatus: status },
      res.json,
    );
  },
  async testConnection(call, signal) {
    const res = await requestJson(
      this,
      call,
      { path: '/auth/health', headers: { 'x-api-key': requireKey(this, call) } },
      signal,
    );
    const json = object(this, res.json, res.text);
    if (json.is_logged_in === false) return 'Apollo answered, but says the key is not logged in.';
    return 'Apollo accepted the key.';
  },
};
