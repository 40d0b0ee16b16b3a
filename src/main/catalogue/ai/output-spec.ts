// What an "Enrich with AI" answer must look like, said twice: once to the model as a
// strict Structured Outputs schema (so a capable server constrains its decoding to it),
// and once to ourselves as a validator, because an OpenAI-compatible server may ignore
// response_format and even OpenAI's own can be cut off mid-answer. A reply that does not
// fit is an error cell, never a value in the wrong shape.
//
// Scalar types travel wrapped as `{ "value": … }` (Structured Outputs needs an object at
// the root) and may be null: the model's way to say the row does not hold the answer,
// which the action turns into a free "not found". A JSON output uses the user's own
// object schema as the root, normalised for strict mode by the openai package.
import { AppError } from '@shared/errors';
import { toStrictJsonSchema } from 'openai/lib/transform';
import { z } from 'zod';

export const OUTPUT_TYPES = ['text', 'number', 'boolean', 'choice', 'json'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

export interface OutputSpec {
  type: OutputType;
  /** the `json_schema` object of response_format */
  format: { name: string; schema: Record<string, unknown>; strict: true };
  /** what the system message tells the model about the answer's shape */
  instruction: string;
  /**
   * The cell value from the model's reply text, null when the model said it cannot
   * tell; throws ReplyError when the reply does not fit.
   */
  read(content: string): unknown;
}

/** A reply that does not fit the output spec; the message says how, in the user's terms. */
export class ReplyError extends Error {}

/** Strict mode's limits (OpenAI's Structured Outputs guide, "Supported schemas"). */
const MAX_CHOICES = 1000;
const MAX_NESTING = 10;
const MAX_PROPERTIES = 5000;

export function buildOutputSpec(
  type: OutputType,
  choices: string[] | undefined,
  schema: unknown,
): OutputSpec {
  if (type === 'json') return jsonSpec(schema);
  if (type === 'choice') {
    const list = [...new Set((choices ?? []).map((c) => c.trim()).filter((c) => c !== ''))];
    if (list.length < 2) throw new AppError('invalid_input', 'Enrich with AI: give at least two choices.');
    if (list.length > MAX_CHOICES)
      throw new AppError('invalid_input', `Enrich with AI: at most ${MAX_CHOICES} choices.`);
    return scalarSpec(
      type,
      { anyOf: [{ type: 'string', enum: list }, { type: 'null' }] },
      `Answer with exactly one of: ${list.map((c) => JSON.stringify(c)).join(', ')}.`,
      z.enum(list as [string, ...string[]]),
      (value) => `The answer “${String(value)}” is not one of the choices (${list.join(', ')}).`,
    );
  }
  const scalar = {
    text: { json: 'string', zod: z.string(), what: 'text' },
    number: { json: 'number', zod: z.number(), what: 'a number' },
    boolean: { json: 'boolean', zod: z.boolean(), what: 'true or false' },
  }[type];
  return scalarSpec(
    type,
    { type: [scalar.json, 'null'] },
    `The answer is ${scalar.what}.`,
    scalar.zod,
    (value) => `The answer ${JSON.stringify(value)?.slice(0, 80)} is not ${scalar.what}.`,
  );
}

function scalarSpec(
  type: OutputType,
  valueSchema: Record<string, unknown>,
  instruction: string,
  validator: z.ZodType,
  misfit: (value: unknown) => string,
): OutputSpec {
  return {
    type,
    format: {
      name: 'cell_value',
      strict: true,
      schema: {
        type: 'object',
        properties: { value: valueSchema },
        required: ['value'],
        additionalProperties: false,
      },
    },
    instruction: `${instruction} Reply with a JSON object {"value": …}; use null when the input does not hold enough to answer.`,
    read(content) {
      const reply = parseReply(content);
      if (reply === null || typeof reply !== 'object' || Array.isArray(reply) || !('value' in reply))
        throw new ReplyError('The answer has no “value” field.');
      const extra = Object.keys(reply).filter((k) => k !== 'value');
      if (extra.length > 0)
        throw new ReplyError(`The answer has fields it should not have: ${extra.join(', ')}.`);
      const value = (reply as { value: unknown }).value;
      if (value === null) return null;
      if (!validator.safeParse(value).success) throw new ReplyError(misfit(value));
      return value;
    },
  };
}

function jsonSpec(schema: unknown): OutputSpec {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
    throw new AppError('invalid_input', 'Enrich with AI: a JSON output needs a JSON Schema object.');
  let strict: Record<string, unknown>;
  try {
    strict = toStrictJsonSchema(structuredClone(schema) as never) as Record<string, unknown>;
  } catch (error) {
    throw new AppError(
      'invalid_input',
      `Enrich with AI: the JSON Schema cannot be used for structured outputs: ${(error as Error).message}`,
    );
  }
  checkLimits(strict);
  let validator: z.ZodType;
  try {
    validator = z.fromJSONSchema(strict as never);
  } catch (error) {
    throw new AppError(
      'invalid_input',
      `Enrich with AI: the JSON Schema is not valid: ${(error as Error).message}`,
    );
  }
  return {
    type: 'json',
    format: { name: 'row_data', strict: true, schema: strict },
    instruction: 'Reply with a JSON object that follows the given JSON Schema.',
    read(content) {
      const reply = parseReply(content);
      const result = validator.safeParse(reply);
      if (!result.success) {
        const issue = result.error.issues[0];
        const at = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
        throw new ReplyError(
          `The answer does not follow the JSON Schema${at}: ${issue?.message ?? 'invalid'}.`,
        );
      }
      return reply;
    },
  };
}

/** Nesting depth and property count, which strict mode caps and the normaliser does not check. */
function checkLimits(schema: Record<string, unknown>): void {
  let properties = 0;
  const visit = (node: unknown, depth: number): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child, depth);
      return;
    }
    const record = node as Record<string, unknown>;
    const props = record.properties;
    if (props && typeof props === 'object') {
      if (depth > MAX_NESTING)
        throw new AppError(
          'invalid_input',
          `Enrich with AI: the JSON Schema nests deeper than ${MAX_NESTING} levels.`,
        );
      properties += Object.keys(props).length;
      for (const child of Object.values(props)) visit(child, depth + 1);
    }
    for (const key of ['items', 'anyOf', '$defs', 'definitions']) {
      const child = record[key];
      if (key === '$defs' || key === 'definitions') {
        if (child && typeof child === 'object') for (const def of Object.values(child)) visit(def, depth);
      } else visit(child, depth);
    }
  };
  visit(schema, 1);
  if (properties > MAX_PROPERTIES)
    throw new AppError(
      'invalid_input',
      `Enrich with AI: the JSON Schema has more than ${MAX_PROPERTIES} properties.`,
    );
}

function parseReply(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    throw new ReplyError(
      `The answer is not JSON: “${content.slice(0, 80)}${content.length > 80 ? '…' : ''}”.`,
    );
  }
}
