import { describe, expect, it } from 'vitest';
import { compileCondition } from '../../../src/main/engine/condition';

describe('"only run if" conditions', () => {
  const row = { Country: 'DE', Employees: 120, 'Company Name': 'Sand and Co', Email: '', Active: true };

  it('evaluates comparisons, and/or/not, functions and {{Column Name}} references', () => {
    const cases: [string, boolean][] = [
      ['Country == "de" and Employees > 50', true],
      ['Country == "FR" or Employees >= 120', true],
      ['not (Employees < 100)', true],
      ['{{Company Name}} == "Sand and Co"', true],
      ['contains({{Company Name}}, "sand")', true],
      ['isEmpty(Email)', true],
      ['isEmpty(Email) and Active', true],
      ['Employees > "100"', true],
      ['Missing == null', true],
      ['Employees > 50 ? Country == "FR" : true', false],
    ];
    for (const [source, expected] of cases) expect(compileCondition(source).test(row), source).toBe(expected);
    expect(compileCondition('{{Company Name}} != "" and Country == "DE"').columns.sort()).toEqual([
      'Company Name',
      'Country',
    ]);
  });

  it('refuses anything beyond the language instead of running it', () => {
    for (const source of [
      'constructor.constructor("return process")()',
      'Country.length',
      'this',
      'x = 1',
      'eval("1")',
      '[1,2]',
      'Country ==',
    ]) {
      expect(() => compileCondition(source), source).toThrow(/condition/i);
    }
  });
});
