// "Enrich with AI" end to end: a real app (SQLite, engine, local ledger) running the
// column against a loopback OpenAI-compatible server, as a user would see it — what
// was sent, the typed values written, error cells for answers of the wrong shape (not
// charged), tokens in the cell audit, one call for one question, HTTP errors retried or
// not as they deserve, and keys kept where they belong.
import type { EnrichmentConfigInput } from '@shared/enrichment';
import { type ColumnType, columnKey } from '@shared/model';
import { afterEach, describe, expect, it } from 'vitest';
import { compatibleProvider, openaiProvider } from '../../../../src/main/catalogue/ai/openai-provider';
import { type OpenAiFake, type Reply, startOpenAiFake, words } from '../../../fakes/openai-compatible';
import { startTestApp, type TestApp } from '../../../helpers/app';

const KEY = 'sk-test-4f9a7c1e2b';

let t: TestApp;
let fake: OpenAiFake;
afterEach(async () => {
  await t?.close();
  await fake?.close();
});

/** A People table (Name, Title, Company) with these rows. */
async function people(rows: [string, string, string][]) {
  const table = await t.call('tables/create', { name: 'People' });
  const name = table.columns[0]?.id as number;
  const title = await t.call('columns/add', { tableId: table.id, name: 'Title', type: 'text' });
  const company = await t.call('columns/add', { tableId: table.id, name: 'Company', type: 'text' });
  for (const [n, ti, c] of rows) {
    await t.call('rows/insert', {
      tableId: table.id,
      values: { [columnKey(name)]: n, [columnKey(title.id)]: ti, [columnKey(company.id)]: c },
    });
  }
  return table.id;
}

/** Adds the AI column, runs it on every row, and returns the run, the cells and the audits. */
async function runAi(tableId: number, options: Record<string, unknown>, type: ColumnType = 'text') {
  const config: EnrichmentConfigInput = {
    actionId: 'ai.enrich',
    options,
    outputs: [{ key: 'value', name: 'Answer', type }],
  };
  const enrichment = await t.call('enrichments/add', { tableId, name: 'Answer', config });
  const started = await t.call('runs/start', {
    enrichmentId: enrichment.id,
    scope: { target: { kind: 'all' } },
  });
  const run = await t.app.engine.wait(started.id);
  const { rows } = await t.call('rows/block', { view: { tableId }, start: 0, end: 100 });
  const col = columnKey(enrichment.columns.value as number);
  const audits = await Promise.all(
    rows.map((r) => t.call('cells/audit', { enrichmentId: enrichment.id, rowId: r.id })),
  );
  return { run, values: rows.map((r) => r.cells[col]), audits, enrichment };
}

/** Replies chosen by the company named in the prompt. */
const byCompany =
  (replies: Record<string, Reply>) =>
  ({ prompt }: { prompt: string }): Reply => {
    const hit = Object.keys(replies).find((c) => prompt.includes(c));
    return hit ? (replies[hit] as Reply) : { status: 400, message: `no script for ${prompt}` };
  };

