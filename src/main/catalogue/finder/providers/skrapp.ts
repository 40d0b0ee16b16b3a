// Skrapp email finder: first and last name at a domain, with an accuracy (0–100) and
// a quality status. Key in the X-Access-Key header.
import { num, requestJson, requireKey, str } from '../../provider-http';
import type { FinderAdapter } from '../types';
import { child, email, hit, needNameAndDomain, object } from './common';

export const skrapp: FinderAdapter = {
  id: 'skrapp',
  name: 'Skrapp',
  docsUrl: 'https://skrapp.io/api#email-finder',
  baseUrl: 'https://api.skrapp.io/api/v2',
  capabilities: ['person.email'],
  needsKey: true,
  keyLabel: 'API key',
  needs: needNameAndDomain,
  async find(p, call, signal) {
    const res = await requestJson(
      this,
      call,
      {
        path: '/find',
        query: { firstName: p.firstName, lastName: p.lastName, domain: p.domain },
        headers: { 'X-Access-Key': requireKey(this, call) },
      },
      signal,
    );
    if (res.status === 404) return null;
    const json = object(this, res.json, res.text);
    const quality = child(this, json, 'quality');
    return hit(
      {
        email: email(this, json.email) ?? undefined,
        confidence: num(json.accuracy) ?? undefined,
        providerStatus: str(quality?.status) ?? undefined,
      },
      json,
    );
  },
};
