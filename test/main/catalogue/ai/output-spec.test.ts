// The shape an AI answer must have: the strict schema sent for each output type, the
// replies accepted and refused, and the options refused before any run.
import { describe, expect, it } from 'vitest';
import { aiEnrich } from '../../../../src/main/catalogue/ai/ai-enrich';
import { buildOutputSpec, ReplyError } from '../../../../src/main/catalogue/ai/output-spec';
import { DEFAULT_NETWORK, type ProviderAccess } from '../../../../src/main/catalogue/providers';

const providers: ProviderAccess = {
  call: (p) => ({ key: null, baseUrl: p.baseUrl }),
  order: () => null,
  network: DEFAULT_NETWORK,
};
const prepare = (options: Record<string, unknown>) => aiEnrich.prepare(options, { inputs: {}, providers });

describe('output specs', () => {
  it('wraps scalars as a strict {value} object that may be null', () => {
    const spec = buildOutputSpec('number', undefined, undefined);
    expect(spec.format).toEqual({
      name: 'cell_value',
      strict: true,
      schema: {
        type: 'object',
        properties: { value: { type: ['number', 'null'] } },
        required: ['value'],
        additionalProperties: false,
      },
    });
    expect(spec.read('{"value": 42.5}')).toBe(42.5);
    expect(spec.read('{"value": null}')).toBeNull();
    expect(() => spec.read('{"value": "42"}')).toThrow(/is not a number/);
    expect(() => spec.read('{"answer": 42}')).toThrow(/no “value” field/);
    expect(() => spec.read('{"value": 1, "why": "x"}')).toThrow(/should not have: why/);
    expect(() => spec.read('42 employees')).toThrow(ReplyError);
    expect(() => spec.read('{"value": 4')).toThrow(/not JSON/);
  });

  it('checks booleans and text by type', () => {
    const yes = buildOutputSpec('boolean', undefined, undefined);
    expect(yes.read('{"value": false}')).toBe(false);
    expect(() => yes.read('{"value": "yes"}')).toThrow(/not true or false/);
    const text = buildOutputSpec('text', undefined, undefined);
    expect(text.read('{"value": "Berlin"}')).toBe('Berlin');
    expect(() => text.read('{"value": {"city": "Berlin"}}')).toThrow(/not text/);
  });

  it('limits a choice to its list, in the schema and in the reply', () => {
    const spec = buildOutputSpec('choice', ['SaaS', 'Agency', ' SaaS ', ''], undefined);
    expect(spec.format.schema.properties).toEqual({
      value: { anyOf: [{ type: 'string', enum: ['SaaS', 'Agency'] }, { type: 'null' }] },
    });
    expect(spec.read('{"value": "Agency"}')).toBe('Agency');
    expect(() => spec.read('{"value": "Retail"}')).toThrow(
      'The answer “Retail” is not one of the choices (SaaS, Agency).',
    );
    expect(() => buildOutputSpec('choice', ['Only'], undefined)).toThrow(/at least two choices/);
  });

  it('closes a JSON schema for strict mode and validates replies against it', () => {
    const spec = buildOutputSpec('json', undefined, {
      type: 'object',
      properties: {
        city: { type: 'string' },
        employees: { type: ['integer', 'null'], minimum: 0 },
        tags: { type: 'array', items: { type: 'string', enum: ['b2b', 'b2c'] } },
      },
      required: ['city', 'employees', 'tags'],
    });
    expect(spec.format.name).toBe('row_data');
    expect(spec.format.schema.additionalProperties).toBe(false);
    expect(spec.read('{"city": "Lyon", "employees": 40, "tags": ["b2b"]}')).toEqual({
      city: 'Lyon',
      employees: 40,
      tags: ['b2b'],
    });
    expect(() => spec.read('{"city": "Lyon", "employees": -3, "tags": []}')).toThrow(/at employees/);
    expect(() => spec.read('{"city": "Lyon", "employees": 1, "tags": ["retail"]}')).toThrow(/at tags.0/);
    expect(() => spec.read('{"city": "Lyon", "employees": 1, "tags": [], "ceo": "x"}')).toThrow(
      /JSON Schema/,
    );
    expect(() => spec.read('{"city": "Lyon", "tags": []}')).toThrow(/at employees/);
  });

  it('refuses schemas strict mode cannot take, saying why', () => {
    expect(() => buildOutputSpec('json', undefined, { type: 'array', items: { type: 'string' } })).toThrow(
      /Root schema must have type: 'object'/,
    );
    expect(() =>
      buildOutputSpec('json', undefined, { type: 'object', properties: { a: { type: 'string' } } }),
    ).toThrow(/optional/);
    expect(() =>
      buildOutputSpec('json', undefined, {
        type: 'object',
        properties: { a: { not: { type: 'string' } } },
        required: ['a'],
      }),
    ).toThrow(/unsupported keyword `not`/);
    expect(() =>
      buildOutputSpec('json', undefined, {
        type: 'object',
        properties: { a: { type: 'strin' } },
        required: ['a'],
      }),
    ).toThrow(/not valid.*strin/);
    expect(() => buildOutputSpec('json', undefined, 'not a schema')).toThrow(/JSON Schema object/);
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 11; i++) deep = { type: 'object', properties: { x: deep }, required: ['x'] };
    expect(() => buildOutputSpec('json', undefined, deep)).toThrow(/deeper than 10 levels/);
  });
});

