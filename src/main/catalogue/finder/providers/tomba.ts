// Tomba Email Finder: the most likely address at a domain for a first and last name,
// with a 0–100 score. Tomba authenticates with a key and a secret in two headers; the
// user enters both in one field as "KEY:SECRET" (ta_… and ts_… on Tomba's API page).
import { CallError } from '../../../engine/scheduler';
import { num, requestJson, requireKey, str } from '../../provider-http';
import type { ProviderCall } from '../../providers';
import type { FinderAdapter } from '../types';
import { child, email, hit, needNameAndDomain, object, required } from './common';

function headers(call: ProviderCall): Record<string, string> {
  const key = requireKey(tomba, call);
  const colon = key.indexOf(':');
  if (colon < 1) {
    throw new CallError(
      'http',
      'Tomba: enter the key and the secret as KEY:SECRET in Settings → Providers.',
      {
        retryable: false,
      },
    );
  }
  return { 'X-Tomba-Key': key.slice(0, colon), 'X-Tomba-Secret': key.slice(colon + 1) };
}

export const tomba: FinderAdapter = {
  id: 'tomba',
  name: 'Tomba',
  docsUrl: 'https://docs.tomba.io/api/finder#email-finder',
  baseUrl: 'https://api.tomba.io/v1',
  capabilities: ['person.email'],
  needsKey: true,
  keyLabel: 'API key and secret, as KEY:SECRET',
  needs: needNameAndDomain,
  async find(p, call, signal) {
    const res = await requestJson(
      this,
      call,
      {
        path: '/email-finder',
        query: { domain: p.domain, first_name: p.firstName, last_name: p.lastName },
        headers: headers(call),
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
};
