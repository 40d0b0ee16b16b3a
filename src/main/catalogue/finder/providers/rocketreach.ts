// RocketReach People Lookup: by name + current employer or by LinkedIn URL, emails with
// an SMTP check and a grade, phones with a type. A lookup still in progress (status
// "progress"/"searching") is read again through /person/checkStatus with a bounded
// wait. Key in the Api-Key header.
import { requestJson, requireKey, str } from '../../provider-http';
import type { ProviderCall } from '../../providers';
import type { FinderAdapter, FinderHit, PersonQuery } from '../types';
import {
  email,
  hit,
  list,
  needLinkedinOr,
  needNameAndCompany,
  object,
  phone,
  poll,
  shapeError,
} from './common';

const SMTP_CONFIDENCE: Record<string, number> = { valid: 90, 'accept-all': 55, unknown: 40 };

export const rocketreach: FinderAdapter = {
  id: 'rocketreach',
  name: 'RocketReach',
  docsUrl: 'https://docs.rocketreach.co/reference/people-lookup-api',
  baseUrl: 'https://api.rocketreach.co/api/v2',
  capabilities: ['person.email', 'person.phone'],
  needsKey: true,
  keyLabel: 'API key',
  needs: (p) => needLinkedinOr(p, needNameAndCompany),
  async find(p: PersonQuery, call: ProviderCall, signal: AbortSignal): Promise<FinderHit | null> {
    const headers = { 'Api-Key': requireKey(this, call) };
    const query = p.linkedinUrl
      ? { linkedin_url: p.linkedinUrl }
      : { name: p.fullName, current_employer: p.company ?? p.domain };
    const first = await requestJson(this, call, { path: '/person/lookup', query, headers }, signal);
    if (first.status === 404) return null;
    let profile = object(this, first.json, first.text);
    let raw: unknown = first.json;
    if (str(profile.status) !== 'complete') {
      const id = str(profile.id);
      if (!id) throw shapeError(this, 'a pending lookup without an id', first.text);
      profile = await poll(this, signal, async () => {
        const res = await requestJson(
          this,
          call,
          { path: '/person/checkStatus', query: { ids: id }, headers },
          signal,
        );
        const entry = Array.isArray(res.json) ? res.json[0] : undefined;
        if (entry === undefined) throw shapeError(this, 'checkStatus is not a list', res.text);
        const current = object(this, entry);
        raw = res.json;
        return str(current.status) === 'complete' ? current : undefined;
      });
    }
    const emails = list(this, profile, 'emails').map((e) => object(this, e));
    const usable = emails.filter((e) => str(e.smtp_valid) !== 'invalid' && str(e.type) !== 'personal');
    const best = usable.find((e) => str(e.smtp_valid) === 'valid') ?? usable[0];
    const phones = list(this, profile, 'phones').map((e) => object(this, e));
    const bestPhone = phones.find((e) => e.recommended === true) ?? phones[0];
    const smtp = str(best?.smtp_valid) ?? 'unknown';
    return hit(
      {
        email: (best ? email(this, best.email) : email(this, profile.current_work_email)) ?? undefined,
        phone: (bestPhone ? phone(this, bestPhone.e164 ?? bestPhone.number) : null) ?? undefined,
        confidence: best ? SMTP_CONFIDENCE[smtp] : undefined,
        providerStatus: best ? [smtp, str(best.grade)].filter(Boolean).join(' ') : undefined,
      },
      raw,
    );
  },
  async testConnection(call, signal) {
    const res = await requestJson(
      this,
      call,
      { path: '/account', headers: { 'Api-Key': requireKey(this, call) } },
      signal,
    );
    object(this, res.json, res.text);
    return 'RocketReach accepted the key.';
  },
};
