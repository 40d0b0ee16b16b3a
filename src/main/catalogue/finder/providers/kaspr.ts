// Kaspr LinkedIn profile enrichment: a LinkedIn profile (its slug) and the person's
// name to professional emails and phones, Kaspr's best ones marked "starry". Bearer
// key, API version 2.0 in the accept-version header; 404 means no such profile.
import { requestJson, requireKey, str } from '../../provider-http';
import { linkedinSlug } from '../person';
import type { FinderAdapter } from '../types';
import { child, email, hit, list, object, phone } from './common';

export const kaspr: FinderAdapter = {
  id: 'kaspr',
  name: 'Kaspr',
  docsUrl: 'https://kaspr.stoplight.io/docs/kaspr-api/',
  baseUrl: 'https://api.developers.kaspr.io',
  capabilities: ['person.email', 'person.phone'],
  needsKey: true,
  keyLabel: 'API key',
  needs: (p) => (p.linkedinUrl && p.fullName ? null : 'needs a LinkedIn URL and the full name'),
  async find(p, call, signal) {
    const res = await requestJson(
      this,
      call,
      {
        method: 'POST',
        path: '/profile/linkedin',
        body: { id: linkedinSlug(p.linkedinUrl ?? ''), name: p.fullName, dataToGet: ['workEmail', 'phone'] },
        headers: { authorization: `Bearer ${requireKey(this, call)}`, 'accept-version': 'v2.0' },
      },
      signal,
    );
    if (res.status === 404) return null;
    const profile = child(this, object(this, res.json, res.text), 'profile');
    if (!profile) return null;
    const firstString = (key: string) => list(this, profile, key).find((v) => typeof v === 'string') ?? null;
    const work = str(profile.starryProfessionalEmail) ?? firstString('professionalEmails');
    return hit(
      {
        email: email(this, work) ?? undefined,
        phone: phone(this, str(profile.starryPhone) ?? firstString('phones')) ?? undefined,
      },
      res.json,
    );
  },
};
