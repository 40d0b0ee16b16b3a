// Voila Norbert name search: POST a full name and a domain (form-encoded, HTTP Basic
// with the key as password); while `searching` is true the contact is read again from
// /contacts/{id} with a bounded wait. The email's score (0–100) is the confidence.
import { num, requestJson, requireKey, str } from '../../provider-http';
import type { ProviderCall } from '../../providers';
import type { FinderAdapter } from '../types';
import { child, email, hit, needNameAndDomain, object, poll, shapeError } from './common';

function auth(call: ProviderCall): Record<string, string> {
  return {
    Authorization: `Basic ${Buffer.from(`rowsmith:${requireKey(voilanorbert, call)}`).toString('base64')}`,
  };
}

export const voilanorbert: FinderAdapter = {
  id: 'voilanorbert',
  name: 'Voila Norbert',
  docsUrl: 'https://api.voilanorbert.com/2018-01-08/#search-by-name',
  baseUrl: 'https://api.voilanorbert.com/2018-01-08',
  capabilities: ['person.email'],
  needsKey: true,
  keyLabel: 'API token',
  needs: needNameAndDomain,
  async find(p, call, signal) {
    const headers = auth(call);
    const first = await requestJson(
      this,
      call,
      {
        method: 'POST',
        path: '/search/name',
        form: { name: p.fullName ?? '', domain: p.domain ?? '' },
        headers,
      },
      signal,
    );
    let contact = object(this, first.json, first.text);
    if (contact.searching === true) {
      const id = str(contact.id);
      if (!id) throw shapeError(this, 'a running search without an id', first.text);
      contact = await poll(this, signal, async () => {
        const res = await requestJson(
          this,
          call,
          { path: `/contacts/${encodeURIComponent(id)}`, headers },
          signal,
        );
        const current = object(this, res.json, res.text);
        return current.searching === true ? undefined : current;
      });
    }
    const found = child(this, contact, 'email');
    if (!found) return null;
    const score = num(found.score) ?? undefined;
    return hit({ email: email(this, found.email) ?? undefined, confidence: score }, contact);
  },
};
