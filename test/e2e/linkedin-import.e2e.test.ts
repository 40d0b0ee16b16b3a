// Import from LinkedIn in Chromium, against a loopback Pronto: paste a Sales Navigator
// search, see the quote (rows × price, credits left), import, watch it finish, and find
// the people as Contacts rows, charged one credit each. A company search is refused in
// the dialog with the reason, before anything is spent.
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretStore } from '../../src/main/secrets/secret-store';
import { type FakeLead, type ProntoFake, startProntoFake } from '../fakes/pronto';
import { cell, columnId, expectRowCount, openTable } from './grid';
import { type E2eApp, startE2eApp } from './harness';

const SEARCH =
  'https://www.linkedin.com/sales/search/people?query=(filters:List((type:CURRENT_TITLE,values:List((text:CTO)))))';
const LEADS: FakeLead[] = ['Ada', 'Grace', 'Alan', 'Edsger'].map((first, i) => ({
  first_name: first,
  last_name: `Person${i}`,
  title: 'CTO',
  linkedin_profile_url: `https://www.linkedin.com/in/person-${i}/`,
  company: {
    name: 'Acme',
    website: 'https://acme.example',
    linkedin_url: 'https://www.linkedin.com/company/acme',
  },
}));

describe('Import from LinkedIn', () => {
  let app: E2eApp;
  let pronto: ProntoFake;

  beforeAll(async () => {
    pronto = await startProntoFake({ key: 'pk-e2e', leads: LEADS, perPoll: 3 });
    app = await startE2eApp(
      (workbook) => SecretStore.inFolder(dirname(workbook)).set('provider:pronto', 'pk-e2e'),
      { ROWSMITH_PROVIDER_URLS: JSON.stringify({ pronto: pronto.url }) },
    );
  });
  afterAll(async () => {
    await app?.close();
    await pronto?.close();
  });

  it('refuses a company search in the dialog, before anything is spent', async () => {
    const { page } = app;
    await openTable(page, 'Contacts');
    await page.getByTestId('toolbar-import-linkedin').click();
    const dialog = page.getByTestId('linkedin-import-dialog');
    await dialog
      .getByTestId('linkedin-import-url')
      .fill('https://www.linkedin.com/search/results/companies/?keywords=robots');
    await expect.poll(() => dialog.locator('[role="alert"]').textContent()).toMatch(/compan/i);
    expect(await dialog.getByTestId('linkedin-import-start').isDisabled()).toBe(true);
    expect(pronto.started).toHaveLength(0);
    await dialog.getByTestId('linkedin-import-close').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('quotes, imports to the end and adds the people as Contacts rows, one credit each', async () => {
    const { page } = app;
    await openTable(page, 'Contacts');
    await page.getByTestId('toolbar-import-linkedin').click();
    const dialog = page.getByTestId('linkedin-import-dialog');
    await dialog.getByTestId('linkedin-import-url').fill(SEARCH);
    await dialog.getByTestId('linkedin-import-max').fill('10');
    await expect
      .poll(() => dialog.getByTestId('linkedin-import-quote').textContent())
      .toMatch(/Up to 10 rows × 1 credit = 10 credits at most, through Pronto/);
    await dialog.getByTestId('linkedin-import-start').click();

    const result = dialog.getByTestId('import-result');
    await expect.poll(() => result.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await result.getByTestId('import-inserted').textContent()).toBe('4');
    expect(pronto.started[0]).toMatchObject({ search_url: SEARCH, limit: 10 });
    await dialog.getByTestId('linkedin-import-close').click();

    await expectRowCount(page, 4);
    const first = await columnId(page, 'First Name');
    const names = [];
    for (let i = 0; i < 4; i++) names.push(await cell(page, i, first).textContent());
    expect(names.sort()).toEqual(['Ada', 'Alan', 'Edsger', 'Grace']);
    await expect.poll(() => page.getByTestId('credit-meter').textContent()).toMatch(/^9,996 \//);
  });
});
