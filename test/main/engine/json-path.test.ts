import { describe, expect, it } from 'vitest';
import { extractPath, parsePath } from '../../../src/main/engine/json-path';

const response = {
  data: {
    company: { name: 'Acme', 'employee count': 120, domains: ['acme.com', 'acme.io'] },
    people: [
      { name: 'Ada', email: 'ada@acme.com', phones: ['+1 555 0100'] },
      { name: 'Bob', phones: [] },
      { name: 'Cy', email: 'cy@acme.com', phones: ['+1 555 0101', '+1 555 0102'] },
    ],
  },
  total: 0,
  flag: false,
  nothing: null,
};

describe('extractPath', () => {
  it('reads keys, indexes and quoted keys, with or without $', () => {
    expect(extractPath(response, 'data.company.name')).toBe('Acme');
    expect(extractPath(response, '$.data.company.name')).toBe('Acme');
    expect(extractPath(response, '.data.company.name')).toBe('Acme');
    expect(extractPath(response, "data.company['employee count']")).toBe(120);
    expect(extractPath(response, '$["data"]["company"]["domains"][1]')).toBe('acme.io');
    expect(extractPath(response, 'data.people[0].email')).toBe('ada@acme.com');
    expect(extractPath(response, 'data.people[-1].name')).toBe('Cy');
    expect(extractPath(response, 'data.company.domains')).toEqual(['acme.com', 'acme.io']);
    expect(extractPath(response, '$')).toBe(response);
    expect(extractPath([10, 20], '[1]')).toBe(20);
  });

  it('keeps falsy values: 0, false and null are answers, not missing', () => {
    expect(extractPath(response, 'total')).toBe(0);
    expect(extractPath(response, 'flag')).toBe(false);
    expect(extractPath(response, 'nothing')).toBeNull();
  });

  it('collects every element with [*], leaving out those without the field', () => {
    expect(extractPath(response, 'data.people[*].name')).toEqual(['Ada', 'Bob', 'Cy']);
    expect(extractPath(response, 'data.people[*].email')).toEqual(['ada@acme.com', 'cy@acme.com']);
    expect(extractPath(response, 'data.people[*].phones[*]')).toEqual([
      '+1 555 0100',
      '+1 555 0101',
      '+1 555 0102',
    ]);
    expect(extractPath(response, 'data.people[*].phones[0]')).toEqual(['+1 555 0100', '+1 555 0101']);
    expect(extractPath({ a: { x: 1, y: 2 } }, 'a.*')).toEqual([1, 2]);
    expect(extractPath({ a: [] }, 'a[*].b')).toEqual([]);
  });

  it('gives undefined for anything missing', () => {
    expect(extractPath(response, 'data.company.revenue')).toBeUndefined();
    expect(extractPath(response, 'data.people[7].name')).toBeUndefined();
    expect(extractPath(response, 'data.company.name.first')).toBeUndefined();
    expect(extractPath(response, 'missing[*].x')).toBeUndefined();
    expect(extractPath(undefined, 'a')).toBeUndefined();
    expect(extractPath('text', 'length')).toBeUndefined();
  });

  it('never reaches the prototype', () => {
    expect(extractPath({}, 'constructor')).toBeUndefined();
    expect(extractPath({}, '__proto__')).toBeUndefined();
    expect(extractPath({ a: {} }, "a['constructor']['prototype']")).toBeUndefined();
    expect(extractPath([], 'map')).toBeUndefined();
  });

  it('explains a malformed path', () => {
    for (const path of ['a..b', 'a[', 'a[x]', "a['open", 'a]', 'a.']) {
      expect(() => parsePath(path), path).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    }
  });
});
