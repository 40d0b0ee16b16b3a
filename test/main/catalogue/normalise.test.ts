// The one normalisation of names and domains that the finder, the LinkedIn columns, Add
// contacts and the LinkedIn import share.
import { describe, expect, it } from 'vitest';
import { cleanText, normaliseDomain, splitFullName } from '../../../src/main/catalogue/normalise';

describe('normalise', () => {
  it('cleanText folds whitespace and says null for nothing', () => {
    expect(cleanText('  Ana \n  Lopez ')).toBe('Ana Lopez');
    expect(cleanText('   ')).toBeNull();
    expect(cleanText(null)).toBeNull();
    expect(cleanText(42)).toBe('42');
  });

  it('normaliseDomain takes websites, URLs and emails to their bare domain', () => {
    expect(normaliseDomain('https://www.Acme.com/about?x=1')).toBe('acme.com');
    expect(normaliseDomain('ana@Sub.Acme.co.uk')).toBe('sub.acme.co.uk');
    expect(normaliseDomain('www2.acme.com:8080')).toBe('acme.com');
    expect(normaliseDomain('acme.com.')).toBe('acme.com');
    expect(normaliseDomain('Acme Inc')).toBeNull();
    expect(normaliseDomain('')).toBeNull();
  });

  it('splitFullName: the first word is the first name, the rest (particles too) the last name', () => {
    expect(splitFullName('Jane Doe')).toEqual(['Jane', 'Doe']);
    expect(splitFullName('  Jean-Luc   Van der Berg ')).toEqual(['Jean-Luc', 'Van der Berg']);
    expect(splitFullName('Madonna')).toEqual(['Madonna', null]);
    expect(splitFullName('')).toEqual([null, null]);
    expect(splitFullName(null)).toEqual([null, null]);
  });
});