describe('an Enrich with AI column on OpenAI', () => {
  it('sends the rendered prompt with a strict schema, and writes typed numbers with their tokens', async () => {
    fake = await startOpenAiFake({ key: KEY });
    t = await startTestApp({ providers: { baseUrls: { openai: fake.baseUrl } } });
    t.app.providers.setKey('openai', KEY);
    const tableId = await people([
      ['Ana', 'CTO', 'Acme'],
      ['Ben', 'Founder', 'Globex'],
    ]);
    fake.respond(byCompany({ Acme: { value: 120 }, Globex: { value: 8.5 } }));
    const { run, values, audits } = await runAi(
      tableId,
      {
        prompt: 'How many engineers report to the {{Title}} at {{Company}}?',
        outputType: 'number',
        model: 'gpt-4o-2024-08-06',
        temperature: 0.2,
        systemPrompt: 'Estimate when unsure.',
        maxTokens: 50,
      },
      'number',
    );
    expect(run).toMatchObject({ status: 'done', done: 2, errors: 0, credits: 2 });
    expect(values).toEqual([120, 8.5]);

    expect(fake.requests).toHaveLength(2);
    const sent = fake.requests.find((r) => r.prompt.includes('Acme'));
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.body).toMatchObject({
      model: 'gpt-4o-2024-08-06',
      temperature: 0.2,
      max_completion_tokens: 50,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'cell_value',
          strict: true,
          schema: {
            type: 'object',
            properties: { value: { type: ['number', 'null'] } },
            required: ['value'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(sent?.prompt).toBe('How many engineers report to the CTO at Acme?');
    const system = sent?.body.messages[0];
    expect(system?.role).toBe('system');
    expect(system?.content).toMatch(/The answer is a number\./);
    expect(system?.content).toMatch(/Estimate when unsure\.$/);

    const raw = JSON.parse(audits[0]?.raw ?? '{}');
    const promptTokens = (sent?.body.messages ?? []).reduce((n, m) => n + words(m.content), 0);
    expect(raw).toEqual({
      model: 'gpt-4o-2024-08-06',
      usage: { prompt_tokens: promptTokens, completion_tokens: 1, total_tokens: promptTokens + 1 },
      finish_reason: 'stop',
      content: '{"value":120}',
    });
    expect(audits[0]).toMatchObject({ status: 'done', credits: 1, provider: 'openai', cached: false });
  });

  it('asks once for one question: equal prompts share an answer, and a re-run is free', async () => {
    fake = await startOpenAiFake({ key: KEY });
    t = await startTestApp({ providers: { baseUrls: { openai: fake.baseUrl } } });
    t.app.providers.setKey('openai', KEY);
    const tableId = await people([
      ['Ana', 'CTO', 'Acme'],
      ['Ben', 'CFO', 'Acme'],
      ['Cy', 'CEO', 'Globex'],
    ]);
    fake.respond(byCompany({ Acme: { value: true }, Globex: { value: false } }));
    const { run, values, enrichment } = await runAi(
      tableId,
      { prompt: 'Does {{Company}} sell software?', outputType: 'boolean' },
      'boolean',
    );
    expect(values).toEqual([true, true, false]);
    expect(fake.requests).toHaveLength(2);
    expect(run).toMatchObject({ done: 3, credits: 2 });

    const again = await t.call('runs/start', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' }, force: true },
    });
    expect(await t.app.engine.wait(again.id)).toMatchObject({ done: 3, cached: 3, credits: 0 });
    expect(fake.requests).toHaveLength(2);
  });

  it('makes answers of the wrong shape error cells, charged nothing, with the reply in the audit', async () => {
    fake = await startOpenAiFake({ key: KEY });
    t = await startTestApp({ providers: { baseUrls: { openai: fake.baseUrl } } });
    t.app.providers.setKey('openai', KEY);
    const companies = ['Good', 'Broken', 'Typed', 'Offlist', 'Refuses', 'Rambles', 'Unsure', 'Extra'];
    const tableId = await people(companies.map((c) => ['x', 'y', c]));
    fake.respond(
      byCompany({
        Good: { value: 'SaaS' },
        Broken: { content: '{"value": "SaaS"' },
        Typed: { value: 3 },
        Offlist: { value: 'Retail' },
        Refuses: { refusal: "I'm sorry, I can't help with that." },
        Rambles: { truncated: '{"value": "Saa' },
        Unsure: { value: null },
        Extra: { json: { value: 'SaaS', confidence: 0.4 } },
      }),
    );
    const { run, values, audits } = await runAi(tableId, {
      prompt: 'What kind of business is {{Company}}?',
      outputType: 'choice',
      choices: ['SaaS', 'Agency'],
    });
    expect(run).toMatchObject({ status: 'done', done: 1, notFound: 1, errors: 6, credits: 1 });
    expect(values).toEqual(['SaaS', null, null, null, null, null, null, null]);
    // errors from the model's answer are final: asked once each, not retried
    expect(fake.requests).toHaveLength(8);
    expect(fake.requests[0]?.body.response_format?.json_schema?.schema.properties).toEqual({
      value: { anyOf: [{ type: 'string', enum: ['SaaS', 'Agency'] }, { type: 'null' }] },
    });
    const errors = audits.map((a) => a?.error ?? null);
    expect(errors[0]).toBeNull();
    expect(errors[1]).toMatch(/^The answer is not JSON: “\{"value": "SaaS"”\.$/);
    expect(errors[2]).toBe('The answer “3” is not one of the choices (SaaS, Agency).');
    expect(errors[3]).toBe('The answer “Retail” is not one of the choices (SaaS, Agency).');
    expect(errors[4]).toBe("The model refused: I'm sorry, I can't help with that.");
    expect(errors[5]).toMatch(/cut off at the token limit: raise “Max tokens”/);
    expect(audits[6]).toMatchObject({ status: 'not_found', credits: 0, error: null });
    expect(errors[7]).toBe('The answer has fields it should not have: confidence.');
    for (const audit of audits.slice(1, 6)) expect(audit).toMatchObject({ status: 'error', credits: 0 });
    // the audit of an error keeps the tokens spent and what came back
    expect(JSON.parse(audits[5]?.raw ?? '{}')).toMatchObject({
      finish_reason: 'length',
      content: '{"value": "Saa',
      usage: { completion_tokens: 2 },
    });
    expect(JSON.parse(audits[4]?.raw ?? '{}')).toMatchObject({
      refusal: "I'm sorry, I can't help with that.",
    });
  });

  it('writes JSON following the user schema into a JSON column, and refuses replies that break it', async () => {
    fake = await startOpenAiFake({ key: KEY });
    t = await startTestApp({ providers: { baseUrls: { openai: fake.baseUrl } } });
    t.app.providers.setKey('openai', KEY);
    const tableId = await people([
      ['Ana', 'CTO', 'Acme'],
      ['Ben', 'CFO', 'Globex'],
    ]);
    const schema = {
      type: 'object',
      properties: {
        seniority: { type: 'string', enum: ['junior', 'senior', 'executive'] },
        decisionMaker: { type: 'boolean' },
      },
      required: ['seniority', 'decisionMaker'],
    };
    fake.respond(
      byCompany({
        Acme: { json: { seniority: 'executive', decisionMaker: true } },
        Globex: { json: { seniority: 'boss', decisionMaker: true } },
      }),
    );
    const { run, values, audits } = await runAi(
      tableId,
      { prompt: '{{Title}} at {{Company}}', outputType: 'json', schema },
      'json',
    );
    expect(run).toMatchObject({ done: 1, errors: 1, credits: 1 });
    expect(JSON.parse(String(values[0]))).toEqual({ seniority: 'executive', decisionMaker: true });
    expect(values[1]).toBeNull();
    expect(audits[1]?.error).toMatch(/does not follow the JSON Schema at seniority/);
    expect(fake.requests[0]?.body.response_format?.json_schema).toEqual({
      name: 'row_data',
      strict: true,
      schema: { ...schema, additionalProperties: false },
    });
  });

  it('sends nothing for a row whose prompt cells are all empty', async () => {
    fake = await startOpenAiFake({ key: KEY });
    t = await startTestApp({ providers: { baseUrls: { openai: fake.baseUrl } } });
    t.app.providers.setKey('openai', KEY);
    const tableId = await people([
      ['Ana', '', ''],
      ['Ben', '', 'Globex'],
    ]);
    fake.respond(() => ({ value: 'fine' }));
    const { run, values } = await runAi(tableId, { prompt: 'Role: {{Title}}. Company: {{Company}}.' });
    expect(run).toMatchObject({ done: 1, notFound: 1, credits: 1 });
    expect(values).toEqual([null, 'fine']);
    expect(fake.requests.map((r) => r.prompt)).toEqual(['Role: . Company: Globex.']);
  });
});

describe('HTTP errors from the model server', () => {
  it('takes a refused key as final, and never shows the key', async () => {
    fake = await startOpenAiFake({ key: 'sk-the-right-one' });
    t = await startTestApp({ providers: { baseUrls: { openai: fake.baseUrl } } });
    t.app.providers.setKey('openai', KEY);
    const tableId = await people([['Ana', 'CTO', 'Acme']]);
    const { run, audits } = await runAi(tableId, { prompt: 'About {{Company}}' });
    expect(run).toMatchObject({ errors: 1, credits: 0 });
    expect(fake.http.requests).toBe(1);
    expect(audits[0]?.error).toBe('OpenAI refused the API key (401). Check it in Settings → Providers.');
    expect(JSON.stringify(audits[0])).not.toContain(KEY);
    expect(JSON.stringify(audits[0])).not.toContain(KEY.slice(3, 12));
  });

  it('says so when OpenAI has no key, without calling', async () => {
    fake = await startOpenAiFake();
    t = await startTestApp({ providers: { baseUrls: { openai: fake.baseUrl } } });
    const tableId = await people([['Ana', 'CTO', 'Acme']]);
    const { audits } = await runAi(tableId, { prompt: 'About {{Company}}' });
    expect(audits[0]?.error).toMatch(/OpenAI: no API key\. Add one in Settings → Providers/);
    expect(fake.http.requests).toBe(0);
  });

  it('waits out a 429 for its Retry-After and retries a 500', async () => {
    fake = await startOpenAiFake({ key: KEY });
    t = await startTestApp({ providers: { baseUrls: { openai: fake.baseUrl } } });
    t.app.providers.setKey('openai', KEY);
    const tableId = await people([['Ana', 'CTO', 'Acme']]);
    fake.queue(
      {
        status: 429,
        message: 'Rate limit reached for requests',
        code: 'rate_limit_exceeded',
        headers: { 'retry-after': '1' },
      },
      { status: 500, message: 'The server had an error while processing your request.' },
    );
    fake.respond(() => ({ value: 'Berlin' }));
    const started = performance.now();
    const { run, values } = await runAi(tableId, { prompt: 'Where is {{Company}}?' });
    expect(values).toEqual(['Berlin']);
    expect(run).toMatchObject({ done: 1, errors: 0, credits: 1 });
    expect(fake.requests).toHaveLength(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('names a model the server does not have, without retrying', async () => {
    fake = await startOpenAiFake({ key: KEY });
    t = await startTestApp({ providers: { baseUrls: { openai: fake.baseUrl } } });
    t.app.providers.setKey('openai', KEY);
    const tableId = await people([['Ana', 'CTO', 'Acme']]);
    fake.respond(() => ({
      status: 404,
      message: 'The model `gpt-9` does not exist or you do not have access to it.',
      code: 'model_not_found',
    }));
    const { audits } = await runAi(tableId, { prompt: 'About {{Company}}', model: 'gpt-9' });
    expect(audits[0]?.error).toMatch(
      /has no such model or endpoint \(404\): The model `gpt-9` does not exist/,
    );
    expect(fake.requests).toHaveLength(1);
  });

  it('stops a call in flight when the run is stopped', async () => {
    fake = await startOpenAiFake({ key: KEY });
    t = await startTestApp({ providers: { baseUrls: { openai: fake.baseUrl } } });
    t.app.providers.setKey('openai', KEY);
    fake.http.setLatency(20_000);
    const tableId = await people([['Ana', 'CTO', 'Acme']]);
    const enrichment = await t.call('enrichments/add', {
      tableId,
      name: 'Answer',
      config: {
        actionId: 'ai.enrich',
        options: { prompt: '{{Company}}' },
        outputs: [{ key: 'value', name: 'Answer', type: 'text' }],
      },
    });
    const started = await t.call('runs/start', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    await fake.http.waitFor(() => fake.http.inFlight === 1);
    const before = performance.now();
    await t.call('runs/stop', { runId: started.id });
    const run = await t.app.engine.wait(started.id);
    expect(run).toMatchObject({ status: 'stopped', credits: 0 });
    await fake.http.waitFor(() => fake.http.inFlight === 0, 2_000);
    expect(performance.now() - before).toBeLessThan(2_000);
  });
});

describe('an OpenAI-compatible server at a base URL (Ollama, LM Studio, vLLM)', () => {
  it('is asked with a placeholder key, never the OpenAI key', async () => {
    fake = await startOpenAiFake();
    t = await startTestApp();
    t.app.providers.setKey('openai', KEY);
    const tableId = await people([['Ana', 'CTO', 'Acme']]);
    fake.respond(() => ({ value: 'Industrial' }));
    const { values, audits } = await runAi(tableId, {
      prompt: 'Sector of {{Company}}',
      baseUrl: fake.baseUrl,
      model: 'llama3.1:8b',
      maxTokens: 20,
    });
    expect(values).toEqual(['Industrial']);
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer no-key');
    expect(fake.requests[0]?.body).toMatchObject({ model: 'llama3.1:8b', max_tokens: 20, temperature: 0 });
    expect(JSON.stringify(fake.requests[0])).not.toContain(KEY);
    expect(audits[0]?.provider).toBe(`openai-compatible:${new URL(fake.baseUrl).host}`);
  });

  it('sends the key stored for compatible servers when there is one', async () => {
    fake = await startOpenAiFake({ key: 'vllm-secret' });
    t = await startTestApp();
    t.app.providers.setKey('openai-compatible', 'vllm-secret');
    const tableId = await people([['Ana', 'CTO', 'Acme']]);
    fake.respond(() => ({ value: 'ok' }));
    const { values } = await runAi(tableId, { prompt: '{{Company}}', baseUrl: fake.baseUrl });
    expect(values).toEqual(['ok']);
  });

  it('says which server could not be reached', async () => {
    fake = await startOpenAiFake();
    const url = fake.baseUrl;
    await fake.close();
    t = await startTestApp({ engine: { concurrency: 4, timeoutMs: 5_000 } });
    const tableId = await people([['Ana', 'CTO', 'Acme']]);
    const { audits } = await runAi(tableId, { prompt: '{{Company}}', baseUrl: url });
    expect(audits[0]?.error).toMatch(
      new RegExp(`^Could not reach OpenAI-compatible server at ${new URL(url).host.replace('.', '\\.')}`),
    );
  }, 20_000);
});

describe('testing the connection', () => {
  it('lists the models with the key', async () => {
    fake = await startOpenAiFake({ key: KEY, models: ['gpt-4o-mini', 'gpt-4o', 'o3-mini'] });
    t = await startTestApp();
    const signal = new AbortController().signal;
    await expect(openaiProvider.testConnection?.({ key: KEY, baseUrl: fake.baseUrl }, signal)).resolves.toBe(
      'OpenAI answered: 3 models (gpt-4o-mini, gpt-4o, o3-mini).',
    );
    await expect(
      openaiProvider.testConnection?.({ key: 'sk-wrong-key-123', baseUrl: fake.baseUrl }, signal),
    ).rejects.toThrow('OpenAI refused the API key (401). Check it in Settings → Providers.');
    await expect(
      compatibleProvider.testConnection?.({ key: null, baseUrl: fake.baseUrl }, signal),
    ).rejects.toThrow(/refused the API key/);
  });
});
