// A 100,000-row table scrolls to its last row: the grid fetches only the blocks on
// screen, and the last row it draws is the file's last line.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cell, columnId, expectRowCount } from './grid';
import { cli, type E2eApp, startE2eApp } from './harness';

const ROWS = 100_000;
const line = (i: number) => `Row ${i},${i * 11},row${i}@example.com`;

let app: E2eApp;

beforeAll(async () => {
  app = await startE2eApp((workbook) => {
    const file = join(dirname(workbook), 'hundred-thousand.csv');
    const lines = ['Label,Score,Email'];
    for (let i = 1; i <= ROWS; i++) lines.push(line(i));
    writeFileSync(file, `${lines.join('\n')}\n`);
    cli(workbook, ['import', file, '--table', 'Big list']);
  });
});
afterAll(async () => {
  await app?.close();
});

it('scrolls a 100,000-row table to its last row, which shows the last line of the file', async () => {
  const { page } = app;
  await page.locator('.table-item[data-table-name="Big list"]').click();
  await expect.poll(() => page.getByTestId('table-title').textContent()).toBe('Big list');
  await expectRowCount(page, ROWS);
  const label = await columnId(page, 'Label');
  const score = await columnId(page, 'Score');
  await expect.poll(() => cell(page, 0, label).textContent()).toBe('Row 1');

  const scroller = page.locator('.ag-body-vertical-scroll-viewport');
  await scroller.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  const last = page.locator(`.ag-row[row-index="${ROWS - 1}"]`);
  await last.first().waitFor({ timeout: 20_000 });
  await expect.poll(() => cell(page, ROWS - 1, label).textContent(), { timeout: 20_000 }).toBe(`Row ${ROWS}`);
  expect(await cell(page, ROWS - 1, score).textContent()).toBe(String(ROWS * 11));
  expect(await last.locator('.row-number').textContent()).toBe(ROWS.toLocaleString('en-US'));
  // Nothing past the end.
  expect(await page.locator(`.ag-row[row-index="${ROWS}"]`).count()).toBe(0);

  // And back to the top.
  await scroller.evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect.poll(() => cell(page, 0, label).textContent(), { timeout: 20_000 }).toBe('Row 1');
});
