// Editing cells in the grid: a saved edit survives a reload and is in the workbook file
// (read back with the CLI after the app has closed); a value the column's type refuses
// is explained in an error toast and the cell goes back to what it was.
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companies, readExportedCsv, writeCompaniesCsv } from './fixtures';
import { cell, columnId, editCell, expectRowCount } from './grid';
import { cli, type E2eApp, startE2eApp } from './harness';

const DATA = companies(30);

/** Resolves with the next answer to a cell write (so a test can wait until it is saved). */
const cellSaved = (page: Page) =>
  page.waitForResponse((r) => r.url().endsWith('/api/invoke/rows/update-cell'), { timeout: 15_000 });

describe('editing cells', () => {
  let app: E2eApp;

  beforeAll(async () => {
    app = await startE2eApp((workbook) => {
      const file = join(dirname(workbook), 'companies.csv');
      writeCompaniesCsv(file, DATA);
      cli(workbook, ['import', file, '--table', 'Companies']);
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('an edit shows at once, is saved, and is still there after a reload', async () => {
    const { page } = app;
    await expectRowCount(page, DATA.length);
    const name = await columnId(page, 'Name');
    const employees = await columnId(page, 'Employees');
    await expect.poll(() => cell(page, 0, name).textContent()).toBe(DATA[0]?.name);

    // Double-click, type, Enter.
    let saved = cellSaved(page);
    await editCell(page, cell(page, 0, name), 'Renamed Company');
    expect(await cell(page, 0, name).textContent()).toBe('Renamed Company');
    expect((await saved).status()).toBe(200);

    // Spreadsheet style: select the cell and just type over it.
    saved = cellSaved(page);
    await cell(page, 1, employees).click();
    await page.keyboard.type('4321');
    await page.keyboard.press('Enter');
    expect((await saved).status()).toBe(200);
    await expect.poll(() => cell(page, 1, employees).textContent()).toBe('4321');

    await page.reload();
    await page.getByTestId('app-ready').waitFor();
    await expectRowCount(page, DATA.length);
    await expect.poll(() => cell(page, 0, name).textContent()).toBe('Renamed Company');
    await expect.poll(() => cell(page, 1, employees).textContent()).toBe('4321');
    expect(await cell(page, 2, name).textContent()).toBe(DATA[2]?.name);
  });

  it('text that is not a number, typed into a number cell, shows an error and the cell keeps its value', async () => {
    const { page } = app;
    const employees = await columnId(page, 'Employees');
    const before = String(DATA[2]?.employees);
    await expect.poll(() => cell(page, 2, employees).textContent()).toBe(before);

    const answered = cellSaved(page);
    await editCell(page, cell(page, 2, employees), '12abc');
    expect((await answered).status()).toBe(400);
    const toast = page.getByTestId('toast-error');
    await toast.waitFor();
    expect(await toast.textContent()).toContain('“12abc” is not a number.');
    await expect.poll(() => cell(page, 2, employees).textContent()).toBe(before);
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await toast.waitFor({ state: 'detached' });

    // A typo that a browser number field would have read as "empty" must not erase the cell either.
    await editCell(page, cell(page, 2, employees), '-');
    await page.getByTestId('toast-error').waitFor();
    await expect.poll(() => cell(page, 2, employees).textContent()).toBe(before);
  });

  it('after the app has closed, the workbook holds the edits (read with the CLI)', async () => {
    await app.stop();
    const out = join(app.dir, 'check.csv');
    cli(app.workbook, ['export', '--table', 'Companies', '--columns', 'Name,Employees', '--out', out]);
    const [head, ...rows] = readExportedCsv(out);
    expect(head).toEqual(['Name', 'Employees']);
    expect(rows).toHaveLength(DATA.length);
    expect(rows[0]).toEqual(['Renamed Company', String(DATA[0]?.employees)]);
    expect(rows[1]).toEqual([DATA[1]?.name, '4321']);
    expect(rows[2]).toEqual([DATA[2]?.name, String(DATA[2]?.employees)]);
    expect(rows.slice(3)).toEqual(DATA.slice(3).map((c) => [c.name, String(c.employees)]));
  });
});
