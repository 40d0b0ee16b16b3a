import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTemplate, templateColumns } from '../../../src/main/engine/template';

const row = {
  'Company Name': 'Sand & Co / "Dunes"',
  Domain: 'sand.co',
  Employees: 120,
  Active: true,
  Notes: null,
  Website: 'https://www.sand.co/about?x=1',
};

/** Lone surrogates cannot be percent-encoded; the template sends U+FFFD instead. */
const wellFormed = (s: string) =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

describe('templateColumns', () => {
  it('lists the columns a template reads, once each, names trimmed', () => {
    expect(templateColumns('https://x.test/{{ Domain }}?n={{Company Name}}&d={{domain}}')).toEqual([
      'Domain',
      'Company Name',
    ]);
    expect(templateColumns('no placeholders')).toEqual([]);
  });

  it('refuses an empty placeholder', () => {
    expect(() => templateColumns('https://x.test/{{ }}')).toThrow(/empty/);
  });
});

describe('renderTemplate', () => {
  it('matches column names case-insensitively and ignores spaces around them', () => {
    expect(renderTemplate('{{ company name }}|{{DOMAIN}}|{{employees}}', row)).toBe(
      'Sand & Co / "Dunes"|sand.co|120',
    );
  });

  it('says which column is unknown', () => {
    expect(() => renderTemplate('https://x.test/?q={{Revenue}}', row, { encode: 'url' })).toThrow(
      expect.objectContaining({ code: 'invalid_input', message: 'Unknown column “Revenue” in template' }),
    );
  });

  it('renders empty cells as empty text, booleans and numbers as written', () => {
    expect(renderTemplate('[{{Notes}}] {{Active}} {{Employees}}', row)).toBe('[] true 120');
  });

  describe('in a URL', () => {
    it('percent-encodes values so they cannot add parameters or path segments', () => {
      const url = renderTemplate('https://api.test/companies/{{Company Name}}?domain={{Domain}}', row, {
        encode: 'url',
      });
      expect(url).toBe('https://api.test/companies/Sand%20%26%20Co%20%2F%20%22Dunes%22?domain=sand.co');
      const parsed = new URL(url);
      expect(parsed.pathname.split('/')).toHaveLength(3);
      expect(decodeURIComponent(parsed.pathname.split('/')[2] as string)).toBe(row['Company Name']);
    });

    it('keeps a column holding the URL, or the host, usable', () => {
      expect(renderTemplate('{{Website}}', row, { encode: 'url' })).toBe('https://www.sand.co/about?x=1');
      expect(renderTemplate('https://{{Domain}}/api?q={{Company Name}}', row, { encode: 'url' })).toBe(
        'https://sand.co/api?q=Sand%20%26%20Co%20%2F%20%22Dunes%22',
      );
    });

    it('round-trips any value through a query parameter and a path segment (property)', () => {
      fc.assert(
        fc.property(
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.string({ maxLength: 10 }),
          (value, other) => {
            const url = new URL(
              renderTemplate(
                'https://api.test/people/{{Value}}/emails?q={{ value }}&other={{Other}}&fixed=1',
                {
                  Value: value,
                  Other: other,
                },
                { encode: 'url' },
              ),
            );
            expect(url.host).toBe('api.test');
            expect(url.searchParams.get('q')).toBe(wellFormed(value));
            expect(url.searchParams.get('other')).toBe(other);
            expect(url.searchParams.get('fixed')).toBe('1');
            expect([...url.searchParams.keys()]).toEqual(['q', 'other', 'fixed']);
            const segments = url.pathname.split('/');
            expect(segments).toHaveLength(4);
            expect(decodeURIComponent(segments[2] as string)).toBe(wellFormed(value));
            expect(url.hash).toBe('');
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  describe('in a JSON body', () => {
    it('escapes values inside strings and writes typed JSON values outside them', () => {
      const body = renderTemplate(
        '{"name": "{{Company Name}}", "note": "said \\"{{Domain}}\\"", "size": {{Employees}}, "active": {{Active}}, "notes": {{Notes}}, "domain": {{Domain}}}',
        row,
        { encode: 'json' },
      );
      expect(JSON.parse(body)).toEqual({
        name: 'Sand & Co / "Dunes"',
        note: 'said "sand.co"',
        size: 120,
        active: true,
        notes: null,
        domain: 'sand.co',
      });
    });

    it('always produces valid JSON holding the exact value (property)', () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.string({ unit: 'binary' }), fc.double(), fc.boolean(), fc.constant(null)),
          (value) => {
            const body = renderTemplate('{"s": "x{{V}}y", "v": [{{V}}]}', { V: value }, { encode: 'json' });
            const parsed = JSON.parse(body);
            const text =
              value === null ? '' : typeof value === 'number' && !Number.isFinite(value) ? '' : String(value);
            expect(parsed.s).toBe(`x${text}y`);
            // As JSON.stringify writes them: -0 as 0, NaN and Infinity as null.
            const expected = typeof value === 'number' ? (Number.isFinite(value) ? value + 0 : null) : value;
            expect(parsed.v).toEqual([expected]);
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  describe('in a header', () => {
    it('inserts the value as it is', () => {
      expect(renderTemplate('Bearer {{Token}}', { Token: 'abc:def' })).toBe('Bearer abc:def');
    });

    it('refuses a line break, which would start a new header', () => {
      for (const token of ['abc\r\nX-Admin: 1', 'abc\nx', 'a\rb']) {
        expect(() => renderTemplate('Bearer {{Token}}', { Token: token }, { encode: 'none' })).toThrow(
          expect.objectContaining({ code: 'invalid_value' }),
        );
      }
    });
  });
});
