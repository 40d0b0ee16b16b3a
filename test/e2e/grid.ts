// How the end-to-end tests read and drive the grid and the status bar, in one place:
// AG Grid's DOM (col-id per column, row-index per row, the vertical scroll viewport)
// is an implementation detail that several tests would otherwise each repeat.
// Everything here waits for a condition; nothing sleeps.
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The header cell of the column named `name` (exactly). */
export function header(page: Page, name: string): Locator {
  return page.locator('.ag-header-cell[role="columnheader"][col-id]').filter({
    has: page.locator('.header-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }),
  });
}

/** The grid's col-id ("c12") of the column named `name`. */
export async function columnId(page: Page, name: string): Promise<string> {
  const id = await header(page, name).getAttribute('col-id', { timeout: 15_000 });
  if (!id) throw new Error(`No column “${name}” in the grid`);
  return id;
}

/** The names of the data columns the grid shows, left to right. */
export async function columnNames(page: Page): Promise<string[]> {
  return page.locator('.ag-header-cell[role="columnheader"][col-id^="c"] .header-name').allTextContents();
}

/** One cell (the row at `rowIndex` of the current view). */
export function cell(page: Page, rowIndex: number, colId: string): Locator {
  return page.locator(`.ag-row[row-index="${rowIndex}"] .ag-cell[col-id="${colId}"]`);
}

/** The text of one column in every row the grid has rendered, in view order. */
export async function renderedColumn(page: Page, colId: string): Promise<string[]> {
  const rows = await page.locator(`.ag-row[row-index]:has(.ag-cell[col-id="${colId}"])`).evaluateAll(
    (elements, id) =>
      elements.map((row) => ({
        index: Number(row.getAttribute('row-index')),
        text: row.querySelector(`.ag-cell[col-id="${id}"]`)?.textContent ?? '',
      })),
    colId,
  );
  return rows.sort((a, b) => a.index - b.index).map((r) => r.text);
}

/** The status bar's row count as the app words it ("1 row", "100,000 rows"). */
export const rowsLabel = (n: number): string => `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;

/** Waits until the status bar shows `n` rows in view. */
export async function expectRowCount(page: Page, n: number): Promise<void> {
  await expect
    .poll(() => page.getByTestId('row-count').textContent(), { timeout: 15_000 })
    .toBe(rowsLabel(n));
}

/** Waits until the first `expected.length` rows of the view show these values in `colId`. */
export async function expectFirstRows(page: Page, colId: string, expected: string[]): Promise<void> {
  await expect
    .poll(async () => (await renderedColumn(page, colId)).slice(0, expected.length), { timeout: 15_000 })
    .toEqual(expected);
}

/** Opens the table named `name` from the sidebar and waits for its rows. */
export async function openTable(page: Page, name: string): Promise<void> {
  await page.locator(`.table-item[data-table-name="${name}"]`).click();
  await expect.poll(() => page.getByTestId('table-title').textContent()).toBe(name);
  await expect.poll(() => page.getByTestId('row-count').textContent()).toMatch(/rows?$/);
}

/** Double-clicks a cell, types `text` over its value and presses Enter. */
export async function editCell(page: Page, target: Locator, text: string): Promise<void> {
  await target.dblclick();
  const editor = page.locator('.ag-cell-editor input, .ag-cell-edit-wrapper input').first();
  await editor.waitFor();
  await editor.press('ControlOrMeta+a');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await editor.waitFor({ state: 'detached' });
}

/**
 * Adds an HTTP request column through + Column → Enrichment (the URL a template over the
 * row, one field read by `path`, at `rate` calls a second when given) and returns the run
 * dialog the app then offers, still open.
 */
export async function addHttpColumn(
  page: Page,
  opts: { name: string; url: string; path: string; rate?: number },
): Promise<Locator> {
  await page.getByTestId('toolbar-add-column').click();
  await page.getByTestId('add-column-enrichment').click();
  await page.getByTestId('add-column-name').fill(opts.name);
  await page.getByTestId('add-column-action').selectOption('http.request');
  await page.getByTestId('http-url').fill(opts.url);
  await page.getByTestId('http-field-path-0').fill(opts.path);
  if (opts.rate !== undefined) await page.getByTestId('http-rate').fill(String(opts.rate));
  await page.getByTestId('add-column-submit').click();
  const dialog = page.getByTestId('run-dialog');
  await expect.poll(() => dialog.getAttribute('aria-label')).toBe(`Run “${opts.name}”`);
  return dialog;
}
