// `{{Column Name}}` templates for the HTTP request action: a row's values placed into a
// URL, a header or a body, each escaped for where it lands, so a cell's content can
// never change the shape of the request — a value cannot add a query parameter, close
// a JSON string or start a new header line. Names match columns case-insensitively with
// surrounding spaces ignored; a name the row lacks is an error, never an empty string.
// Templates are compiled once and cached: the engine renders several per row.
import { AppError } from '@shared/errors';

/**
 * - `url`: values are percent-encoded (encodeURIComponent), except a placeholder that
 *   starts the URL or stands in its host (`{{Website}}/api`, `https://{{Domain}}/x`),
 *   which keeps `: / ? # @` so a column holding a URL or host works (encodeURI).
 * - `json`: inside a JSON string literal (`"q": "{{Name}}"`) the value is string-escaped;
 *   elsewhere (`"n": {{Employees}}`) it becomes a JSON value: numbers and booleans as
 *   they are, text quoted, empty cells `null`.
 * - `none`: raw, for header values; a value holding CR, LF or NUL is refused.
 * - `text`: raw, no checks (a plain-text body).
 */
export type TemplateEncoding = 'url' | 'json' | 'none' | 'text';

interface Placeholder {
  name: string;
  key: string;
  /** The row key it matched last time: rows of a table share their keys. */
  lastKey: string;
  /** url: the placeholder sits where the scheme or host is still open. */
  inOrigin: boolean;
  /** json: the placeholder sits inside a string literal. */
  inString: boolean;
}

interface Compiled {
  /** literals[i] comes before placeholders[i]; one more literal than placeholders. */
  literals: string[];
  placeholders: Placeholder[];
  columns: string[];
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const cache = new Map<string, Compiled>();

/** Column names a template reads, in order, once each (as written, trimmed). */
export function templateColumns(template: string): string[] {
  return compile(template).columns;
}

/**
 * Replaces each `{{Column Name}}` with the row's value, escaped for `encode` (default
 * `none`). Throws AppError('invalid_input') for a column the row does not have and
 * AppError('invalid_value') for a line break bound for a header.
 */
export function renderTemplate(
  template: string,
  row: Record<string, unknown>,
  opts: { encode?: TemplateEncoding } = {},
): string {
  const compiled = compile(template);
  const { literals, placeholders } = compiled;
  if (placeholders.length === 0) return template;
  const encode = opts.encode ?? 'none';
  let out = literals[0] as string;
  for (let i = 0; i < placeholders.length; i++) {
    const p = placeholders[i] as Placeholder;
    out += encodeValue(lookup(row, p), p, encode) + (literals[i + 1] as string);
  }
  return out;
}

function compile(template: string): Compiled {
  const hit = cache.get(template);
  if (hit) return hit;
  const literals: string[] = [];
  const placeholders: Placeholder[] = [];
  const seen = new Set<string>();
  const columns: string[] = [];
  let prefix = '';
  let json: JsonScan = { inString: false, escaped: false };
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = (match[1] as string).trim();
    if (name === '')
      throw new AppError('invalid_input', 'A template has an empty {{ }}: write a column name inside.');
    const literal = template.slice(last, match.index);
    literals.push(literal);
    prefix += literal;
    json = scanJson(literal, json);
    const key = name.toLowerCase();
    placeholders.push({ name, key, lastKey: name, inOrigin: originOpen(prefix), inString: json.inString });
    if (!seen.has(key)) {
      seen.add(key);
      columns.push(name);
    }
    prefix += '\u0000'; // a placeholder's value is unknown: it closes nothing, opens nothing
    last = match.index + match[0].length;
  }
  literals.push(template.slice(last));
  const compiled = { literals, placeholders, columns };
  if (cache.size >= 1000) cache.clear();
  cache.set(template, compiled);
  return compiled;
}

/** True while the URL written so far has not yet finished its scheme and host. */
function originOpen(prefix: string): boolean {
  const text = prefix.replaceAll('\u0000', 'x');
  if (text === '') return true;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  return !/[/?#]/.test(scheme ? text.slice(scheme[0].length) : text);
}

interface JsonScan {
  inString: boolean;
  escaped: boolean;
}

function scanJson(text: string, state: JsonScan): JsonScan {
  let { inString, escaped } = state;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (escaped) escaped = false;
    else if (inString && c === 92 /* \ */) escaped = true;
    else if (c === 34 /* " */) inString = !inString;
  }
  return { inString, escaped };
}

function lookup(row: Record<string, unknown>, p: Placeholder): unknown {
  if (Object.hasOwn(row, p.lastKey)) return row[p.lastKey];
  for (const key of Object.keys(row)) {
    if (key.trim().toLowerCase() === p.key) {
      p.lastKey = key;
      return row[key];
    }
  }
  throw new AppError('invalid_input', `Unknown column “${p.name}” in template`);
}

function encodeValue(value: unknown, p: Placeholder, encode: TemplateEncoding): string {
  switch (encode) {
    case 'url': {
      const text = wellFormed(valueText(value));
      return p.inOrigin ? encodeURI(text) : encodeURIComponent(text);
    }
    case 'json':
      if (p.inString) return JSON.stringify(valueText(value)).slice(1, -1);
      return jsonValue(value);
    case 'none': {
      const text = valueText(value);
      if (/[\r\n\0]/.test(text)) {
        throw new AppError(
          'invalid_value',
          `The value of “${p.name}” contains a line break, which cannot go in a header.`,
        );
      }
      return text;
    }
    default:
      return valueText(value);
  }
}

/** A cell as text: empty for null/undefined, ISO for dates, JSON for objects. */
function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return JSON.stringify(value) ?? '';
}

function jsonValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return String(value);
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'null' : JSON.stringify(value.toISOString());
  return JSON.stringify(value) ?? 'null';
}

/** Lone surrogates (possible in imported text) become U+FFFD instead of a URIError. */
function wellFormed(text: string): string {
  return /[\uD800-\uDFFF]/.test(text)
    ? text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    : text;
}
