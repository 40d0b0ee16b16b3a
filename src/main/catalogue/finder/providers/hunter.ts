// Hunter Email Finder: the most likely address for a name at a domain, with Hunter's
// 0–100 score and its last verification status. Key in the api_key query parameter.
import { num, requestJson, requireKey, str } from '../../provider-http';
import type { FinderAdapter } from '../types';
import { child, email, hit, needNameAndCompany, object, required } from './common';

export const hunter: FinderAdapter = {
  id: 'hunter',
  name: 'Hunter',
  docsUrl: 'https://hunter.io/api-documentation/v2#email-finder',
  baseUrl: 'https://api.hunter.io/v2',
  capabilities: ['person.email'],
  needsKey: true,
  keyLabel: 'API key',
  needs: needNameAndCompany,
  async find(p, call, signal) {
    const res = await requestJson(
      this,
      call,
      {
        path: '/email-finder',
        query: {
          domain: p.domain,
          company: p.domain ? null : p.company,
          first_name: p.firstName,
          last_name: p.lastName,
          api_key: requireKey(this, call),
        },
      },
      signal,
    );
    if (res.status === 404) return null;
    const data = required(this, object(this, res.json, res.text), 'data');
    const verification = child(this, data, 'verification');
    return hit(
      {
        email: email(this, data.email) ?? undefined,
        confidence: num(data.score) ?? undefined,
        providerStatus: str(verification?.status) ?? undefined,
      },
      res.json,
    );
  },
  async testConnection(call, signal) {
    const res = await requestJson(
      this,
      call,
      { path: '/account', query: { api_key: requireKey(this, call) } },
      signal,
    );
    const data = child(this, object(this, res.json, res.text), 'data');
    const searches = child(this, child(this, data ?? {}, 'requests') ?? {}, 'searches');
    const left =
      num(searches?.available) !== null ? (num(searches?.available) ?? 0) - (num(searches?.used) ?? 0) : null;
    return left === null
      ? 'Hunter accepted the key.'
      : `Hunter accepted the key: ${left} searches left this month.`;
  },
};
