// Icypeas email search is asynchronous: POST /email-search queues it and returns the
// search's id, POST /bulk-single-searchs/read reads it until its status is final
// (NONE, SCHEDULED and IN_PROGRESS mean still running). Polled here with a bounded
// wait (common.poll); the key goes in the Authorization header as is.
import { CallError } from '../../../engine/scheduler';
import { requestJson, requireKey, str } from '../../provider-http';
import type { FinderAdapter } from '../types';
import { child, email, hit, list, needNameAndCompany, object, poll, shapeError } from './common';

const RUNNING = new Set(['NONE', 'SCHEDULED', 'IN_PROGRESS']);
const CERTAINTY: Record<string, number> = { ultra_sure: 95, sure: 85, probable: 60 };

export const icypeas: FinderAdapter = {
  id: 'icypeas',
  name: 'Icypeas',
  docsUrl: 'https://api-doc.icypeas.com/find-emails/email-discovery',
  baseUrl: 'https://app.icypeas.com/api',
  capabilities: ['person.email'],
  needsKey: true,
  keyLabel: 'API key',
  needs: needNameAndCompany,
  async find(p, call, signal) {
    const headers = { Authorization: requireKey(this, call) };
    const started = await requestJson(
      this,
      call,
      {
        method: 'POST',
        path: '/email-search',
        body: { firstname: p.firstName, lastname: p.lastName, domainOrCompany: p.domain ?? p.company },
        headers,
      },
      signal,
    );
    const item = child(this, object(this, started.json, started.text), 'item');
    const id = str(item?._id);
    if (!id) throw shapeError(this, 'no search id', started.text);
    const done = await poll(this, signal, async () => {
      const res = await requestJson(
        this,
        call,
        { method: 'POST', path: '/bulk-single-searchs/read', body: { id }, headers },
        signal,
      );
      const first = list(this, object(this, res.json, res.text), 'items')[0];
      if (first === undefined) return undefined;
      const entry = object(this, first);
      const status = str(entry.status);
      if (!status) throw shapeError(this, 'no status', res.text);
      return RUNNING.has(status) ? undefined : { entry, status, json: res.json };
    });
    if (done.status === 'INSUFFICIENT_FUNDS') {
      throw new CallError('http', 'Icypeas says the account is out of credits.', {
        retryable: false,
        status: 402,
      });
    }
    if (done.status !== 'FOUND' && done.status !== 'DEBITED') return null;
    const results = child(this, done.entry, 'results');
    const best = results ? list(this, results, 'emails')[0] : undefined;
    if (!best) return null;
    const found = object(this, best);
    const certainty = str(found.certainty) ?? undefined;
    return hit(
      {
        email: email(this, found.email) ?? undefined,
        confidence: certainty ? CERTAINTY[certainty] : undefined,
        providerStatus: certainty,
      },
      done.json,
    );
  },
};
