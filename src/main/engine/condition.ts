// "Only run if": a small, safe expression language over a row's fields, parsed by jsep
// and interpreted here — never eval or new Function, no property access beyond the row,
// no calls except a fixed list of functions. Columns are `{{Column Name}}` (any name) or
// a bare identifier for names without spaces: `Country == "DE" and {{Employees}} > 50`.
import { AppError } from '@shared/errors';
import jsep from 'jsep';

type Value = string | number | boolean | null | undefined;
type Node = jsep.Expression;

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  contains: (a, b) =>
    String(a ?? '')
      .toLowerCase()
      .includes(String(b ?? '').toLowerCase()),
  startsWith: (a, b) =>
    String(a ?? '')
      .toLowerCase()
      .startsWith(String(b ?? '').toLowerCase()),
  endsWith: (a, b) =>
    String(a ?? '')
      .toLowerCase()
      .endsWith(String(b ?? '').toLowerCase()),
  isEmpty: (a) => a === null || a === undefined || String(a).trim() === '',
  lower: (a) => String(a ?? '').toLowerCase(),
  upper: (a) => String(a ?? '').toUpperCase(),
  length: (a) => String(a ?? '').length,
};

const BINARY: Record<string, (a: Value, b: Value) => Value> = {
  '==': (a, b) => looseEquals(a, b),
  '!=': (a, b) => !looseEquals(a, b),
  '<': (a, b) => compare(a, b, (x, y) => x < y),
  '<=': (a, b) => compare(a, b, (x, y) => x <= y),
  '>': (a, b) => compare(a, b, (x, y) => x > y),
  '>=': (a, b) => compare(a, b, (x, y) => x >= y),
  '+': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a + b : `${a ?? ''}${b ?? ''}`),
  '-': (a, b) => Number(a) - Number(b),
  '*': (a, b) => Number(a) * Number(b),
  '/': (a, b) => Number(a) / Number(b),
  '%': (a, b) => Number(a) % Number(b),
};

export interface CompiledCondition {
  /** Column names the expression reads. */
  columns: string[];
  test(row: Record<string, Value>): boolean;
}

/** Parses once; throws AppError('invalid_input') with a readable reason for a bad expression. */
export function compileCondition(source: string): CompiledCondition {
  const names: string[] = [];
  // {{Any Column Name}} becomes a placeholder identifier jsep can parse.
  // String literals are kept as they are; only the code between them is rewritten.
  const rewritten = source
    .split(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_m, name: string) => {
              names.push(name);
              return `__col${names.length - 1}`;
            })
            .replace(/\band\b/gi, '&&')
            .replace(/\bor\b/gi, '||')
            .replace(/\bnot\b/gi, '!'),
    )
    .join('');
  let ast: Node;
  try {
    ast = jsep(rewritten);
  } catch (error) {
    throw new AppError('invalid_input', `The condition is not valid: ${(error as Error).message}`);
  }
  const columns = new Set<string>();
  check(ast, names, columns);
  return {
    columns: [...columns],
    // Column names match case-insensitively, as everywhere else in the app.
    test: (row) => truthy(evaluate(ast, lowerKeys(row), names)),
  };
}

function columnName(node: Node, names: string[]): string | null {
  if (node.type !== 'Identifier') return null;
  const name = (node as jsep.Identifier).name;
  const placeholder = /^__col(\d+)$/.exec(name);
  return placeholder ? (names[Number(placeholder[1])] as string) : name;
}

/** Rejects anything outside the language before a row is ever evaluated. */
function check(node: Node, names: string[], columns: Set<string>): void {
  switch (node.type) {
    case 'Literal':
      return;
    case 'Identifier': {
      const name = columnName(node, names) as string;
      if (!['true', 'false', 'null'].includes(name)) columns.add(name);
      return;
    }
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      if (!['!', '-', '+'].includes(u.operator)) throw unsupported(u.operator);
      check(u.argument, names, columns);
      return;
    }
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      if (!(b.operator in BINARY) && b.operator !== '&&' && b.operator !== '||')
        throw unsupported(b.operator);
      check(b.left, names, columns);
      check(b.right, names, columns);
      return;
    }
    case 'ConditionalExpression': {
      const c = node as jsep.ConditionalExpression;
      check(c.test, names, columns);
      check(c.consequent, names, columns);
      check(c.alternate, names, columns);
      return;
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      const fn = c.callee.type === 'Identifier' ? (c.callee as jsep.Identifier).name : null;
      if (!fn || !Object.hasOwn(FUNCTIONS, fn)) {
        throw new AppError(
          'invalid_input',
          `The condition calls an unknown function; known: ${Object.keys(FUNCTIONS).join(', ')}.`,
        );
      }
      for (const arg of c.arguments) check(arg, names, columns);
      return;
    }
    default:
      throw new AppError('invalid_input', `The condition uses something it may not (${node.type}).`);
  }
}

function evaluate(node: Node, row: Record<string, Value>, names: string[]): Value {
  switch (node.type) {
    case 'Literal':
      return (node as jsep.Literal).value as Value;
    case 'Identifier': {
      const name = columnName(node, names) as string;
      if (name === 'true') return true;
      if (name === 'false') return false;
      if (name === 'null') return null;
      const key = name.toLowerCase();
      return Object.hasOwn(row, key) ? row[key] : undefined;
    }
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      const v = evaluate(u.argument, row, names);
      return u.operator === '!' ? !truthy(v) : u.operator === '-' ? -Number(v) : Number(v);
    }
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      if (b.operator === '&&')
        return truthy(evaluate(b.left, row, names)) && truthy(evaluate(b.right, row, names));
      if (b.operator === '||')
        return truthy(evaluate(b.left, row, names)) || truthy(evaluate(b.right, row, names));
      return (BINARY[b.operator] as (a: Value, b: Value) => Value)(
        evaluate(b.left, row, names),
        evaluate(b.right, row, names),
      );
    }
    case 'ConditionalExpression': {
      const c = node as jsep.ConditionalExpression;
      return truthy(evaluate(c.test, row, names))
        ? evaluate(c.consequent, row, names)
        : evaluate(c.alternate, row, names);
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      const fn = FUNCTIONS[(c.callee as jsep.Identifier).name] as (...args: Value[]) => Value;
      return fn(...c.arguments.map((a) => evaluate(a, row, names)));
    }
    default:
      return undefined;
  }
}

function lowerKeys(row: Record<string, Value>): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const key of Object.keys(row)) out[key.toLowerCase()] = row[key];
  return out;
}

function truthy(v: Value): boolean {
  return v !== null && v !== undefined && v !== false && v !== 0 && v !== '' && !Number.isNaN(v);
}

/** Text compares case-insensitively; a number compares with numeric text ("50" == 50). */
function looseEquals(a: Value, b: Value): boolean {
  if ((a === null || a === undefined || a === '') && (b === null || b === undefined || b === '')) return true;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  if (typeof a === 'boolean' || typeof b === 'boolean')
    return String(a).toLowerCase() === String(b).toLowerCase();
  return String(a ?? '').toLowerCase() === String(b ?? '').toLowerCase();
}

function compare(a: Value, b: Value, op: (x: number | string, y: number | string) => boolean): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  const na = Number(a);
  const nb = Number(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb) && a !== '' && b !== '') return op(na, nb);
  return op(String(a).toLowerCase(), String(b).toLowerCase());
}

const unsupported = (op: string) =>
  new AppError('invalid_input', `The condition uses an operator it may not (${op}).`);
