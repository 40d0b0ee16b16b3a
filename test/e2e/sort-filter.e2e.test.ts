// Sorting, filtering and searching a table in the grid (all of it runs in SQL in the main
// process), and deleting selected rows: what the user sees must match the data.
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Company, companies, writeCompaniesCsv } from './fixtures';
import { cell, columnId, expectFirstRows, expectRowCount, header, renderedColumn } from './grid';
import { cli, type E2eApp, startE2eApp } from './harness';

const DATA = companies(500);

describe('sort, filter and search', () => {
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

  const byEmployees = (dir: 1 | -1) => [...DATA].sort((a, b) => dir * (a.employees - b.employees));
  const employeesOf = (list: Company[]) => list.map((c) => String(c.employees));

  it('clicking a header sorts ascending, then descending, by the values in SQL', async () => {
    const { page } = app;
    const employees = await columnId(page, 'Employees');
    const name = await columnId(page, 'Name');
    const sortLabel = header(page, 'Employees').locator('.header-name');
    await expectRowCount(page, DATA.length);

    await sortLabel.click();
    await expectFirstRows(page, employees, employeesOf(byEmployees(1).slice(0, 5)));
    expect(await header(page, 'Employees').getAttribute('aria-sort')).toBe('ascending');
    expect(await cell(page, 0, name).textContent()).toBe(byEmployees(1)[0]?.name);

    await sortLabel.click();
    await expectFirstRows(page, employees, employeesOf(byEmployees(-1).slice(0, 5)));
    expect(await header(page, 'Employees').getAttribute('aria-sort')).toBe('descending');
    expect(await cell(page, 0, name).textContent()).toBe(byEmployees(-1)[0]?.name);
    await expectRowCount(page, DATA.length);
  });

  it('a column filter and the search narrow the rows, and every row shown matches', async () => {
    const { page } = app;
    const name = await columnId(page, 'Name');
    const city = await columnId(page, 'City');
    const employees = await columnId(page, 'Employees');

    // Name contains "labs" (the floating filter of a text column)
    await page.locator(`.ag-floating-filter[col-id="${name}"] input`).fill('labs');
    const labs = byEmployees(-1).filter((c) => c.name.toLowerCase().includes('labs'));
    await expectRowCount(page, labs.length);
    await expect.poll(() => page.locator('.status-note').textContent()).toBe('filtered');
    await expectFirstRows(page, employees, employeesOf(labs.slice(0, 5)));

    // ... and the toolbar search on top of it: few enough rows to see them all.
    await page.getByTestId('search-input').fill('oslo');
    const labsInOslo = labs.filter((c) => c.city === 'Oslo');
    expect(labsInOslo.length).toBeGreaterThan(5);
    await expectRowCount(page, labsInOslo.length);
    await expect.poll(() => renderedColumn(page, name)).toEqual(labsInOslo.map((c) => c.name));
    expect(new Set(await renderedColumn(page, city))).toEqual(new Set(['Oslo']));
    // still sorted by Employees, descending
    expect(await renderedColumn(page, employees)).toEqual(employeesOf(labsInOslo));

    // Nothing matches: the grid says so rather than showing stale rows.
    await page.getByTestId('search-input').fill('no such company anywhere');
    await expectRowCount(page, 0);
    await expect
      .poll(() => page.getByTestId('empty-state').textContent())
      .toContain('No rows match the current filters or search.');

    await page.getByTestId('search-input').fill('');
    await page.locator(`.ag-floating-filter[col-id="${name}"] input`).fill('');
    await expectRowCount(page, DATA.length);
    await expect(page.locator('.status-note').count()).resolves.toBe(0);
  });

  it('the filter menu of a number column: "Greater than" keeps exactly the larger values', async () => {
    const { page } = app;
    const employees = await columnId(page, 'Employees');
    await page
      .locator(`.ag-floating-filter[col-id="${employees}"] .ag-floating-filter-button button`)
      .click();
    const menu = page.locator('.ag-filter-wrapper');
    await menu.waitFor();
    await menu.getByRole('combobox', { name: 'Filtering operator' }).first().click();
    await page.getByRole('option', { name: 'Greater than', exact: true }).click();
    await menu.getByLabel('Filter Value', { exact: true }).first().fill('9000');
    const big = byEmployees(-1).filter((c) => c.employees > 9000);
    await expectRowCount(page, big.length);
    await expectFirstRows(page, employees, employeesOf(big.slice(0, 5)));
    for (const value of await renderedColumn(page, employees)) expect(Number(value)).toBeGreaterThan(9000);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });

    await page
      .locator(`.ag-floating-filter[col-id="${employees}"] .ag-floating-filter-button button`)
      .click();
    await menu.getByRole('button', { name: 'Reset' }).click();
    await expectRowCount(page, DATA.length);
    await page.keyboard.press('Escape');
  });

  it('deleting selected rows removes them and updates the row count', async () => {
    const { page } = app;
    const name = await columnId(page, 'Name');
    await expect.poll(() => renderedColumn(page, name).then((v) => v.length)).toBeGreaterThan(3);
    const doomed = (await renderedColumn(page, name)).slice(0, 3);

    for (let i = 0; i < 3; i++)
      await page.locator(`.ag-row[row-index="${i}"] .ag-selection-checkbox input`).first().check();
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toBe('3 selected');
    await page.getByTestId('toolbar-delete-rows').click();
    expect(await page.getByTestId('confirm-dialog').textContent()).toContain('Delete 3 rows from Companies?');
    await page.getByTestId('confirm-ok').click();

    await expectRowCount(page, DATA.length - 3);
    await expect.poll(() => page.getByTestId('toast-success').textContent()).toContain('3 rows deleted');
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toBe('');
    await expect
      .poll(() => page.locator('.table-item[data-table-name="Companies"] .table-count').textContent())
      .toBe(String(DATA.length - 3));
    const remaining = await renderedColumn(page, name);
    for (const gone of doomed) expect(remaining).not.toContain(gone);
    // A search for a deleted company (by its unique email) finds nothing.
    const email = DATA.find((c) => c.name === doomed[0])?.email as string;
    await page.getByTestId('search-input').fill(email);
    await expectRowCount(page, 0);
    await page.getByTestId('search-input').fill('');
    await expectRowCount(page, DATA.length - 3);
  });
});
