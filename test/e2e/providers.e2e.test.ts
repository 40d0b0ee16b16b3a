// Settings → Providers in the real UI: a key is set through the password field and
// shows only as "set …" with its last four characters (never in the page, never
// prefilled after a reload), Test connection reaches a loopback Twilio Lookup with the
// saved key, the key is removed again; a waterfall is reordered from the keyboard and
// keeps its order; and the Add column dialog warns when an action's providers have no key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpFake, startHttpFake } from '../fakes/http-fake';
import { openTable } from './grid';
import { type E2eApp, startE2eApp } from './harness';

const KEY = 'AC42:e2e-secret-token-7788';

describe('Settings → Providers', () => {
  let app: E2eApp;
  let twilio: HttpFake;

  beforeAll(async () => {
    // Twilio Lookup v2's basic lookup and its 20003 refusal, as documented
    // (https://www.twilio.com/docs/lookup/v2-api).
    twilio = await startHttpFake({
      handler: (req) =>
        req.headers.authorization === `Basic ${Buffer.from(KEY).toString('base64')}`
          ? {
              status: 200,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                calling_country_code: '1',
                country_code: 'US',
                phone_number: '+14155552671',
                national_format: '(415) 555-2671',
                valid: true,
                validation_errors: [],
                caller_name: null,
                line_type_intelligence: null,
                url: 'https://lookups.twilio.com/v2/PhoneNumbers/+14155552671',
              }),
            }
          : {
              status: 401,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }),
            },
    });
    app = await startE2eApp(undefined, {
      ROWSMITH_PROVIDER_URLS: JSON.stringify({ 'twilio-lookup': twilio.url }),
    });
  });
  afterAll(async () => {
    await app?.close();
    await twilio?.close();
  });

  const openProviders = async () => {
    const { page } = app;
    await page.getByTestId('toolbar-settings').click();
    await page.getByTestId('settings-providers').click();
    const dialog = page.getByTestId('providers-dialog');
    await dialog.getByTestId('provider-twilio-lookup').waitFor();
    return dialog;
  };

  it('sets a key, shows only its last four characters, tests it and removes it', async () => {
    const { page } = app;
    let dialog = await openProviders();
    // The web shell has no OS keychain: the screen says keys are protected by a key file.
    expect(await dialog.getByTestId('providers-protection').textContent()).toMatch(/key file/);
    const status = dialog.getByTestId('provider-key-status-twilio-lookup');
    expect(await status.textContent()).toBe('not set');

    const input = dialog.getByTestId('provider-key-input-twilio-lookup');
    expect(await input.getAttribute('type')).toBe('password');
    await input.fill(KEY);
    await dialog.getByTestId('provider-key-save-twilio-lookup').click();
    await expect.poll(() => status.textContent()).toBe('set …7788');
    expect(await input.inputValue()).toBe('');

    await dialog.getByTestId('provider-test-twilio-lookup').click();
    await expect
      .poll(() => dialog.getByTestId('provider-test-result-twilio-lookup').textContent())
      .toBe('✓ Twilio accepted the credentials.');
    expect(twilio.requests).toBe(1);

    // After a reload the key is still set, and the field is empty: the page never gets it.
    await page.reload();
    await page.getByTestId('app-ready').waitFor();
    dialog = await openProviders();
    await expect
      .poll(() => dialog.getByTestId('provider-key-status-twilio-lookup').textContent())
      .toBe('set …7788');
    expect(await dialog.getByTestId('provider-key-input-twilio-lookup').inputValue()).toBe('');
    expect(await page.content()).not.toContain('e2e-secret-token');

    await dialog.getByTestId('provider-key-remove-twilio-lookup').click();
    await page.getByTestId('confirm-ok').click();
    await expect
      .poll(() => dialog.getByTestId('provider-key-status-twilio-lookup').textContent())
      .toBe('not set');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('reorders a waterfall from the keyboard and keeps the order', async () => {
    const { page } = app;
    let dialog = await openProviders();
    const waterfall = dialog.locator('[data-testid^="waterfall-"][data-testid$="email.verify"]').first();
    await waterfall.waitFor();
    const order = () =>
      waterfall
        .locator('[data-testid^="waterfall-item-"]')
        .evaluateAll((items) => items.map((i) => i.getAttribute('data-testid')?.split('-').pop()));
    const before = await order();
    expect(before.length).toBeGreaterThan(1);
    const [first, second] = before;

    await waterfall.getByTestId(`waterfall-down-email.verify-${first}`).focus();
    await page.keyboard.press('Enter');
    await expect.poll(order).toEqual([second, first, ...before.slice(2)]);
    // Focus follows the moved provider, so it can keep moving from the keyboard.
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (globalThis as unknown as FocusedDocument).document.activeElement?.getAttribute('data-testid') ??
            null,
        ),
      )
      .toBe(`waterfall-down-email.verify-${first}`);

    await page.reload();
    await page.getByTestId('app-ready').waitFor();
    dialog = await openProviders();
    await expect
      .poll(() =>
        dialog
          .getByTestId('waterfall-email.verify')
          .locator('[data-testid^="waterfall-item-"]')
          .evaluateAll((items) => items.map((i) => i.getAttribute('data-testid')?.split('-').pop())),
      )
      .toEqual([second, first, ...before.slice(2)]);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('groups actions by table in Add column and warns when no provider has a key', async () => {
    const { page } = app;
    await openTable(page, 'Contacts');
    await page.getByTestId('toolbar-add-column').click();
    await page.getByTestId('add-column-enrichment').click();
    const select = page.getByTestId('add-column-action');
    const groups = await select.locator('optgroup').evaluateAll((g) => g.map((x) => x.getAttribute('label')));
    expect(groups[0]).toBe('Contacts');
    expect(groups).toContain('Any table');
    expect(await select.locator('optgroup[label="Contacts"] option').allTextContents()).toContain(
      'Verify email — 1 credit a result',
    );

    await select.selectOption('email.verify');
    await expect
      .poll(() => page.getByTestId('action-providers-warning').textContent())
      .toMatch(/^No provider has a key yet — Settings → Providers\. Until then only SMTP probe/);
  });
});

/** The page's document as far as this test reads it (the e2e tests compile without the DOM library). */
interface FocusedDocument {
  document: { activeElement: { getAttribute(name: string): string | null } | null };
}
