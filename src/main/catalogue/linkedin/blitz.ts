// Blitz API's company employment distribution: how many of a company's people work in
// each country, from its LinkedIn company URL, as ISO 3166-1 alpha-2 codes (people whose
// country is not known are counted under "unknown"). Written from
// https://docs.blitz-api.ai/api-reference/utilities/company-employment-distribution:
// POST with the key in the x-api-key header; the Start plan allows 10 requests a second
// per endpoint.
import { num, requestJson, requireKey, str } from '../provider-http';
import type { ProviderAdapter } from '../providers';
import type { CountryCounts, LinkedInSource } from './types';

export const blitzProvider: ProviderAdapter = {
  id: 'blitz',
  name: 'Blitz API',
  docsUrl: 'https://docs.blitz-api.ai/api-reference/utilities/company-employment-distribution',
  baseUrl: 'https://api.blitz-api.ai',
  capabilities: ['company.peoplePerCountry'],
  needsKey: true,
  keyLabel: 'API key',
};

export const blitz: LinkedInSource = {
  provider: blitzProvider,
  ratePerSecond: 10,
  burst: 10,

  async peoplePerCountry(access, company, signal) {
    const key = requireKey(blitzProvider, access);
    const res = await requestJson<Record<string, unknown>>(
      blitzProvider,
      access,
      {
        method: 'POST',
        path: '/v2/utils/company-employment-distribution',
        headers: { 'x-api-key': key },
        body: { company_linkedin_url: company.url },
        timeoutMs: 30_000,
      },
      signal,
    );
    const buckets = Array.isArray(res.json?.distribution)
      ? (res.json.distribution as Record<string, unknown>[])
      : [];
    const counts: CountryCounts = {};
    for (const bucket of buckets) {
      const country = str(bucket.country);
      const count = num(bucket.count);
      if (!country || count === null || count <= 0) continue;
      const code = country.toLowerCase() === 'unknown' ? 'unknown' : country.toUpperCase();
      counts[code] = (counts[code] ?? 0) + count;
    }
    return { value: res.status === 404 || Object.keys(counts).length === 0 ? null : counts, raw: res.text };
  },
};
