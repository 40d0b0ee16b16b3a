// People Data Labs Person Enrichment: a one-to-one match by name + company or LinkedIn
// profile; 404 means no match (and is free). The match likelihood (1–10) becomes the
// confidence. Fields a plan does not include come back as `true` instead of a value:
// those are treated as absent, never written.
import { num, requestJson, requireKey } from '../../provider-http';
import type { FinderAdapter } from '../types';
import { email, hit, list, needLinkedinOr, needNameAndCompany, object, phone, required } from './common';

export const peopledatalabs: FinderAdapter = {
  id: 'peopledatalabs',
  name: 'People Data Labs',
  docsUrl: 'https://docs.peopledatalabs.com/docs/reference-person-enrichment-api',
  baseUrl: 'https://api.peopledatalabs.com/v5',
  capabilities: ['person.email', 'person.phone'],
  needsKey: true,
  keyLabel: 'API key',
  needs: (p) => needLinkedinOr(p, needNameAndCompany),
  async find(p, call, signal) {
    const query = {
      profile: p.linkedinUrl,
      first_name: p.firstName,
      last_name: p.lastName,
      company: p.domain ?? p.company,
    };
    const res = await requestJson(
      this,
      call,
      { path: '/person/enrich', query, headers: { 'X-Api-Key': requireKey(this, call) } },
      signal,
    );
    if (res.status === 404) return null;
    const json = object(this, res.json, res.text);
    const data = required(this, json, 'data');
    const value = (v: unknown) => (typeof v === 'string' ? v : null);
    const phones = list(this, data, 'phone_numbers').map(value);
    const likelihood = num(json.likelihood);
    return hit(
      {
        email: email(this, value(data.work_email)) ?? undefined,
        phone: phone(this, value(data.mobile_phone) ?? phones.find(Boolean) ?? null) ?? undefined,
        confidence: likelihood === null ? undefined : likelihood * 10,
        providerStatus: likelihood === null ? undefined : `likelihood ${likelihood}`,
      },
      json,
    );
  },
};
