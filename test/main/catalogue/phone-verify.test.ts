// "Verify phone": verdicts from libphonenumber's full metadata, as a column in a run
// (charged per check, an empty cell free), and on the command line.
import { columnKey } from '@shared/model';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main';
import { verifyPhone } from '../../../src/main/catalogue/phone-verify';
import { type FakeRequest, type HttpFake, startHttpFake } from '../../fakes/http-fake';
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

describe('Verify phone with Twilio Lookup', () => {
  let t: TestApp;
  let twilio: HttpFake;
  afterEach(async () => {
    await t.close();
    await twilio.close();
  });

  // Shapes from https://www.twilio.com/docs/lookup/v2-api/line-type-intelligence
  const answer = (phone: string, type: string | null, extra: Record<string, unknown> = {}) => ({
    calling_country_code: '1',
    country_code: 'US',
    phone_number: phone,
    national_format: '(415) 555-2671',
    valid: true,
    validation_errors: [],
    caller_name: null,
    line_type_intelligence: {
      carrier_name: 'Verizon Wireless',
      error_code: null,
      mobile_country_code: '311',
      mobile_network_code: '480',
      type,
      ...extra,
    },
    url: `https://lookups.twilio.com/v2/PhoneNumbers/${phone}`,
  });

  async function run(phones: string[]) {
    const table = await t.call('tables/create', { name: 'People' });
    const phone = await t.call('columns/add', { tableId: table.id, name: 'Phone', type: 'phone' });
    for (const p of phones)
      await t.call('rows/insert', { tableId: table.id, values: { [columnKey(phone.id)]: p } });
    const enrichment = await t.call('enrichments/add', {
      tableId: table.id,
      name: 'Phone check',
      config: {
        actionId: 'phone.verify',
        inputs: { phone: phone.id },
        options: { defaultCountry: 'US' },
        outputs: [
          { key: 'status', name: 'Phone status', type: 'text' },
          { key: 'canText', name: 'Can text', type: 'boolean' },
          { key: 'type', name: 'Line type', type: 'text' },
          { key: 'carrier', name: 'Carrier', type: 'text' },
          { key: 'reason', name: 'Why', type: 'text' },
        ],
      },
    });
    const started = await t.call('runs/start', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    const result = await t.app.engine.wait(started.id);
    const { rows } = await t.call('rows/block', { view: { tableId: table.id }, start: 0, end: 10 });
    const col = (key: string) => columnKey(enrichment.columns[key] as number);
    return {
      run: result,
      enrichment,
      rows: rows.map((r) => ({
        id: r.id,
        status: r.cells[col('status')],
        canText: r.cells[col('canText')],
        type: r.cells[col('type')],
        carrier: r.cells[col('carrier')],
        reason: r.cells[col('reason')],
      })),
    };
  }

  it('asks Twilio for the line type of valid numbers only, with the key as Basic auth', async () => {
    const seenRequests: FakeRequest[] = [];
    twilio = await startHttpFake({
      handler: (req) => {
        seenRequests.push(req);
        const phone = decodeURIComponent(req.url.split('?')[0]?.split('/').pop() ?? '');
        const type = phone === '+14155552671' ? 'mobile' : phone === '+12125550123' ? 'landline' : null;
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(answer(phone, type, type ? {} : { error_code: 60600 })),
        };
      },
    });
    t = await startTestApp({ providers: { baseUrls: { 'twilio-lookup': twilio.url } } });
    t.app.providers.setKey('twilio-lookup', 'AC123:secret-token');
    const { run: result, rows } = await run(['(415) 555-2671', '212 555 0123', '415 555 0000', 'nope']);
    expect(result).toMatchObject({ status: 'done', done: 4, credits: 4 });
    expect(rows[0]).toMatchObject({
      status: 'valid',
      canText: true,
      type: 'mobile',
      carrier: 'Verizon Wireless',
    });
    expect(rows[1]).toMatchObject({ status: 'valid', canText: false, type: 'landline' });
    // out of coverage (60600): the numbering plan's verdict stands, and says why
    expect(rows[2]).toMatchObject({ status: 'valid', canText: null, type: 'fixed line or mobile' });
    expect(String(rows[2]?.reason)).toMatch(/60600/);
    expect(rows[3]).toMatchObject({ status: 'invalid' });
    // the invalid number never left the computer
    expect(twilio.requests).toBe(3);
    const seen = seenRequests[0];
    expect(seen?.url).toContain('Fields=line_type_intelligence');
    expect(seen?.headers.authorization).toBe(`Basic ${Buffer.from('AC123:secret-token').toString('base64')}`);
  });

  it('makes a refused key an error cell that names the fix, and charges nothing for it', async () => {
    twilio = await startHttpFake({
      handler: () => ({
        status: 401,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          code: 20003,
          message: 'Authenticate',
          more_info: 'https://www.twilio.com/docs/errors/20003',
          status: 401,
        }),
      }),
    });
    t = await startTestApp({ providers: { baseUrls: { 'twilio-lookup': twilio.url } } });
    t.app.providers.setKey('twilio-lookup', 'AC123:wrong');
    const { run: result, rows, enrichment } = await run(['(415) 555-2671']);
    expect(result).toMatchObject({ errors: 1, credits: 0 });
    expect(rows[0]?.status).toBeNull();
    const audit = await t.call('cells/audit', { enrichmentId: enrichment.id, rowId: rows[0]?.id as number });
    expect(audit?.error).toMatch(/Twilio Lookup refused the API key \(401\).*Settings/);
    expect(audit?.error).not.toContain('wrong');
  });

  it('stays on this computer without a key', async () => {
    twilio = await startHttpFake({ handler: () => ({ status: 500, body: '' }) });
    t = await startTestApp({ providers: { baseUrls: { 'twilio-lookup': twilio.url } } });
    const { rows } = await run(['(415) 555-2671']);
    expect(rows[0]).toMatchObject({ status: 'valid', canText: null });
    expect(twilio.requests).toBe(0);
  });
});
