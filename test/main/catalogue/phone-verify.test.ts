// "Verify phone": verdicts from libphonenumber's full metadata, as a column in a run
// (charged per check, an empty cell free), and on the command line.
import { columnKey } from '@shared/model';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main';
import { verifyPhone } from '../../../src/main/catalogue/phone-verify';
import { startTestApp, type TestApp } from '../../helpers/app';

describe('verifyPhone', () => {
  it('tells mobile from fixed line, and says when only a carrier could tell', () => {
    expect(verifyPhone('+44 7400 123456')).toMatchObject({
      status: 'valid',
      e164: '+447400123456',
      country: 'GB',
      type: 'mobile',
      canCall: true,
      canText: true,
    });
    expect(verifyPhone('030 901820', 'de')).toMatchObject({
      status: 'valid',
      e164: '+4930901820',
      type: 'fixed line',
      canCall: true,
      canText: false,
    });
    const us = verifyPhone('(415) 555-2671', 'US');
    expect(us).toMatchObject({ status: 'valid', type: 'fixed line or mobile', canCall: true, canText: null });
    expect(us.reason).toMatch(/carrier lookup/);
  });

  it('refuses what is not a number, with the reason', () => {
    expect(verifyPhone('')).toMatchObject({ status: 'invalid', reason: 'The number is empty.' });
    expect(verifyPhone('call me maybe')).toMatchObject({ status: 'invalid', canCall: false, canText: false });
    expect(verifyPhone('+49 30 1')).toMatchObject({ status: 'invalid', canCall: false });
    expect(verifyPhone('0301234567')).toMatchObject({ status: 'invalid' }); // no country to read it by
    expect(verifyPhone('030 901820', 'Germany').reason).toMatch(/not a country code/);
  });
});

describe('a Verify phone column', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('fills the verdict into the chosen columns, charging each check and not the empty cells', async () => {
    t = await startTestApp();
    const table = await t.call('tables/create', { name: 'People' });
    const name = table.columns[0]?.id as number;
    const phone = await t.call('columns/add', { tableId: table.id, name: 'Phone', type: 'phone' });
    const people: [string, string][] = [
      ['Ana', '+44 7400 123456'],
      ['Ben', '030 901820'],
      ['Cy', ''],
      ['Di', 'nope'],
    ];
    for (const [n, p] of people) {
      await t.call('rows/insert', {
        tableId: table.id,
        values: { [columnKey(name)]: n, [columnKey(phone.id)]: p },
      });
    }
    const enrichment = await t.call('enrichments/add', {
      tableId: table.id,
      name: 'Phone check',
      config: {
        actionId: 'phone.verify',
        inputs: { phone: phone.id },
        options: { defaultCountry: 'DE' },
        outputs: [
          { key: 'status', name: 'Phone status', type: 'text' },
          { key: 'canText', name: 'Can text', type: 'boolean' },
          { key: 'e164', name: 'E.164', type: 'phone' },
        ],
      },
    });
    const started = await t.call('runs/start', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    const run = await t.app.engine.wait(started.id);
    expect(run).toMatchObject({ status: 'done', done: 3, notFound: 1, credits: 3 });
    const { rows } = await t.call('rows/block', { view: { tableId: table.id }, start: 0, end: 10 });
    const col = (key: string) => columnKey(enrichment.columns[key] as number);
    expect(rows.map((r) => [r.cells[col('status')], r.cells[col('canText')], r.cells[col('e164')]])).toEqual([
      ['valid', true, '+447400123456'],
      ['valid', false, '+4930901820'],
      [null, null, null],
      ['invalid', false, null],
    ]);
  });
});

describe('rowsmith verify-phone', () => {
  it('prints the verdict as JSON, with no workbook needed', async () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    try {
      expect(await main(['verify-phone', '+44 7400 123456'])).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ status: 'valid', canText: true, e164: '+447400123456' });
      out = '';
      expect(await main(['verify-phone', '030 901820', '--country', 'DE'])).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ status: 'valid', type: 'fixed line', canText: false });
    } finally {
      vi.restoreAllMocks();
    }
  });
});
