// The update banner in Chromium, through the real UpdateController, handlers and events;
// only electron-updater is replaced, at its boundary, by the web shell's scripted updater
// (ROWSMITH_FAKE_UPDATER): a check finds 0.2.0 with its notes, a download reports progress
// in steps. The banner offers the update with its release notes, shows the download's
// progress, and "Restart to update" waits — disabled, saying why — while a column runs.
// A failed download says why and can be tried again; About shows the channel and checks.
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpFake, startHttpFake } from '../fakes/http-fake';
import { companies, writeCompaniesCsv } from './fixtures';
import { addHttpColumn, expectRowCount, openTable } from './grid';
import { cli, type E2eApp, startE2eApp } from './harness';

const DATA = companies(30);
const NOTES = 'Faster imports.\nA Jobs table for company jobs.';

const updaterEnv = (script: Record<string, unknown>) => ({
  ROWSMITH_FAKE_UPDATER: JSON.stringify(script),
  // Any licensing server URL gives a feed; the scripted updater never fetches it.
  ROWSMITH_UPDATE_SERVER: 'http://127.0.0.1:9',
});

describe('update banner', () => {
  let app: E2eApp;
  let fake: HttpFake;

  beforeAll(async () => {
    // Slow answers keep a run going while the update is ready.
    fake = await startHttpFake({ latencyMs: 1_000, handler: () => ({ status: 200, body: '{"ok":"yes"}' }) });
    app = await startE2eApp(
      (workbook) => {
        const file = join(dirname(workbook), 'companies.csv');
        writeCompaniesCsv(file, DATA);
        cli(workbook, ['import', file, '--table', 'Leads']);
      },
      updaterEnv({ version: '0.2.0', notes: NOTES, steps: 5, stepMs: 300 }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('offers the update with its notes, downloads it with progress, and restarts only when no column runs', async () => {
    const { page } = app;
    await openTable(page, 'Leads');
    await expectRowCount(page, DATA.length);

    const banner = page.getByTestId('update-banner');
    await expect.poll(() => banner.getAttribute('data-state'), { timeout: 15_000 }).toBe('available');
    expect(await banner.textContent()).toContain('Rowsmith 0.2.0 is available');
    await banner.getByTestId('update-notes-toggle').click();
    expect(await page.getByTestId('update-notes').textContent()).toBe(NOTES);

    // A column starts running before the download ends.
    const run = await addHttpColumn(page, {
      name: 'Checked',
      url: `${fake.url}/check?name={{Name}}`,
      path: 'ok',
    });
    await run.getByTestId('run-confirm').click();
    await run.waitFor({ state: 'detached' });
    await fake.waitFor(() => fake.requests > 0, 15_000);

    await banner.getByTestId('update-download').click();
    await expect.poll(() => banner.getAttribute('data-state')).toBe('downloading');
    const progress = page.getByTestId('update-progress');
    await expect.poll(async () => Number(await progress.getAttribute('value'))).toBeGreaterThan(0);

    await expect.poll(() => banner.getAttribute('data-state'), { timeout: 15_000 }).toBe('downloaded');
    const restart = banner.getByTestId('update-restart');
    expect(await restart.isDisabled()).toBe(true);
    expect(await banner.getByTestId('update-blocked').textContent()).toContain('A column is running');

    // Stopping the run lets the restart go ahead.
    await page.keyboard.press('Control+.');
    await expect.poll(() => restart.isDisabled(), { timeout: 20_000 }).toBe(false);
    await restart.click();
    await expect.poll(() => banner.getAttribute('data-state')).toBe('installing');
    expect(await banner.textContent()).toContain('Restarting');
  });

  it('About shows the version, the channel, the update and the diagnostics', async () => {
    const { page } = app;
    await page.getByTestId('open-about').click();
    const about = page.getByTestId('about-dialog');
    await about.waitFor();
    expect(await about.getByTestId('about-version').textContent()).toContain('Rowsmith 0.1.0');
    expect(await about.getByTestId('about-channel').inputValue()).toBe('stable');
    expect(await about.getByTestId('about-update-status').textContent()).toContain(
      'Installing Rowsmith 0.2.0',
    );
    // Copy diagnostics: the report is collected in the main process and shown.
    await about.getByTestId('copy-diagnostics').click();
    await expect
      .poll(() => about.getByTestId('diagnostics-text').inputValue())
      .toMatch(/^## Rowsmith\nversion: 0\.1\.0 \(web shell\)/);
    await page.keyboard.press('Escape');
    await about.waitFor({ state: 'detached' });
  });
});

describe('a failed update download', () => {
  let app: E2eApp;

  beforeAll(async () => {
    app = await startE2eApp(
      undefined,
      updaterEnv({ version: '0.3.0', steps: 2, stepMs: 100, failDownload: 'sha512 checksum mismatch' }),
    );
  });
  afterAll(() => app?.close());

  it('says why, offers Try again, and the channel can be switched to beta', async () => {
    const { page } = app;
    const banner = page.getByTestId('update-banner');
    await expect.poll(() => banner.getAttribute('data-state'), { timeout: 15_000 }).toBe('available');
    await banner.getByTestId('update-download').click();
    await expect.poll(() => banner.getAttribute('data-state'), { timeout: 15_000 }).toBe('error');
    expect(await banner.getByTestId('update-error').textContent()).toBe(
      'The downloaded update was damaged (its checksum did not match). Download it again.',
    );
    await banner.getByTestId('update-retry').click();
    await expect.poll(() => banner.getAttribute('data-state')).toMatch(/downloading|error/);

    await page.getByTestId('open-about').click();
    const about = page.getByTestId('about-dialog');
    await about.getByTestId('about-channel').selectOption('beta');
    await expect.poll(() => about.getByTestId('about-update-status').textContent()).toContain('0.3.0');
    await expect.poll(() => about.getByTestId('about-channel').inputValue()).toBe('beta');
    // Opened again, About shows the channel the main process keeps.
    await page.keyboard.press('Escape');
    await about.waitFor({ state: 'detached' });
    await page.getByTestId('open-about').click();
    await expect.poll(() => about.getByTestId('about-channel').inputValue()).toBe('beta');
  });
});
