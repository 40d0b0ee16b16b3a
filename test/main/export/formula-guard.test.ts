import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFormulaLike, neutraliseFormula } from '../../../src/main/export/formula-guard';

describe('neutraliseFormula', () => {
  it("prefixes OWASP's formula triggers with a single quote", () => {
    for (const value of ['=1+2', '+33 1 23 x', '-2+3', '@SUM(A1)', '\tx', '\rx', '+A1', '-cmd|calc']) {
      expect(neutraliseFormula(value)).toBe(`'${value}`);
    }
  });

  it('leaves signed numbers and phone numbers alone: they cannot run anything', () => {
    for (const value of ['-5', '+14155550100', '+33 1 23 45 67 89', '-12.5']) {
      expect(neutraliseFormula(value)).toBe(value);
    }
  });

  it('leaves every other value exactly as it was', () => {
    expect(neutraliseFormula('')).toBe('');
    expect(neutraliseFormula('a=b')).toBe('a=b');
    expect(neutraliseFormula(' =1')).toBe(' =1');
    expect(neutraliseFormula("'=1")).toBe("'=1");
    fc.assert(
      fc.property(fc.string(), (value) => {
        const out = neutraliseFormula(value);
        expect(out === value || out === `'${value}`).toBe(true);
        expect(isFormulaLike(out)).toBe(false);
      }),
    );
  });
});
