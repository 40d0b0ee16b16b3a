// Credits in the real UI, against the embedded licensing server the web shell starts
// (its demo organisation here gets 12 credits): the meter is always there, a run stops
// spending at zero with its cells marked out of credits, the banner says why and when
// they go on, and "Request more credits" files a capacity request on the server.
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpFake, startHttpFake } from '../fakes/http-fake';
import { companies, writeCompaniesCsv } from './fixtures';
import { addHttpColumn, cell, columnId, expectRowCount, openTable } from './grid';
import { cli, type E2eApp, startE2eApp } from './harness';

const DATA = companies(30);
const SHOTS = process.env.ROWSMITH_SCREENSHOTS;

describe('credits', () => {
  let app: E2eApp;
  let fake: HttpFake;

  beforeAll(async () => {
    fake = await startHttpFake({ handler: () => ({ status: 200, body: '{"ok":"yes"}' }) });
    app = await startE2eApp(
      (workbook) => {
        const file = join(dirname(workbook), 'companies.csv');
        writeCompaniesCsv(file, DATA);
        cli(workbook, ['import', file, '--table', 'Leads']);
      },
      { ROWSMITH_DEMO_CREDITS: '12' },
    );
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('stops at zero, says why, and files a request for more', async () => {
    const { page } = app;
    await openTable(page, 'Leads');
    await expectRowCount(page, DATA.length);
    await expect
      .poll(() => page.getByTestId('credit-meter').textContent())
      .toMatch(/^12 \/ 12 credits · renews /);
    expect(await page.getByTestId('credit-meter').getAttribute('data-online')).toBe('true');

    const dialog = await addHttpColumn(page, {
      name: 'Checked',
      url: `${fake.url}/check?name={{Name}}`,
      path: 'ok',
    });
    await expect
      .poll(() => dialog.getByTestId('run-credits-left').textContent())
      .toMatch(/^12 credits left — rows past/);
    await dialog.getByTestId('run-confirm').click();

    await page.getByTestId('out-of-credits').waitFor({ timeout: 20_000 });
    expect(fake.requests).toBe(12);
    const checked = await columnId(page, 'Checked');
    await expect.poll(() => cell(page, 0, checked).textContent()).toBe('yes');
    await expect.poll(() => cell(page, 20, checked).textContent()).toBe('Out of credits');
    await expect.poll(() => page.getByTestId('credit-meter').textContent()).toMatch(/^0 \/ 12 credits/);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'out-of-credits.png') });

    await page.getByTestId('out-of-credits-request').click();
    const request = page.getByTestId('capacity-dialog');
    await request.getByTestId('capacity-credits').fill('5000');
    await request.getByTestId('capacity-message').fill('The Q3 list needs about 5,000 more lookups.');
    await request.getByTestId('capacity-submit').click();
    await request.waitFor({ state: 'detached' });

    // The Credits page lists the price of each action from the server's price list.
    await page.getByTestId('credit-meter').click();
    const credits = page.getByTestId('credits-dialog');
    await expect
      .poll(() => credits.getByTestId('price-http.request').textContent())
      .toMatch(/HTTP request.*1$/);
    expect(await credits.getByTestId('credits-server').textContent()).toMatch(/built-in demo server.*online/);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'credits.png') });
    await app.stop();

    const db = new Database(join(app.dir, 'licensing', 'licensing.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT credits, message, status FROM capacity_requests').all();
    db.close();
    expect(rows).toEqual([
      { credits: 5000, message: 'The Q3 list needs about 5,000 more lookups.', status: 'open' },
    ]);
  });
});
