// Actions that add rows to other tables, through the real Add column form in Chromium,
// against the loopback Enrich Layer fake: "Add contacts from LinkedIn" with its filters
// set in the form (title keyword, a seniority checkbox, the most per company) adds only
// the matching people to Contacts, charged per contact added; "Company jobs" with its
// Jobs table option fills a Jobs table that appears in the sidebar.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretStore } from '../../src/main/secrets/secret-store';
import { LINKEDIN_KEYS, type LinkedInFake, startLinkedInFake } from '../fakes/linkedin-providers';
import { cell, columnId, expectRowCount, openTable } from './grid';
import { cli, type E2eApp, startE2eApp } from './harness';

describe('linked rows from the Add column form', () => {
  let app: E2eApp;
  let fake: LinkedInFake;

  beforeAll(async () => {
    fake = await startLinkedInFake();
    app = await startE2eApp(
      (workbook) => {
        const file = join(dirname(workbook), 'companies.csv');
        writeFileSync(
          file,
          'Name,LinkedIn URL\nAcme Robotics,https://www.linkedin.com/company/acme\nNobody,https://www.linkedin.com/company/nobody-inc\n',
        );
        cli(workbook, ['import', file, '--table', 'Companies']);
        SecretStore.inFolder(dirname(workbook)).set('provider:enrichlayer', LINKEDIN_KEYS.enrichlayer);
      },
      { ROWSMITH_PROVIDER_URLS: JSON.stringify(fake.baseUrls) },
    );
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('Add contacts: only the people the form’s filters pick become Contacts rows', async () => {
    const { page } = app;
    await openTable(page, 'Companies');
    await expectRowCount(page, 2);
    await page.getByTestId('toolbar-add-column').click();
    await page.getByTestId('add-column-enrichment').click();
    await page.getByTestId('add-column-name').fill('People');
    await page.getByTestId('add-column-action').selectOption('company.employees');
    await page.getByTestId('add-column-input-companyUrl').selectOption({ label: 'LinkedIn URL' });
    await page.getByTestId('add-column-option-maxCount').fill('5');
    await page.getByTestId('add-column-option-titleKeywords').fill('sales');
    await page.getByTestId('add-column-option-seniority-director').check();
    await page.getByTestId('add-column-submit').click();

    const run = page.getByTestId('run-dialog');
    // Two companies, at most five contacts each, one credit a contact.
    await expect
      .poll(() => run.getByTestId('run-quote-main').textContent())
      .toBe('2 rows to run · at most 10 credits');
    await run.getByTestId('run-confirm').click();
    await run.waitFor({ state: 'detached' });

    const added = await columnId(page, 'Contacts added');
    await expect.poll(() => cell(page, 0, added).locator('.cell-enriched-value').textContent()).toBe('1');
    // The filters went to the provider (title keyword) and were applied after it (seniority).
    const asked = fake.calls.find((c) => c.path.startsWith('/api/v2/company/employees'));
    expect(asked?.query.get('boolean_role_search')?.toLowerCase()).toContain('"sales"');

    await openTable(page, 'Contacts');
    await expectRowCount(page, 1);
    const first = await columnId(page, 'First Name');
    const title = await columnId(page, 'Title');
    expect(await cell(page, 0, first).textContent()).toBe('Max');
    expect(await cell(page, 0, title).textContent()).toContain('Sales Director');
    await expect.poll(() => page.getByTestId('credit-meter').textContent()).toMatch(/^9,999 \//);
  });

  it('Company jobs with the Jobs table option: a Jobs table appears, one row per job', async () => {
    const { page } = app;
    await openTable(page, 'Companies');
    await page.getByTestId('toolbar-add-column').click();
    await page.getByTestId('add-column-enrichment').click();
    await page.getByTestId('add-column-name').fill('Jobs');
    await page.getByTestId('add-column-action').selectOption('company.jobs');
    await page.getByTestId('add-column-input-linkedinUrl').selectOption({ label: 'LinkedIn URL' });
    await page.getByTestId('add-column-option-expandToTable').check();
    await page.getByTestId('add-column-submit').click();
    const run = page.getByTestId('run-dialog');
    await run.getByTestId('run-confirm').click();
    await run.waitFor({ state: 'detached' });

    const count = await columnId(page, 'Open jobs');
    await expect.poll(() => cell(page, 0, count).locator('.cell-enriched-value').textContent()).toBe('3');
    await openTable(page, 'Jobs');
    await expectRowCount(page, 3);
    const jobTitle = await columnId(page, 'Title');
    const titles = [];
    for (let i = 0; i < 3; i++) titles.push(await cell(page, i, jobTitle).textContent());
    expect(titles.sort()).toEqual(['Field Technician', 'Robotics Engineer', 'Sales Manager']);
  });
});
