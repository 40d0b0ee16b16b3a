// Importing through the wizard, as a user does it in the browser: choose a file, check
// what was detected, map the columns, run, read the result, and find the rows in the grid.
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companies, writeCompaniesCsv, writeCsv } from './fixtures';
import { cell, columnId, columnNames, expectRowCount, header, openTable } from './grid';
import { cli, type E2eApp, startE2eApp } from './harness';

const PREPARED = companies(40);

describe('import wizard', () => {
  let app: E2eApp;

  beforeAll(async () => {
    app = await startE2eApp((workbook) => {
      const file = join(dirname(workbook), 'companies.csv');
      writeCompaniesCsv(file, PREPARED);
      cli(workbook, ['import', file, '--table', 'Companies']);
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('imports a semicolon CSV into a new table with a skipped column and a retyped one, reporting the bad line', async () => {
    const { page } = app;
    // 300 data lines; line 151 of the file (data row 150) has one field too many.
    const BAD_ROW = 150;
    const rows: (string | number)[][] = [['Name', 'Employees', 'Founded', 'Email', 'Internal notes', 'Zip']];
    for (let i = 1; i <= 300; i++) {
      const row = [
        i === 1 ? 'Acme; Holdings 1' : `Prospect ${i}`,
        i * 3,
        `2001-02-${String((i % 28) + 1).padStart(2, '0')}`,
        `p${i}@prospect.example`,
        `do not import ${i}`,
        10_000 + i * 37,
      ];
      if (i === BAD_ROW) row.push('stray field');
      rows.push(row);
    }
    const file = join(app.dir, 'prospects.csv');
    writeCsv(file, rows, ';');

    await page.getByTestId('toolbar-import').click();
    await page.getByTestId('import-file-input').setInputFiles(file);
    await page.getByTestId('import-preview').waitFor();

    // What the app detected: the delimiter, the header row, the column types.
    expect(await page.getByTestId('import-delimiter').inputValue()).toBe(';');
    expect(await page.getByTestId('import-has-header').isChecked()).toBe(true);
    expect(await page.locator('.preview-table thead th').allTextContents()).toEqual([
      '#',
      'Name',
      'Employees',
      'Founded',
      'Email',
      'Internal notes',
      'Zip',
    ]);
    expect(await page.locator('.preview-table tbody tr').first().locator('td').nth(1).textContent()).toBe(
      'Acme; Holdings 1',
    );
    const guessed = [];
    for (let i = 0; i < 6; i++) guessed.push(await page.getByTestId(`import-map-${i}-type`).inputValue());
    expect(guessed).toEqual(['text', 'number', 'date', 'email', 'text', 'number']);
    expect(await page.getByTestId('import-target-new-name').inputValue()).toBe('prospects');

    // The user's choices: a table name, skip the notes, keep Zip codes as text.
    await page.getByTestId('import-target-new-name').fill('Prospects');
    await page.getByTestId('import-map-4').selectOption('skip');
    await page.getByTestId('import-map-5-type').selectOption('text');
    await page.getByTestId('import-start').click();

    const result = page.getByTestId('import-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getAttribute('data-status')).toBe('done');
    expect(await page.getByTestId('import-inserted').textContent()).toBe('299');
    expect(await page.getByTestId('import-skipped').textContent()).toBe('0');
    const problems = await page.getByTestId('import-problems').locator('li').allTextContents();
    expect(problems).toEqual([`Line ${BAD_ROW + 1} 7 fields, expected 6`]);
    await page.getByTestId('import-close').click();
    await page.getByTestId('import-dialog').waitFor({ state: 'detached' });

    // The new table is open, complete, without the skipped column, Zip typed as text.
    await expect.poll(() => page.getByTestId('table-title').textContent()).toBe('Prospects');
    await expectRowCount(page, 299);
    expect(await page.locator('.table-item[data-table-name="Prospects"] .table-count').textContent()).toBe(
      '299',
    );
    expect(await columnNames(page)).toEqual(['Name', 'Employees', 'Founded', 'Email', 'Zip']);
    expect(await header(page, 'Zip').locator('.header-type').getAttribute('title')).toBe('text');
    expect(await header(page, 'Employees').locator('.header-type').getAttribute('title')).toBe('number');
    const expected: Record<string, string> = {
      Name: 'Acme; Holdings 1',
      Employees: '3',
      Founded: '2001-02-02',
      Email: 'p1@prospect.example',
      Zip: '10037',
    };
    for (const [column, value] of Object.entries(expected)) {
      const id = await columnId(page, column);
      await expect.poll(() => cell(page, 0, id).textContent()).toBe(value);
    }
    // The malformed line was left out, its neighbours were not.
    await page.getByTestId('search-input').fill('Prospect 150');
    await expectRowCount(page, 0);
    await page.getByTestId('search-input').fill('Prospect 151');
    await expectRowCount(page, 1);
    await page.getByTestId('search-input').fill('');
    await expectRowCount(page, 299);
  });

  it('cancelling a running import of a large file leaves the table as it was', async () => {
    const { page } = app;
    const big = join(app.dir, 'big.csv');
    const list = companies(10_000);
    const lines: (string | number)[][] = [['Name', 'Employees', 'Founded', 'Email', 'City']];
    for (let i = 0; i < 600_000; i++) {
      const c = list[i % list.length];
      if (c) lines.push([`${c.name} #${i}`, c.employees, c.founded, c.email, c.city]);
    }
    writeCsv(big, lines);

    await openTable(page, 'Companies');
    await expectRowCount(page, PREPARED.length);

    await page.getByTestId('toolbar-import').click();
    await page.getByTestId('import-file-input').setInputFiles(big);
    await page.getByTestId('import-preview').waitFor({ timeout: 30_000 });
    await page.getByTestId('import-target-kind-existing').check();
    await page.getByTestId('import-target-existing').selectOption({ label: 'Companies' });
    // Every source column lands in the same-named column of Companies.
    for (let i = 0; i < 5; i++)
      expect(await page.getByTestId(`import-map-${i}`).inputValue()).toMatch(/^c\d+$/);
    await page.getByTestId('import-start').click();
    // Cancel once rows are being written (inside the import's open transaction).
    await expect
      .poll(() => page.getByTestId('import-progress').textContent(), { timeout: 30_000, interval: 20 })
      .toMatch(/\b[1-9][\d,]* rows\b/);
    await page.getByTestId('import-cancel').click();

    const result = page.getByTestId('import-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getAttribute('data-status')).toBe('cancelled');
    expect(await result.locator('h3').textContent()).toBe('Import cancelled');
    await page.getByTestId('import-close').click();

    await expectRowCount(page, PREPARED.length);
    expect(await page.locator('.table-item[data-table-name="Companies"] .table-count').textContent()).toBe(
      String(PREPARED.length),
    );
    const name = await columnId(page, 'Name');
    await expect.poll(() => cell(page, 0, name).textContent()).toBe(PREPARED[0]?.name);
    // Nothing half-written either: the CLI sees the same rows.
    expect(cli(app.workbook, ['tables'])).toMatch(new RegExp(`^Companies\\t${PREPARED.length} rows`, 'm'));
  });
});
