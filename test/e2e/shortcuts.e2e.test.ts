// The menu's shortcuts in the web shell (no menu bar there: a keydown handler answers the
// same keys from the shared command table): Ctrl+O import, Ctrl+E export, Ctrl+F find,
// Ctrl+, settings (the providers screen), Ctrl+Enter runs the enrichment column whose
// cell has the focus, Ctrl+. stops the open table's runs. And the last open table
// reopens on reload.
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpFake, startHttpFake } from '../fakes/http-fake';
import { companies, writeCompaniesCsv } from './fixtures';
import { addHttpColumn, cell, columnId, expectRowCount, openTable } from './grid';
import { cli, type E2eApp, startE2eApp } from './harness';

const DATA = companies(40);
/** One company's name ("… Group 5"): the search finds it in that row alone. */
const SOUGHT = DATA[4]?.name ?? '';

/** The data-testid of the element that has the keyboard focus. */
const focused = (page: Page) => page.evaluate('document.activeElement?.getAttribute("data-testid") ?? null');

/** Waits for the page to render a frame: what a key press set off has then been drawn. */
const nextFrame = (page: Page) =>
  page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(null)))');

/** Adds an HTTP request column; the run dialog it offers is closed unrun. */
async function addColumnUnrun(page: Page, name: string, url: string): Promise<void> {
  // Two calls a second: the 40 rows take 20 s, so a run is still going when Ctrl+. stops it.
  const dialog = await addHttpColumn(page, { name, url, path: 'ok', rate: 2 });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
}

describe('shortcuts', () => {
  let app: E2eApp;
  let fake: HttpFake;

  beforeAll(async () => {
    fake = await startHttpFake({ latencyMs: 500, handler: () => ({ status: 200, body: '{"ok":"yes"}' }) });
    app = await startE2eApp((workbook) => {
      const file = join(dirname(workbook), 'companies.csv');
      writeCompaniesCsv(file, DATA);
      cli(workbook, ['import', file, '--table', 'Leads']);
      cli(workbook, ['import', file, '--table', 'Archive']);
    });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('Ctrl+O, Ctrl+E, Ctrl+F and Ctrl+, open what the menu opens', async () => {
    const { page } = app;
    await openTable(page, 'Leads');
    await expectRowCount(page, DATA.length);

    await page.keyboard.press('Control+o');
    await page.getByTestId('import-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('import-dialog').waitFor({ state: 'detached' });

    await page.keyboard.press('Control+e');
    const exporting = page.getByTestId('export-dialog');
    await exporting.waitFor();
    expect(await exporting.getAttribute('aria-label')).toBe('Export Leads');
    await page.keyboard.press('Escape');
    await exporting.waitFor({ state: 'detached' });

    await page.keyboard.press('Control+f');
    await expect.poll(() => focused(page)).toBe('search-input');
    // Typed straight away, the search narrows the grid.
    expect(SOUGHT).not.toBe('');
    await page.keyboard.type(SOUGHT);
    await expectRowCount(page, 1);
    await page.getByTestId('search-input').fill('');
    await expectRowCount(page, DATA.length);

    await page.keyboard.press('Control+,');
    const settings = page.getByTestId('providers-dialog');
    await settings.waitFor();
    // While a dialog is open it owns the keyboard: no other dialog takes its place.
    await page.keyboard.press('Control+o');
    await nextFrame(page);
    expect(await page.getByTestId('import-dialog').count()).toBe(0);
    expect(await settings.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await settings.waitFor({ state: 'detached' });
  });

  it('Ctrl+Enter runs the enrichment column in focus, Ctrl+. stops it', async () => {
    const { page } = app;
    await openTable(page, 'Leads');
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(() => page.getByTestId('toasts').textContent())
      .toContain('This table has no enrichment columns yet');

    await addColumnUnrun(page, 'Checked', `${fake.url}/check?name={{Name}}`);
    await addColumnUnrun(page, 'Rechecked', `${fake.url}/recheck?name={{Name}}`);
    expect(fake.requests).toBe(0);

    // Two enrichment columns and the focus on neither: the app asks which one.
    await cell(page, 0, await columnId(page, 'Name')).click();
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(() => page.getByTestId('toasts').textContent())
      .toContain('Click a cell of the column to run, then press the shortcut again.');

    await cell(page, 0, await columnId(page, 'Checked')).click();
    await page.keyboard.press('Control+Enter');
    const dialog = page.getByTestId('run-dialog');
    await expect.poll(() => dialog.getAttribute('aria-label')).toBe('Run “Checked”');
    await expect
      .poll(() => dialog.getByTestId('run-quote-main').textContent(), { timeout: 15_000 })
      .toMatch(/^40 rows to run/);
    await dialog.getByTestId('run-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await fake.waitFor(() => fake.requests > 0, 15_000);

    await page.keyboard.press('Control+.');
    await page.getByTestId('toolbar-runs').click();
    const card = page.getByTestId('runs-panel').locator('[data-run-status]').first();
    await expect.poll(() => card.getAttribute('data-run-status'), { timeout: 15_000 }).toBe('stopped');
    expect(fake.requests).toBeLessThan(DATA.length);
    expect(fake.log.every((r) => r.path.startsWith('/check?'))).toBe(true);
    await page.getByRole('button', { name: 'Close the runs panel' }).click();

    // Nothing left running: Ctrl+. says so.
    await page.keyboard.press('Control+.');
    await expect
      .poll(() => page.getByTestId('toasts').textContent())
      .toContain('No column of this table is running.');
  });

  it('reopens the table that was open last', async () => {
    const { page } = app;
    await openTable(page, 'Archive');
    await page.reload();
    await page.getByTestId('app-ready').waitFor();
    await expect.poll(() => page.getByTestId('table-title').textContent()).toBe('Archive');
    await openTable(page, 'Leads');
    await page.reload();
    await page.getByTestId('app-ready').waitFor();
    await expect.poll(() => page.getByTestId('table-title').textContent()).toBe('Leads');
  });
});
