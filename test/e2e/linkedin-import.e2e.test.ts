// Import from LinkedIn in Chromium, against a loopback Pronto and a loopback InfoPlug:
// paste a Sales Navigator search, see the quote (rows × price, credits left), import,
// watch it finish, and find the people as Contacts rows (or the companies of an account
// search as Companies rows), charged one credit each. A classic company search, which
// InfoPlug cannot read, is refused in the dialog with the reason, before anything is spent;
// Stop mid-import keeps (and has charged) the people that arrived and ends Pronto's search.
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretStore } from '../../src/main/secrets/secret-store';
import { fakeCompanies, type InfoPlugFake, startInfoPlugFake } from '../fakes/infoplug';
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
  let infoplug: InfoPlugFake;

  beforeAll(async () => {
    pronto = await startProntoFake({ key: 'pk-e2e', leads: LEADS, perPoll: 3 });
    infoplug = await startInfoPlugFake({ key: 'ip-e2e', companies: fakeCompanies(3), pollsToFinish: 2 });
    app = await startE2eApp(
      (workbook) => {
        const secrets = SecretStore.inFolder(dirname(workbook));
        secrets.set('provider:pronto', 'pk-e2e');
        secrets.set('provider:infoplug', 'ip-e2e');
      },
      { ROWSMITH_PROVIDER_URLS: JSON.stringify({ pronto: pronto.url, infoplug: infoplug.url }) },
    );
  });
  afterAll(async () => {
    await app?.close();
    await pronto?.close();
    await infoplug?.close();
  });

  it('refuses a company search InfoPlug cannot read, in the dialog, before anything is spent', async () => {
    const { page } = app;
    await openTable(page, 'Contacts');
    const dialog = await openImport(
      page,
      'https://www.linkedin.com/search/results/companies/?keywords=robots',
    );
    // A company search goes into the Companies table.
    await expect
      .poll(() => dialog.getByTestId('linkedin-import-table').locator('option:checked').textContent())
      .toBe('Companies');
    await expect
      .poll(() => dialog.locator('[role="alert"]').textContent())
      .toMatch(/InfoPlug reads Sales Navigator account searches/);
    expect(await dialog.getByTestId('linkedin-import-start').isDisabled()).toBe(true);
    expect(pronto.started).toHaveLength(0);
    expect(infoplug.started).toHaveLength(0);
    await dialog.getByTestId('linkedin-import-close').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('quotes, imports to the end and adds the people as Contacts rows, one credit each', async () => {
    const { page } = app;
    await openTable(page, 'Contacts');
    const dialog = await openImport(page, SEARCH, 10);
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

  it('imports the companies of a Sales Navigator account search into Companies', async () => {
    const { page } = app;
    await openTable(page, 'Contacts');
    const dialog = await openImport(
      page,
      'https://www.linkedin.com/sales/search/company?query=(keywords:robots)',
      5,
    );
    await expect
      .poll(() => dialog.getByTestId('linkedin-import-quote').textContent())
      .toMatch(
        /Up to 5 rows × 1 credit = 5 credits at most, through InfoPlug.*a company already in the table/,
      );
    expect(await dialog.getByTestId('linkedin-import-table').locator('option:checked').textContent()).toBe(
      'Companies',
    );
    await dialog.getByTestId('linkedin-import-start').click();
    const result = dialog.getByTestId('import-result');
    await expect.poll(() => result.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await result.getByTestId('import-inserted').textContent()).toBe('3');
    expect(infoplug.started[0]).toMatchObject({ limit: 5 });
    await dialog.getByTestId('linkedin-import-close').click();

    await openTable(page, 'Companies');
    await expectRowCount(page, 3);
    const name = await columnId(page, 'Name');
    const names = [];
    for (let i = 0; i < 3; i++) names.push(await cell(page, i, name).textContent());
    expect(names.sort()).toEqual(['Company 0', 'Company 1', 'Company 2']);
    await expect.poll(() => page.getByTestId('credit-meter').textContent()).toMatch(/^9,993 \//);
  });

  it('Stop keeps the people that arrived, says so, and ends the search on Pronto', async () => {
    const { page } = app;
    pronto.leads = Array.from({ length: 40 }, (_, i) => ({
      first_name: `Later${i}`,
      last_name: 'Person',
      title: 'CTO',
      linkedin_profile_url: `https://www.linkedin.com/in/later-${i}/`,
    }));
    pronto.perPoll = 1;
    await openTable(page, 'Contacts');
    const before = await creditsLeft(page);
    const dialog = await openImport(
      page,
      'https://www.linkedin.com/sales/search/people?query=(keywords:later)',
      40,
    );
    await expect.poll(() => dialog.getByTestId('linkedin-import-quote').textContent()).toMatch(/40 credits/);
    await dialog.getByTestId('linkedin-import-start').click();
    // The first person arrives, then Stop.
    await expectRowCount(page, 5);
    await dialog.getByTestId('import-cancel').click();
    const result = dialog.getByTestId('import-result');
    await expect.poll(() => result.getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    expect(await result.textContent()).toMatch(/The rows that arrived before the stop were kept/);
    const kept = Number(await result.getByTestId('import-inserted').textContent());
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(40);
    await expect.poll(() => pronto.deleted.length).toBe(1);
    await dialog.getByTestId('linkedin-import-close').click();
    await expectRowCount(page, 4 + kept);
    await expect.poll(() => creditsLeft(page)).toBe(before - kept);
  });
});

/** The credits left, as the status bar's meter shows them ("9,993 / …"). */
async function creditsLeft(page: E2eApp['page']): Promise<number> {
  const text = (await page.getByTestId('credit-meter').textContent()) ?? '';
  const match = /^([\d,]+) \//.exec(text);
  if (!match) throw new Error(`credit meter reads “${text}”`);
  return Number((match[1] as string).replace(/,/g, ''));
}

/** Opens Import from LinkedIn from the toolbar and fills the search URL (and the most rows). */
async function openImport(page: E2eApp['page'], searchUrl: string, maxRows?: number) {
  await page.getByTestId('toolbar-import-linkedin').click();
  const dialog = page.getByTestId('linkedin-import-dialog');
  await dialog.getByTestId('linkedin-import-url').fill(searchUrl);
  if (maxRows !== undefined) await dialog.getByTestId('linkedin-import-max').fill(String(maxRows));
  return dialog;
}
