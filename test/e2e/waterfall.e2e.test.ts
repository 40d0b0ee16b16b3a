// The email waterfall in the real UI: import contacts, add a "Find email" column over
// loopback providers (the first finds nothing, the second refuses its key, the third
// finds the address), quote it, run it, and open a cell's audit to see who answered and
// the trail of every provider asked.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretStore } from '../../src/main/secrets/secret-store';
import { FAKE_EMAIL, type FinderFake, startFinderFake } from '../fakes/finder-providers';
import { cell, columnId, expectRowCount, openTable } from './grid';
import { cli, type E2eApp, startE2eApp } from './harness';

describe('Find email waterfall', () => {
  let app: E2eApp;
  let fake: FinderFake;

  beforeAll(async () => {
    fake = await startFinderFake();
    fake.set('hunter', 'not_found');
    fake.set('findymail', 'unauthorized');
    fake.set('prospeo', 'hit');
    app = await startE2eApp(
      (workbook) => {
        const file = join(dirname(workbook), 'people.csv');
        writeFileSync(file, 'First,Last,Domain\nAda,Lovelace,analytical.io\nCharles,Babbage,analytical.io\n');
        cli(workbook, ['import', file, '--table', 'Prospects']);
        // Keys as Settings → Providers stores them: encrypted in the user data folder.
        const secrets = SecretStore.inFolder(dirname(workbook));
        secrets.set('provider:hunter', 'hunter-key');
        secrets.set('provider:findymail', 'wrong-key');
        secrets.set('provider:prospeo', 'prospeo-key');
      },
      { ROWSMITH_PROVIDER_URLS: JSON.stringify(fake.baseUrls) },
    );
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('runs the providers in order, stops at the first hit, and shows the trail in the audit', async () => {
    const { page } = app;
    await openTable(page, 'Prospects');
    await expectRowCount(page, 2);
    await page.getByTestId('toolbar-add-column').click();
    await page.getByTestId('add-column-enrichment').click();
    await page.getByTestId('add-column-name').fill('Email finder');
    await page.getByTestId('add-column-action').selectOption('person.email.find');
    await page.getByTestId('add-column-input-firstName').selectOption({ label: 'First' });
    await page.getByTestId('add-column-input-lastName').selectOption({ label: 'Last' });
    await page.getByTestId('add-column-input-domain').selectOption({ label: 'Domain' });
    await page.getByTestId('add-column-submit').click();

    const dialog = page.getByTestId('run-dialog');
    await expect
      .poll(() => dialog.getByTestId('run-quote-main').textContent())
      .toBe('2 rows to run · at most 6 credits');
    await dialog.getByTestId('run-confirm').click();

    const email = await columnId(page, 'Email');
    await expect
      .poll(async () => [
        await cell(page, 0, email).locator('.cell-enriched-value').textContent(),
        await cell(page, 1, email).locator('.cell-enriched-value').textContent(),
      ])
      .toEqual([FAKE_EMAIL, FAKE_EMAIL]);
    // Each row asked hunter (nothing), findymail (refused), prospeo (found), and no one after.
    expect(fake.calls('hunter')).toHaveLength(2);
    expect(fake.calls('prospeo')).toHaveLength(2);
    expect(fake.calls('leadmagic')).toHaveLength(0);

    await cell(page, 0, email).hover();
    await cell(page, 0, email).getByTestId('cell-audit-button').click();
    const audit = page.getByTestId('audit-dialog');
    await expect.poll(() => audit.getByTestId('audit-status').getAttribute('data-status')).toBe('done');
    expect(await audit.getByTestId('audit-provider').textContent()).toBe('prospeo');
    expect(await audit.getByTestId('audit-credits').textContent()).toBe('3 credits');
    const trail = (await audit.getByTestId('audit-raw').textContent()) ?? '';
    expect(trail).toContain('hunter');
    expect(trail).toMatch(/findymail[\s\S]*refused the API key/);
    expect(trail).not.toContain('wrong-key');
    await audit.getByRole('button', { name: 'Close' }).first().click();
  });
});
