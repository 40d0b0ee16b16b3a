// LinkedIn URLs as users paste them reduce to one canonical form; anything else is refused
// with a message that says what the column expects.
import { describe, expect, it } from 'vitest';
import { countryCode } from '../../../../src/main/catalogue/linkedin/countries';
import {
  canonicalLinkedInUrl,
  linkedInUrlOf,
  parseLinkedInUrl,
} from '../../../../src/main/catalogue/linkedin/urls';

describe('parseLinkedInUrl', () => {
  it('reduces country subdomains, trailing paths, queries and case to one URL', () => {
    for (const input of [
      'https://www.linkedin.com/company/acme',
      'http://de.linkedin.com/company/Acme/about/?trk=public',
      'linkedin.com/company/acme/jobs',
      'www.linkedin.com/company/acme#top',
      '  https://m.linkedin.com/company/acme/  ',
    ]) {
      expect(parseLinkedInUrl(input)).toEqual({
        kind: 'company',
        slug: 'acme',
        url: 'https://www.linkedin.com/company/acme',
      });
    }
    expect(parseLinkedInUrl('https://uk.linkedin.com/in/Jane-Doe-12ab/details/experience/')).toEqual({
      kind: 'person',
      slug: 'jane-doe-12ab',
      url: 'https://www.linkedin.com/in/jane-doe-12ab',
    });
    expect(parseLinkedInUrl('https://www.linkedin.com/in/rodr%C3%ADguez/').slug).toBe('rodríguez');
    expect(parseLinkedInUrl('linkedin.com/school/mit').url).toBe('https://www.linkedin.com/school/mit');
    expect(parseLinkedInUrl('https://www.linkedin.com/showcase/google-cloud/').kind).toBe('company');
    expect(parseLinkedInUrl('linkedin.com/pub/jane-doe/1/2/3').url).toBe(
      'https://www.linkedin.com/in/jane-doe',
    );
  });

  it('refuses what is not a LinkedIn company page or profile, saying why', () => {
    expect(() => parseLinkedInUrl('https://acme.example/company/acme')).toThrow(/is not a LinkedIn URL/);
    expect(() => parseLinkedInUrl('https://linkedin.com.evil.example/in/jane')).toThrow(
      /is not a LinkedIn URL/,
    );
    expect(() => parseLinkedInUrl('ftp://linkedin.com/in/jane')).toThrow(/is not a LinkedIn URL/);
    expect(() => parseLinkedInUrl('https://www.linkedin.com/feed/')).toThrow(
      /not a company page.*or a profile/,
    );
    expect(() => parseLinkedInUrl('https://www.linkedin.com/company/')).toThrow(/not a company page/);
    expect(() => parseLinkedInUrl('')).toThrow(/no LinkedIn URL/);
    try {
      parseLinkedInUrl('Acme GmbH');
    } catch (error) {
      expect(error).toMatchObject({ name: 'AppError', code: 'invalid_value' });
    }
  });

  it('tells a person URL from a company URL when the column needs one of them', () => {
    expect(() => linkedInUrlOf('linkedin.com/in/jane-doe', 'company')).toThrow(
      /person's profile.*needs a company page/,
    );
    expect(() => linkedInUrlOf('linkedin.com/company/acme', 'person')).toThrow(
      /company page.*needs a person's profile/,
    );
    expect(linkedInUrlOf('linkedin.com/company/acme', 'company').slug).toBe('acme');
  });

  it("reads providers' schemeless URLs and gives null for what is none", () => {
    expect(canonicalLinkedInUrl('linkedin.com/company/peopledatalabs')).toBe(
      'https://www.linkedin.com/company/peopledatalabs',
    );
    expect(canonicalLinkedInUrl(null)).toBeNull();
    expect(canonicalLinkedInUrl('https://example.com')).toBeNull();
  });
});

describe('countryCode', () => {
  it('maps provider country names and codes to ISO codes', () => {
    expect(countryCode('united states')).toBe('US');
    expect(countryCode('Germany')).toBe('DE');
    expect(countryCode('united kingdom')).toBe('GB');
    expect(countryCode('south korea')).toBe('KR');
    expect(countryCode('de')).toBe('DE');
    expect(countryCode('atlantis')).toBeNull();
  });
});
