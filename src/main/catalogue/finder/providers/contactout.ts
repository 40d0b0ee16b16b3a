// ContactOut People by LinkedIn: a LinkedIn profile to its work and personal emails and
// phones. Work emails are preferred; a personal address is used only when no work one
// is known. Token in the "token" header.
import { requestJson, requireKey } from '../../provider-http';
import type { FinderAdapter } from '../types';
import { child, email, hit, list, needLinkedin, object, phone, WANT_BOTH } from './common';

export const contactout: FinderAdapter = {
  id: 'contactout',
  name: 'ContactOut',
  docsUrl: 'https://api.contactout.com/#people-linkedin',
  baseUrl: 'https://api.contactout.com/v1',
  capabilities: ['person.email', 'person.phone'],
  needsKey: true,
  keyLabel: 'API token',
  needs: needLinkedin,
  async find(p, call, signal, wanted = WANT_BOTH) {
    const res = await requestJson(
      this,
      call,
      {
        path: '/people/linkedin',
        // Phones cost ContactOut credits of their own: asked for only when wanted.
        query: { profile: p.linkedinUrl, include_phone: wanted.phone ? 'true' : undefined },
        headers: { authorization: 'basic', token: requireKey(this, call) },
      },
      signal,
    );
    if (res.status === 404) return null;
    const profile = child(this, object(this, res.json, res.text), 'profile');
    if (!profile) return null;
    const first = (key: string) => list(this, profile, key).find((v) => typeof v === 'string') ?? null;
    const work = first('work_email');
    const address = work ?? first('email') ?? first('personal_email');
    return hit(
      {
        email: email(this, address) ?? undefined,
        phone: phone(this, first('phone')) ?? undefined,
        providerStatus: work ? 'work' : address ? 'personal' : undefined,
      },
      res.json,
    );
  },
};
