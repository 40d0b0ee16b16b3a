import { describe, expect, it } from 'vitest';
import { detectDelimiter } from '../../../src/main/import/dialect';

describe('detectDelimiter', () => {
  it.each([
    ['name,city\nAnn,Oslo\nBob,Rome\n', ','],
    ['name;price\nTea;1,50\nCake;2,25\nJam;3\n', ';'],
    ['name\tnote\nAnn\tlikes, commas; and semis\nBob\tx\n', '\t'],
    ['a|b|c\n1|2|3\n4|5|6\n', '|'],
    ['id,desc\n1,"a;b;c;d"\n2,"e;f;g;h"\n3,"i;j;k;l"\n', ','],
    ['a;b\n"1,2,3";4\n"5,6,7";8\n', ';'],
  ])('%j -> %j', (sample, delimiter) => {
    expect(detectDelimiter(sample, true)).toBe(delimiter);
  });

  it('copes with a sample cut inside a record', () => {
    const sample = `a;b;c\n${'1;2;3\n'.repeat(50)}4;"cut off, mid`;
    expect(detectDelimiter(sample, false)).toBe(';');
  });

  it('defaults to comma, or TAB for .tsv files, when nothing is convincing', () => {
    expect(detectDelimiter('name\nAnn\nBob\n', true)).toBe(',');
    expect(detectDelimiter('name\nAnn\nBob\n', true, 'people.tsv')).toBe('\t');
    expect(detectDelimiter('a,b\n1,2\n', true, 'people.tsv')).toBe(',');
  });

  it('prefers the delimiter with consistent field counts over the most frequent one', () => {
    const sample = 'company;comment\nAcme;great, fast, cheap\nGlobex;ok\nInitech;slow, pricey\n';
    expect(detectDelimiter(sample, true)).toBe(';');
  });
});
