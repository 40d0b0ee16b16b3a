// Reads a field out of a JSON response by path, for the HTTP request action's outputs.
// A deliberately small subset of JSONPath, parsed by hand and walked over own
// properties only — never eval, never a prototype (`__proto__`, `constructor`) — so a
// user's path can only read the response it was given.
//
// Syntax (a leading `$`, `$.` or `.` is optional):
//   data.company.name      keys
//   items[0].email         array index; [-1] is the last element
//   items[*].email         every element (or every value of an object) -> an array
//   ['key with space']     quoted key, single or double quotes, \' \" \\ escapes
//   $                      the whole value
// After a `[*]` (or `.*`) the result is an array; later steps apply to each element and
// elements without the field are left out, as in JSONPath. A missing field is undefined.
import { AppError } from '@shared/errors';

type Segment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'all' };

const cache = new Map<string, Segment[]>();

/** The value at `path`, or undefined when any step is missing. */
export function extractPath(value: unknown, path: string): unknown {
  const segments = parsePath(path);
  let current: unknown = value;
  let many: unknown[] | null = null;
  for (const segment of segments) {
    if (many === null) {
      if (segment.kind === 'all') {
        many = children(current);
        if (many === null) return undefined;
      } else {
        current = step(current, segment);
        if (current === undefined) return undefined;
      }
    } else {
      const next: unknown[] = [];
      for (const item of many) {
        if (segment.kind === 'all') {
          const kids = children(item);
          if (kids) for (const kid of kids) next.push(kid);
        } else {
          const v = step(item, segment);
          if (v !== undefined) next.push(v);
        }
      }
      many = next;
    }
  }
  return many ?? current;
}

/** Parses (and caches) a path; throws AppError('invalid_input') saying where it is wrong. */
export function parsePath(path: string): Segment[] {
  const hit = cache.get(path);
  if (hit) return hit;
  const segments: Segment[] = [];
  const text = path.trim();
  let i = 0;
  const fail = (why: string): never => {
    throw new AppError('invalid_input', `The path “${path}” is not valid: ${why} at character ${i + 1}.`);
  };
  if (text.startsWith('$')) i = 1;
  if (text[i] === '.' && text[i + 1] !== '.') {
    // "$.a" or ".a": the dot before the first key is optional
  } else if (i < text.length && text[i] !== '[') {
    i = readKey(text, i, segments, fail);
  }
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      i++;
      if (text[i] === '*') {
        segments.push({ kind: 'all' });
        i++;
      } else {
        i = readKey(text, i, segments, fail);
      }
    } else if (c === '[') {
      i++;
      const q = text[i];
      if (q === '*') {
        segments.push({ kind: 'all' });
        i++;
      } else if (q === "'" || q === '"') {
        let key = '';
        i++;
        while (i < text.length && text[i] !== q) {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          key += text[i];
          i++;
        }
        if (text[i] !== q) fail('an unclosed quote');
        segments.push({ kind: 'key', key });
        i++;
      } else {
        const m = /^\s*(-?\d+)\s*/.exec(text.slice(i));
        if (!m) fail('expected a number, * or a quoted key inside [ ]');
        const match = m as RegExpExecArray;
        segments.push({ kind: 'index', index: Number(match[1]) });
        i += match[0].length;
      }
      if (text[i] !== ']') fail('expected ]');
      i++;
    } else {
      fail(`unexpected “${c}”`);
    }
  }
  if (cache.size >= 1000) cache.clear();
  cache.set(path, segments);
  return segments;
}

function readKey(text: string, start: number, segments: Segment[], fail: (why: string) => never): number {
  let i = start;
  while (i < text.length && text[i] !== '.' && text[i] !== '[') {
    if (text[i] === ']') fail('unexpected “]”');
    i++;
  }
  if (i === start) fail('an empty key');
  segments.push({ kind: 'key', key: text.slice(start, i) });
  return i;
}

function step(value: unknown, segment: Segment): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (segment.kind === 'index') {
    if (!Array.isArray(value)) return undefined;
    return value[segment.index < 0 ? value.length + segment.index : segment.index];
  }
  if (segment.kind === 'key') {
    return Object.hasOwn(value, segment.key) ? (value as Record<string, unknown>)[segment.key] : undefined;
  }
  return undefined;
}

function children(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') return Object.values(value);
  return null;
}