describe('Enrich with AI options', () => {
  it('reads the columns the prompt names, so the engine can check they exist', () => {
    const action = prepare({
      prompt: 'Is {{Title}} at {{Company}} a buyer?',
      systemPrompt: '{{title}} in {{Sector}}',
    });
    expect(action.columns).toEqual(['Title', 'Company', 'Sector']);
    expect(action.outputKeys).toEqual(['value']);
    expect(action.providerId).toBe('openai');
    expect(action.ratePerSecond).toBe(10);
  });

  it('keys the cache by model, temperature, base URL, the rendered prompt and the output spec', () => {
    const row = { Company: 'Acme' };
    const key = (options: Record<string, unknown>) =>
      prepare({ prompt: 'About {{Company}}', ...options }).cacheKey(row);
    const base = key({});
    expect(key({})).toBe(base);
    expect(key({ model: 'gpt-4o' })).not.toBe(base);
    expect(key({ temperature: 0.7 })).not.toBe(base);
    expect(key({ baseUrl: 'http://localhost:11434/v1' })).not.toBe(base);
    expect(key({ outputType: 'number' })).not.toBe(base);
    expect(key({ systemPrompt: 'Be brief.' })).not.toBe(base);
    expect(prepare({ prompt: 'About {{Company}}' }).cacheKey({ Company: 'Globex' })).not.toBe(base);
  });

  it('gives a local server its own rate limit and never the OpenAI key', () => {
    const local = prepare({ prompt: 'x', baseUrl: 'http://localhost:11434/v1/' });
    expect(local.providerId).toBe('openai-compatible:localhost:11434');
    expect(prepare({ prompt: 'x', baseUrl: 'https://api.openai.com/v1' }).providerId).toBe('openai');
  });

  it.each([
    [{}, 'Enrich with AI: write a prompt (prompt).'],
    [{ prompt: '   ' }, 'Enrich with AI: write a prompt (prompt).'],
    [{ prompt: 'x', outputType: 'date' }, /output type must be one of text, number, boolean, choice, json/],
    [{ prompt: 'x', temperature: 3 }, /temperature must be from 0 to 2/],
    [{ prompt: 'x', temperature: 'hot' }, /temperature must be a number/],
    [{ prompt: 'x', baseUrl: 'ftp://example.com' }, /http:\/\/ or https:\/\//],
    [{ prompt: 'x', baseUrl: 'localhost:11434' }, /http:\/\/ or https:\/\//],
    [{ prompt: 'x', maxTokens: 0 }, /max tokens must be at least 1/],
    [{ prompt: 'x', outputType: 'choice' }, /at least two choices/],
    [{ prompt: 'x', outputType: 'json' }, /needs a JSON Schema object/],
    [{ prompt: 'Hi {{ }}' }, /empty \{\{ \}\}/],
  ])('refuses %j', (options, message) => {
    expect(() => prepare(options)).toThrow(message);
  });
});
