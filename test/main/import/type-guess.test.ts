import { describe, expect, it } from 'vitest';
import {
  detectDateOrder,
  guessColumnType,
  normaliseBoolean,
  normaliseDate,
  parseNumber,
} from '../../../src/main/import/type-guess';

const repeat = (values: string[], times: number): string[] =>
  Array.from({ length: times }, () => values).flat();

describe('guessColumnType', () => {
  it.each([
    [['12', '-3.5', '1,234,567.89', '', '1e3', '0', '0.25'], 'number'],
    [['true', 'FALSE', 'Yes', 'no', ''], 'boolean'],
    [['2024-01-31', '1999-12-31T23:59:00Z', '31/12/2023', '05.06.2021', '3 Mar 2020', 'Jan 5, 2024'], 'date'],
    [['https://acme.com', 'www.globex.io/about', 'initech.co.uk', 'http://localhost.dev:8080/x?y=1'], 'url'],
    [['ann@acme.com', 'b.o+b@sub.globex.io'], 'email'],
    [['+1 (555) 123-4567', '+44 20 7946 0958', '555.123.4567', '0612345678'], 'phone'],
    [['{"a":1}', '[1,2]', '{}'], 'json'],
    [['Acme', '42', 'true'], 'text'],
    [['', '  '], 'text'],
  ] as const)('%j -> %s', (values, type) => {
    expect(guessColumnType([...values])).toBe(type);
  });

  it('keeps zip codes and ids with leading zeros as text', () => {
    expect(guessColumnType(['01234', '98765', '00123', '55555'])).toBe('text');
  });

  it('needs 95% of the non-blank values to fit', () => {
    expect(guessColumnType([...repeat(['1'], 19), 'n/a', '', ''])).toBe('number');
    expect(guessColumnType([...repeat(['1'], 18), 'n/a', 'unknown'])).toBe('text');
  });

  it('does not call dates, versions or IP addresses URLs or numbers', () => {
    expect(guessColumnType(['1.2.3', '10.0.0.1'])).toBe('text');
    expect(guessColumnType(['2024-13-01', '2024-02-30'])).toBe('text');
  });
});

describe('value converters', () => {
  it('parseNumber', () => {
    expect(parseNumber(' 42 ')).toBe(42);
    expect(parseNumber('-1,234.5')).toBe(-1234.5);
    expect(parseNumber('007')).toBe(7);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('1e400')).toBeNull();
    expect(parseNumber('12abc')).toBeNull();
    expect(parseNumber('1,23')).toBeNull();
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('NaN')).toBeNull();
  });

  it('normaliseBoolean', () => {
    expect(['TRUE', 'yes', 'Y', '1', 'on'].map(normaliseBoolean)).toEqual([true, true, true, true, true]);
    expect(['false', 'No', 'n', '0', 'OFF'].map(normaliseBoolean)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(normaliseBoolean('maybe')).toBeNull();
    expect(normaliseBoolean('')).toBeNull();
  });

  it('normaliseDate', () => {
    expect(normaliseDate('2024-1-5')).toBe('2024-01-05');
    expect(normaliseDate('2024/01/05 7:08')).toBe('2024-01-05T07:08:00');
    expect(normaliseDate('2024-01-05T07:08:09.123+0200')).toBe('2024-01-05T07:08:09.123+02:00');
    expect(normaliseDate('05/01/2024')).toBe('2024-01-05');
    expect(normaliseDate('05/01/2024', 'mdy')).toBe('2024-05-01');
    expect(normaliseDate('29.02.2023')).toBeNull();
    expect(normaliseDate('29.02.2024')).toBe('2024-02-29');
    expect(normaliseDate('7 June 2021')).toBe('2021-06-07');
    expect(normaliseDate('Sept 9, 2021')).toBe('2021-09-09');
    expect(normaliseDate('2024-01-05T25:00')).toBeNull();
    expect(normaliseDate('yesterday')).toBeNull();
  });

  it('detectDateOrder switches to m/d/y only when the values prove it', () => {
    expect(detectDateOrder(['01/02/2024', '03/04/2024'])).toBe('dmy');
    expect(detectDateOrder(['12/31/2024', '01/02/2024'])).toBe('mdy');
    expect(detectDateOrder(['31/12/2024'])).toBe('dmy');
  });
});
