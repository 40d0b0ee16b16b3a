// How long one row's call may take: the engine's default (30 s; 200 ms here), unless the
// action asks for its own. A column's request timeout is the call's; the catalogue's
// long calls (a waterfall over many providers, a model's answer, an SMTP probe that waits
// out greylisting) ask for more than the default, so they are not cut off halfway.
import { columnKey } from '@shared/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_NETWORK, type ProviderAccess } from '../../../src/main/catalogue/providers';
import { actionDefinition } from '../../../src/main/engine/actions';
import { type HttpFake, startHttpFake } from '../../fakes/http-fake';
import { startTestApp, type TestApp } from '../../helpers/app';

let t: TestApp;
let fake: HttpFake;
beforeEach(async () => {
  t = await startTestApp({ engine: { concurrency: 4, timeoutMs: 200 } });
  fake = await startHttpFake({ latencyMs: 500, handler: () => ({ status: 200, body: '{"ok":"yes"}' }) });
});
afterEach(async () => {
  await t.close();
  await fake.close();
});

async function run(timeoutMs?: number) {
  const table = await t.call('tables/create', { name: `Slow ${timeoutMs ?? 'default'}` });
  const name = table.columns.find((c) => c.name === 'Name')?.id as number;
  for (const n of ['a', 'b', 'c'])
    await t.call('rows/insert', { tableId: table.id, values: { [columnKey(name)]: n } });
  const enrichment = await t.call('enrichments/add', {
    tableId: table.id,
    name: 'Checked',
    config: {
      actionId: 'http.request',
      options: {
        method: 'GET',
        url: `${fake.url}/check?name={{Name}}`,
        headers: {},
        body: null,
        outputs: [{ key: 'ok', path: 'ok' }],
        ratePerSecond: 100,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      },
      outputs: [{ key: 'ok', name: 'Checked', type: 'text' }],
    },
  });
  const started = await t.call('runs/start', {
    enrichmentId: enrichment.id,
    scope: { target: { kind: 'all' } },
  });
  const finished = await t.app.engine.wait(started.id);
  const { rows } = await t.call('rows/block', { view: { tableId: table.id }, start: 0, end: 10 });
  const audit = await t.call('cells/audit', { enrichmentId: enrichment.id, rowId: rows[0]?.id as number });
  return { finished, audit };
}

describe('the time one call may take', () => {
  it("is the engine's default when the action asks for none", async () => {
    const { finished, audit } = await run();
    expect(finished).toMatchObject({ status: 'done', done: 0, errors: 3, credits: 0 });
    expect(audit?.error).toMatch(/No answer within 0\.2 s/);
  });

  it("is the column's own request timeout when it sets one, longer than the engine's", async () => {
    const { finished } = await run(3_000);
    expect(finished).toMatchObject({ status: 'done', done: 3, errors: 0 });
  });

  it('is longer than the default for the catalogue’s long calls', () => {
    const providers: ProviderAccess = {
      call: (p) => ({ key: 'k', baseUrl: p.baseUrl }),
      order: () => null,
      network: DEFAULT_NETWORK,
    };
    const prepared = (id: string, inputs: Record<string, string>, options: Record<string, unknown> = {}) =>
      actionDefinition(id).prepare(options, { inputs, providers });
    expect(prepared('person.email.find', { linkedinUrl: 'LinkedIn' }).timeoutMs).toBe(10 * 60_000);
    expect(
      prepared('ai.enrich', {}, { prompt: 'Say hi', outputType: 'text', model: 'gpt-4o-mini' }).timeoutMs,
    ).toBe(5 * 60_000);
    // The greylisting wait plus the SMTP steps of two sessions.
    const verify = prepared('email.verify', { email: 'Email' }, { greylistRetryMs: 20_000 }).timeoutMs ?? 0;
    expect(verify).toBeGreaterThan(20_000 + 10 * DEFAULT_NETWORK.smtpTimeoutMs);
  });
});
