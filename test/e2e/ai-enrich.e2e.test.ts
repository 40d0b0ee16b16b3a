// "Enrich with AI" in the real UI: a prompt written with the insert-column picker, an
// answer limited to a list of choices, a local OpenAI-compatible server's base URL under
// Advanced; quoted, run, and the cells filled from the loopback server — which saw the
// rendered prompts and the strict schema of the choices.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAiFake, startOpenAiFake } from '../fakes/openai-compatible';
import { cell, columnId, expectRowCount, openTable } from './grid';
import { cli, type E2eApp, startE2eApp } from './harness';

const SHOTS = process.env.ROWSMITH_SCREENSHOTS;

describe('an Enrich with AI column', () => {
  let app: E2eApp;
  let fake: OpenAiFake;

  beforeAll(async () => {
    fake = await startOpenAiFake();
    // Software companies are SaaS; everything else an agency.
    fake.respond(({ prompt }) => ({ value: prompt.includes('soft') ? 'SaaS' : 'Agency' }));
    app = await startE2eApp((workbook) => {
      const file = join(dirname(workbook), 'people.csv');
      writeFileSync(file, 'Name,Company\nAna,Acme soft\nBen,Globex studio\nCy,Initech soft\n');
      cli(workbook, ['import', file, '--table', 'People']);
    });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('is set up through the form, runs against the server at its base URL and fills the cells', async () => {
    const { page } = app;
    await openTable(page, 'People');
    await expectRowCount(page, 3);
    await page.getByTestId('toolbar-add-column').click();
    await page.getByTestId('add-column-enrichment').click();
    await page.getByTestId('add-column-name').fill('Kind');
    await page.getByTestId('add-column-action').selectOption('ai.enrich');

    const prompt = page.getByTestId('ai-prompt');
    await prompt.fill('What kind of business is ');
    await page.getByTestId('ai-insert-column').selectOption('Company');
    await prompt.press('End');
    await prompt.pressSequentially('?');
    expect(await prompt.inputValue()).toBe('What kind of business is {{Company}}?');

    // A JSON Schema that does not parse says so as it is typed.
    await page.getByTestId('ai-output-type').selectOption('json');
    await page.getByTestId('ai-schema').fill('{"type": "object",');
    await expect
      .poll(() => page.getByTestId('add-column-dialog').getByRole('alert').textContent())
      .toMatch(/^The schema is not valid JSON/);

    await page.getByTestId('ai-output-type').selectOption('choice');
    await page.getByTestId('ai-choice-0').fill('SaaS');
    await page.getByTestId('ai-choice-1').fill('Agency');
    await page.getByText('Advanced').click();
    await page.getByTestId('ai-base-url').fill(fake.baseUrl);
    await page.getByTestId('ai-model').fill('llama3.1:8b');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'add-ai-column.png') });
    await page.getByTestId('add-column-submit').click();

    const dialog = page.getByTestId('run-dialog');
    await expect
      .poll(() => dialog.getByTestId('run-quote-main').textContent(), { timeout: 15_000 })
      .toBe('3 rows to run · at most 3 credits');
    expect(fake.requests).toHaveLength(0);
    await dialog.getByTestId('run-confirm').click();

    const kind = await columnId(page, 'Kind');
    await expect
      .poll(
        async () => [
          await cell(page, 0, kind).textContent(),
          await cell(page, 1, kind).textContent(),
          await cell(page, 2, kind).textContent(),
        ],
        { timeout: 20_000 },
      )
      .toEqual(['SaaS', 'Agency', 'SaaS']);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'ai-column-done.png') });

    expect(fake.requests.map((r) => r.prompt).sort()).toEqual([
      'What kind of business is Acme soft?',
      'What kind of business is Globex studio?',
      'What kind of business is Initech soft?',
    ]);
    const sent = fake.requests[0]?.body;
    expect(sent).toMatchObject({ model: 'llama3.1:8b', temperature: 0 });
    expect(sent?.response_format?.json_schema).toMatchObject({
      strict: true,
      schema: {
        properties: { value: { anyOf: [{ type: 'string', enum: ['SaaS', 'Agency'] }, { type: 'null' }] } },
      },
    });
  });
});
