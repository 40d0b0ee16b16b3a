// Findymail name search: a verified address for a full name at a domain (Findymail only
// returns addresses it verified, and charges only for those). Bearer token.
import { num, requestJson, requireKey } from '../../provider-http';
import type { FinderAdapter } from '../types';
import { child, email, hit, needNameAndDomain, object, refusedInBody } from './common';

export const findymail: FinderAdapter = {
  id: 'findymail',
  name: 'Findymail',
  docsUrl: 'https://app.findymail.com/docs/',
  baseUrl: 'https://app.findymail.com',
  capabilities: ['person.email'],
  needsKey: true,
  keyLabel: 'API token',
  needs: needNameAndDomain,
  async find(p, call, signal) {
    const res = await requestJson(
      this,
      call,
      {
        method: 'POST',
        path: '/api/search/name',
        body: { name: p.fullName, domain: p.domain },
        headers: { Authorization: `Bearer ${requireKey(this, call)}` },
      },
      signal,
    );
    if (res.status === 404) return null;
    const body = object(this, res.json, res.text);
    // Its other endpoints document a 200 with {"error": "Not enough credits"}.
    refusedInBody(this, body, res.text);
    const contact = child(this, body, 'contact');
    if (!contact) return null;
    return hit(
      { email: email(this, contact.email) ?? undefined, confidence: 90, providerStatus: 'verified' },
      res.json,
    );
  },
  async testConnection(call, signal) {
    const res = await requestJson(
      this,
      call,
      { path: '/api/credits', headers: { Authorization: `Bearer ${requireKey(this, call)}` } },
      signal,
    );
    const credits = num(object(this, res.json, res.text).credits);
    return credits === null
      ? 'Findymail accepted the token.'
      : `Findymail accepted the token: ${credits} credits left.`;
  },
};
