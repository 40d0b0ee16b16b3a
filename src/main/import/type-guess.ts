// Suggests a column type from sample values, and converts a string to the value stored
// for a typed column. Guesses are conservative: a column is only called non-text when
// nearly all of its values fit, and values such as zip codes with leading zeros are
// never called numbers. It must never throw on odd input: anything unconvertible is null.
import type { ColumnType } from '@shared/model';

/** Share of non-blank values that must fit a type before it is suggested. */
const MIN_FIT = 0.95;

const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const GROUPED_NUMBER = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const LEADING_ZERO = /^[+-]?0\d/;

/** A number written plainly or with thousands commas ("1,234.5"); null otherwise. */
export function parseNumber(value: string): number | null {
  const fast = plainDecimal(value);
  if (fast !== null) return fast;
  const s = value.trim();
  if (s === '') return null;
  let n: number;
  if (PLAIN_NUMBER.test(s)) n = Number(s);
  else if (GROUPED_NUMBER.test(s)) n = Number(s.replace(/,/g, ''));
  else return null;
  return Number.isFinite(n) ? n : null;
}

/**
 * The common case without a regex or an allocation: [-]digits[.digits], no leading zero
 * unless it is the only integer digit. Returns null to fall back to the full rules.
 */
function plainDecimal(s: string): number | null {
  const len = s.length;
  if (len === 0 || len > 15) return null;
  let i = s.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const digitsStart = i;
  let dot = -1;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && dot === -1) dot = i;
    else if (c < 48 || c > 57) return null;
  }
  if (dot === digitsStart || dot === len - 1 || len === digitsStart) return null;
  return Number(s);
}

const looksNumeric = (s: string): boolean => !LEADING_ZERO.test(s) && parseNumber(s) !== null;

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on', 't']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off', 'f']);
const GUESS_BOOLEAN = new Set(['true', 'false', 'yes', 'no']);

