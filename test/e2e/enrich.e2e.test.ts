// Enrichment columns in the real UI: add an HTTP request column through the dialog, read
// its quote, run it and watch the cells fill, open a failed cell's audit, then start a
// slow run and stop it from the runs panel — after which the provider hears nothing more.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpFake, startHttpFake } from '../fakes/http-fake';
import { companies, writeCompaniesCsv } from './fixtures';
import { addHttpColumn, cell, columnId, expectRowCount, header, openTable } from './grid';
import { cli, type E2eApp, startE2eApp } from './harness';

const DATA = companies(40);
const SHOTS = process.env.ROWSMITH_SCREENSHOTS;

describe('enrichment columns', () => {
  let app: E2eApp;
  let fake: HttpFake;

  beforeAll(async () => {
    // The provider: a company's size from its name; "Labs" companies are unknown (404),
    // company 13 makes it answer garbage.
    fake = await startHttpFake({
      handler: (req) => {
        const name = new URL(req.url, 'http://x').searchParams.get('name') ?? '';
        if (name.endsWith(' 13')) return { status: 200, body: '<html>oops</html>' };
        if (name.includes('Labs')) return { status: 404, body: '{"error":"unknown company"}' };
        return { status: 200, body: JSON.stringify({ company: { size: name.length * 100 } }) };
      },
    });
    app = await startE2eApp((workbook) => {
      const file = join(dirname(workbook), 'companies.csv');
      writeCompaniesCsv(file, DATA);
      cli(workbook, ['import', file, '--table', 'Leads']);
      const people = join(dirname(workbook), 'people.csv');
      writeFileSync(people, 'Name,Phone\nAna,+44 7400 123456\nBen,+49 30 901820\nCy,12\n');
      cli(workbook, ['import', people, '--table', 'People']);
    });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('adds a column, quotes it, runs it, fills the cells and opens an audit', async () => {
    const { page } = app;
    await openTable(page, 'Leads');
    await expectRowCount(page, DATA.length);
    await page.getByTestId('toolbar-add-column').click();
    await page.getByTestId('add-column-enrichment').click();
    await page.getByTestId('add-column-name').fill('Size');
    await page.getByTestId('add-column-action').selectOption('http.request');
    await page.getByTestId('http-url').fill(`${fake.url}/size?name={{Name}}`);
    await page.getByTestId('http-field-path-0').fill('company.size');
    await page.getByTestId('http-field-type-0').selectOption('number');
    await page.getByTestId('http-rate').fill('200');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'add-enrichment.png') });
    await page.getByTestId('add-column-submit').click();

    // The run dialog opens with the quote: every row, one credit each at most.
    const dialog = page.getByTestId('run-dialog');
    await expect
      .poll(() => dialog.getByTestId('run-quote-main').textContent(), { timeout: 15_000 })
      .toBe(`${DATA.length} rows to run · at most ${DATA.length} credits`);
    expect(await dialog.getByTestId('run-credits-left').textContent()).toMatch(/^10,000 credits left/);
    expect(fake.requests).toBe(0);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'run-quote.png') });
    await dialog.getByTestId('run-confirm').click();

    const size = await columnId(page, 'Size');
    const expected = DATA.map((c) =>
      c.name.endsWith(' 13') ? 'Error' : c.name.includes('Labs') ? 'Not found' : String(c.name.length * 100),
    );
    await expect
      .poll(
        async () => {
          const texts: string[] = [];
          for (let i = 0; i < 10; i++) texts.push((await cell(page, i, size).textContent()) ?? '');
          return texts;
        },
        { timeout: 20_000 },
      )
      .toEqual(expected.slice(0, 10));
    const found = expected.filter((e) => /^\d+$/.test(e)).length;
    await expect
      .poll(() => page.locator('[data-testid^="run-progress-"]').getAttribute('data-run-status'))
      .toBe('done');
    expect(await page.locator('[data-testid^="run-progress-"]').textContent()).toBe(
      `${DATA.length} / ${DATA.length} · 1 err · ${found} cr`,
    );
    await expect
      .poll(() => page.getByTestId('credit-meter').textContent())
      .toMatch(new RegExp(`^${(10_000 - found).toLocaleString('en-US')} / 10,000 credits`));
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'run-done.png') });

    // Row 13's cell says Error; its audit shows why and what the provider sent.
    const index = DATA.findIndex((c) => c.name.endsWith(' 13'));
    await cell(page, index, size).getByTestId('cell-status').click();
    const audit = page.getByTestId('audit-dialog');
    await expect.poll(() => audit.getByTestId('audit-status').getAttribute('data-status')).toBe('error');
    expect(await audit.getByTestId('audit-error').textContent()).toMatch(/not JSON/);
    expect(await audit.getByTestId('audit-raw').textContent()).toContain('<html>oops</html>');
    expect(await audit.getByTestId('audit-credits').textContent()).toBe('0 credits');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'audit.png') });
    await audit.getByRole('button', { name: 'Close' }).first().click();
  });

  it('stops a slow run from the runs panel: nothing more reaches the provider', async () => {
    const { page } = app;
    fake.setLatency(400);
    const dialog = await addHttpColumn(page, {
      name: 'Slow size',
      url: `${fake.url}/slow?name={{Name}}`,
      path: 'company.size',
      rate: 5,
    });
    await expect.poll(() => dialog.getByTestId('run-quote-main').textContent()).toMatch(/^40 rows/);
    const before = fake.requests;
    await dialog.getByTestId('run-confirm').click();

    await page.getByTestId('toolbar-runs').click();
    const panel = page.getByTestId('runs-panel');
    const stop = panel.locator('[data-testid^="run-stop-"]');
    await stop.waitFor();
    await expect.poll(() => fake.requests - before, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'runs-panel.png') });
    await stop.click();
    const card = panel.locator('[data-run-status="stopped"]');
    await card.waitFor({ timeout: 10_000 });
    const stoppedAt = performance.now();
    const sent = fake.requests;
    // At 5 calls a second a live run would have sent several more by now.
    await new Promise((r) => setTimeout(r, 1_200));
    expect(fake.requests).toBe(sent);
    expect(fake.log.filter((r) => r.at > stoppedAt)).toEqual([]);
    expect(sent - before).toBeLessThan(DATA.length);

    // Cells that never ran say so; the header shows the run as stopped. (The new column
    // is the last one: scroll the grid to it.)
    await page.getByRole('button', { name: 'Close the runs panel' }).click();
    await page
      .locator('.ag-body-horizontal-scroll-viewport')
      .evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    const slow = await columnId(page, 'Slow size');
    await expect.poll(() => cell(page, 20, slow).textContent()).toBe('Cancelled');
    expect(await header(page, 'Slow size').locator('[data-run-status]').getAttribute('data-run-status')).toBe(
      'stopped',
    );
  });

  it('adds a catalogue action with mapped inputs and picked outputs: Verify phone', async () => {
    const { page } = app;
    await openTable(page, 'People');
    await expectRowCount(page, 3);
    await page.getByTestId('toolbar-add-column').click();
    await page.getByTestId('add-column-enrichment').click();
    await page.getByTestId('add-column-name').fill('Phone check');
    await page.getByTestId('add-column-action').selectOption('phone.verify');
    await page.getByTestId('add-column-input-phone').selectOption({ label: 'Phone' });
    // Only some fields become columns.
    for (const label of ['Line type', 'Phone country', 'Phone check', 'Carrier'])
      await page.getByLabel(`Add ${label}`, { exact: true }).uncheck();
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'add-phone-verify.png') });
    await page.getByTestId('add-column-submit').click();
    const dialog = page.getByTestId('run-dialog');
    await expect
      .poll(() => dialog.getByTestId('run-quote-main').textContent())
      .toBe('3 rows to run · at most 3 credits');
    await dialog.getByTestId('run-confirm').click();
    await page
      .locator('.ag-body-horizontal-scroll-viewport')
      .evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    const status = await columnId(page, 'Phone status');
    await expect
      .poll(async () => [
        await cell(page, 0, status).textContent(),
        await cell(page, 1, status).textContent(),
        await cell(page, 2, status).textContent(),
      ])
      .toEqual(['valid', 'valid', 'invalid']);
  });
});
