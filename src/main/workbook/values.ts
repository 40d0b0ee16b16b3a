// How a typed column stores and returns values. SQLite keeps whatever we give it, so
// the rules live here: booleans as 1/0, dates as ISO text, JSON as its text, numbers
// as numbers. Import and retype are lenient (a value that does not fit is kept as the
// text it was, so nothing is lost); an edit by hand is strict (a clear error instead).

import { AppError } from '@shared/errors';
import type { CellValue, ColumnType } from '@shared/model';
import { normaliseBoolean, normaliseDate, parseNumber } from '../import/type-guess';

export type Stored = string | number | null;

/** Lenient conversion for import and retype: returns the stored value and whether it fit. */
export function toStoredLenient(type: ColumnType, raw: CellValue): { value: Stored; fits: boolean } {
  if (raw === null) return { value: null, fits: true };
  if (typeof raw === 'boolean') {
    if (type === 'boolean' || type === 'number') return { value: raw ? 1 : 0, fits: true };
    return { value: raw ? 'true' : 'false', fits: true };
  }
  if (typeof raw === 'number') {
    if (type === 'number') return { value: raw, fits: Number.isFinite(raw) };
    if (type === 'boolean')
      return raw === 0 || raw === 1 ? { value: raw, fits: true } : { value: raw, fits: false };
    return { value: String(raw), fits: type !== 'date' && type !== 'json' };
  }
  const text = raw;
  if (text.trim() === '') return { value: null, fits: true };
  switch (type) {
    case 'number': {
      const n = parseNumber(text);
      return n === null ? { value: text, fits: false } : { value: n, fits: true };
    }
    case 'boolean': {
      const b = normaliseBoolean(text);
      return b === null ? { value: text, fits: false } : { value: b ? 1 : 0, fits: true };
    }
    case 'date': {
      const d = normaliseDate(text);
      return d === null ? { value: text, fits: false } : { value: d, fits: true };
    }
    case 'json':
      return { value: text, fits: isJson(text) };
    case 'url':
    case 'email':
    case 'phone':
      return { value: text.trim(), fits: true };
    default:
      return { value: text, fits: true };
  }
}

/** Strict conversion for a value typed by a user: a value that does not fit is an error. */
export function toStoredStrict(type: ColumnType, raw: CellValue): Stored {
  const { value, fits } = toStoredLenient(type, raw);
  if (fits) return value;
  const shown = String(raw).length > 40 ? `${String(raw).slice(0, 40)}…` : String(raw);
  const what: Record<ColumnType, string> = {
    text: 'text',
    number: 'a number',
    boolean: 'true or false',
    date: 'a date (e.g. 2026-11-26)',
    url: 'a URL',
    email: 'an email address',
    phone: 'a phone number',
    json: 'valid JSON',
  };
  throw new AppError('invalid_value', `“${shown}” is not ${what[type]}.`);
}

/** Stored value to what the renderer sees. */
export function fromStored(type: ColumnType, value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (type === 'boolean' && typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A fast converter for import's hot loop: string in, stored value out, no allocation.
 * Lenient like toStoredLenient: a value that does not fit is kept as its text.
 */
export function importConverter(type: ColumnType): (text: string) => Stored {
  switch (type) {
    case 'number':
      return (t) => (t === '' ? null : (parseNumber(t) ?? t));
    case 'boolean':
      return (t) => {
        if (t === '') return null;
        const b = normaliseBoolean(t);
        return b === null ? t : b ? 1 : 0;
      };
    case 'date':
      return (t) => (t === '' ? null : (normaliseDate(t) ?? t));
    case 'url':
    case 'email':
    case 'phone':
      return (t) => {
        const trimmed = t.trim();
        return trimmed === '' ? null : trimmed;
      };
    default:
      return (t) => (t === '' ? null : t);
  }
}