/** true / false for the usual spellings (true/false, yes/no, y/n, 1/0, on/off); null otherwise. */
export function normaliseBoolean(value: string): boolean | null {
  const s = value.trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return null;
}

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const ISO_DATE =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const NUMERIC_DATE = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const DAY_MONTH_NAME = /^(\d{1,2})[ -]([a-z]{3,9})\.?[\s,-]+(\d{4})$/i;
const MONTH_NAME_DAY = /^([a-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/i;

const pad2 = (n: number): string => String(n).padStart(2, '0');

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const validDay = (year: number, month: number, day: number): boolean =>
  month >= 1 &&
  month <= 12 &&
  day >= 1 &&
  year >= 1 &&
  year <= 9999 &&
  day <= (DAYS_IN_MONTH[month - 1] as number) &&
  !(month === 2 && day === 29 && !isLeap(year));

function isoDay(year: number, month: number, day: number): string | null {
  if (!validDay(year, month, day)) return null;
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;
const isDigit = (s: string, i: number): boolean => s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** "YYYY-MM-DD" already in its ISO form: checked by char codes, returned as it is. */
function isoDateAsIs(s: string): string | null {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) if (!isDigit(s, i)) return null;
  const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  return validDay(year, digit(s, 5) * 10 + digit(s, 6), digit(s, 8) * 10 + digit(s, 9)) ? s : null;
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function withTime(
  day: string,
  h?: string,
  m?: string,
  s?: string,
  frac?: string,
  zone?: string,
): string | null {
  if (h === undefined || m === undefined) return day;
  const hours = Number(h);
  const minutes = Number(m);
  const seconds = s === undefined ? 0 : Number(s);
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  let z = '';
  if (zone)
    z = zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${day}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}${frac ?? ''}${z}`;
}

/** 1-12 for a month name or its abbreviation (Jan, Sept, June...). */
function monthNumber(name: string): number | undefined {
  const lower = name.toLowerCase();
  if (lower.length < 3) return undefined;
  const index = MONTH_NAMES.findIndex((full) => full.startsWith(lower));
  return index === -1 ? undefined : index + 1;
}

/** Which of day/month comes first in numeric dates: 'mdy' only when the values prove it. */
export function detectDateOrder(values: string[]): 'dmy' | 'mdy' {
  let dmy = 0;
  let mdy = 0;
  for (const v of values) {
    const m = NUMERIC_DATE.exec(v.trim());
    if (!m) continue;
    if (Number(m[1]) > 12) dmy++;
    if (Number(m[3]) > 12) mdy++;
  }
  return mdy > dmy ? 'mdy' : 'dmy';
}

/**
 * An ISO date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SS, with the zone if one was
 * given) for ISO-like input, d/m/y (or m/d/y) with / . or -, and "5 Jan 2024" /
 * "Jan 5, 2024"; null when the value is not a real calendar date.
 */
export function normaliseDate(value: string, order: 'dmy' | 'mdy' = 'dmy'): string | null {
  const asIs = isoDateAsIs(value);
  if (asIs !== null) return asIs;
  const s = value.trim();
  let m = ISO_DATE.exec(s);
  if (m) {
    const day = isoDay(Number(m[1]), Number(m[2]), Number(m[3]));
    return day && withTime(day, m[4], m[5], m[6], m[7], m[8]);
  }
  m = NUMERIC_DATE.exec(s);
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[3])];
    const day = order === 'dmy' ? isoDay(Number(m[4]), b, a) : isoDay(Number(m[4]), a, b);
    return day && withTime(day, m[5], m[6], m[7]);
  }
  m = DAY_MONTH_NAME.exec(s);
  if (m) {
    const month = monthNumber(m[2] as string);
    return month ? isoDay(Number(m[3]), month, Number(m[1])) : null;
  }
  m = MONTH_NAME_DAY.exec(s);
  if (m) {
    const month = monthNumber(m[1] as string);
    return month ? isoDay(Number(m[3]), month, Number(m[2])) : null;
  }
  return null;
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[a-z]{2,}$/i;
const URL_LIKE = /^(?:https?:\/\/)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?$/i;
const PHONE_CHARS = /^\+?[\d\s().-]+$/;
/** 2024-13-01, 31.12.23: shaped like a date (even an impossible one), so not a phone number. */
const DATE_SHAPED = /^\d{1,4}([-/.])\d{1,2}\1\d{1,4}$/;

function looksPhone(s: string): boolean {
  if (!PHONE_CHARS.test(s) || DATE_SHAPED.test(s)) return false;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  return digits >= 7 && digits <= 15 && digits * 2 >= s.length - 1;
}

function looksJson(s: string): boolean {
  const first = s[0];
  if (first !== '{' && first !== '[') return false;
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

const CHECKS: [ColumnType, (s: string, order: 'dmy' | 'mdy') => boolean][] = [
  ['boolean', (s) => GUESS_BOOLEAN.has(s.toLowerCase())],
  ['number', looksNumeric],
  ['date', (s, order) => normaliseDate(s, order) !== null],
  ['email', (s) => EMAIL.test(s)],
  ['url', (s) => URL_LIKE.test(s) && !/^\d+(?:\.\d+)*$/.test(s)],
  ['phone', looksPhone],
  ['json', looksJson],
];

/** The type that at least 95% of the non-blank sample values fit, in the order above; else text. */
export function guessColumnType(values: string[]): ColumnType {
  const present: string[] = [];
  for (const v of values) {
    const s = v.trim();
    if (s !== '') present.push(s);
  }
  if (present.length === 0) return 'text';
  const order = detectDateOrder(present);
  const needed = Math.ceil(present.length * MIN_FIT);
  for (const [type, fits] of CHECKS) {
    let misses = 0;
    const allowed = present.length - needed;
    let ok = true;
    for (const s of present) {
      if (!fits(s, order) && ++misses > allowed) {
        ok = false;
        break;
      }
    }
    if (ok) return type;
  }
  return 'text';
}
