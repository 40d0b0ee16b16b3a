// Anymail Finder person search: answers in real time (it can take up to a minute), with
// email_status valid, risky, not_found or blacklisted. Only "valid" is charged by
// Anymail Finder; a risky address is passed on with a low confidence so the waterfall's
// minimum confidence or verification can refuse it.
import { requestJson, requireKey, str } from '../../provider-http';
import type { FinderAdapter } from '../types';
import { email, hit, needLinkedinOr, needNameAndCompany, object, shapeError } from './common';

const CONFIDENCE: Record<string, number> = { valid: 95, risky: 40 };

export const anymailfinder: FinderAdapter = {
  id: 'anymailfinder',
  name: 'Anymail Finder',
  docsUrl: 'https://anymailfinder.com/email-finder-api/docs',
  baseUrl: 'https://api.anymailfinder.com/v5.1',
  capabilities: ['person.email'],
  needsKey: true,
  keyLabel: 'API key',
  needs: (p) => needLinkedinOr(p, needNameAndCompany),
  async find(p, call, signal) {
    const body: Record<string, string> = {};
    if (p.firstName && p.lastName && (p.domain || p.company)) {
      body.first_name = p.firstName;
      body.last_name = p.lastName;
      if (p.domain) body.domain = p.domain;
      else if (p.company) body.company_name = p.company;
    }
    if (p.linkedinUrl) body.linkedin_url = p.linkedinUrl;
    const res = await requestJson(
      this,
      call,
      {
        method: 'POST',
        path: '/find-email/person',
        body,
        headers: { Authorization: requireKey(this, call) },
        timeoutMs: 90_000,
      },
      signal,
    );
    if (res.status === 404) return null;
    const json = object(this, res.json, res.text);
    const status = str(json.email_status);
    if (!status) throw shapeError(this, 'no email_status', res.text);
    const confidence = CONFIDENCE[status];
    if (confidence === undefined) return null; // not_found, blacklisted
    return hit(
      { email: email(this, json.valid_email ?? json.email) ?? undefined, confidence, providerStatus: status },
      json,
    );
  },
};
