import type { RunScopeInput } from '@shared/enrichment';
import { columnKey, type TableInfo } from '@shared/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHttpFake } from '../../fakes/http-fake';
import { startTestApp, type TestApp } from '../../helpers/app';

type Fake = Awaited<ReturnType<typeof startHttpFake>>;

let t: TestApp;
let fake: Fake;
let table: TableInfo;
const N = 300;

/** The fake "company API": ids divisible by 10 are unknown (404), by 29 are bad requests (400). */
function companyApi(req: { url: string }) {
  const id = Number(new URL(req.url, 'http://x').searchParams.get('id'));
  if (id % 29 === 0) return { status: 400, body: JSON.stringify({ error: 'bad id' }) };
  if (id % 10 === 0) return { status: 404, body: JSON.stringify({ error: 'not found' }) };
  return { status: 200, body: JSON.stringify({ data: { size: id * 10, name: `Company ${id}` } }) };
}

beforeEach(async () => {
  t = await startTestApp({ engine: { concurrency: 8, timeoutMs: 5_000 } });
  fake = await startHttpFake({ handler: companyApi });
  table = await t.call('tables/create', { name: 'Accounts' });
  const name = table.columns[0]?.id as number;
  const insert = t.app.workbook.conn.prepare(`INSERT INTO rows_${table.id} (id, c${name}) VALUES (?, ?)`);
  t.app.workbook.conn.transaction(() => {
    for (let id = 1; id <= N; id++) insert.run(id, String(id));
  })();
  t.app.rows.changed(table.id);
});
afterEach(async () => {
  await t.close();
  await fake.close();
});

async function addColumn(opts: { condition?: string | null; ratePerSecond?: number } = {}) {
  return t.call('enrichments/add', {
    tableId: table.id,
    name: 'Company size',
    config: {
      actionId: 'http.request',
      options: {
        method: 'GET',
        url: `${fake.url}/company?id={{Name}}`,
        headers: {},
        body: null,
        outputs: [
          { key: 'size', path: 'data.size' },
          { key: 'company', path: 'data.name' },
        ],
        ratePerSecond: opts.ratePerSecond ?? 1000,
      },
      condition: opts.condition ?? null,
      outputs: [
        { key: 'size', name: 'Size', type: 'number' },
        { key: 'company', name: 'Company', type: 'text' },
      ],
    },
  });
}

async function runAndWait(enrichmentId: number, scope: RunScopeInput = { target: { kind: 'all' } }) {
  const run = await t.call('runs/start', { enrichmentId, scope });
  return t.app.engine.wait(run.id);
}

const ledgerTotal = () =>
  t.app.workbook.conn.prepare('SELECT COALESCE(SUM(credits), 0) FROM credit_ledger').pluck().get() as number;

describe('an HTTP request column', () => {
  it('fills every row, charging only successful outcomes', async () => {
    const enrichment = await addColumn();
    const quote = await t.call('enrichments/quote', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    expect(quote).toMatchObject({ rows: N, maxCredits: N, pricePerRow: 1 });
    const run = await runAndWait(enrichment.id);
    const badRequests = [...Array(N).keys()].map((i) => i + 1).filter((id) => id % 29 === 0).length;
    const notFound = [...Array(N).keys()]
      .map((i) => i + 1)
      .filter((id) => id % 10 === 0 && id % 29 !== 0).length;
    expect(run).toMatchObject({
      status: 'done',
      total: N,
      errors: badRequests,
      notFound,
      done: N - badRequests - notFound,
    });
    expect(run.credits).toBe(run.done);
    expect(ledgerTotal()).toBe(run.done);
    const { rows } = await t.call('rows/block', { view: { tableId: table.id }, start: 0, end: 5 });
    const size = enrichment.columns.size as number;
    expect(rows.map((r) => r.cells[columnKey(size)])).toEqual([10, 20, 30, 40, 50]);
    const audit = await t.call('cells/audit', { enrichmentId: enrichment.id, rowId: 29 });
    expect(audit).toMatchObject({ status: 'error', credits: 0 });
    expect(audit?.error).toMatch(/400/);
    expect(await t.call('cells/audit', { enrichmentId: enrichment.id, rowId: 10 })).toMatchObject({
      status: 'not_found',
      credits: 0,
    });
    expect(t.app.engine.creditStatus().consumed).toBe(run.done);
  });

  it('never pays twice: a re-run answers from the cache for free', async () => {
    const enrichment = await addColumn();
    const first = await runAndWait(enrichment.id);
    const calls = fake.requests;
    const again = await t.call('enrichments/quote', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    expect(again.alreadyDone).toBe(first.done + first.notFound);
    const forced = await runAndWait(enrichment.id, {
      target: { kind: 'rows', rowIds: [1, 2, 3, 10] },
      force: true,
    });
    expect(forced).toMatchObject({ done: 3, notFound: 1, cached: 4, credits: 0 });
    expect(fake.requests).toBe(calls);
    expect(await t.call('cells/audit', { enrichmentId: enrichment.id, rowId: 2 })).toMatchObject({
      status: 'done',
      cached: true,
      credits: 0,
    });
    expect(ledgerTotal()).toBe(first.done);
  });

  it('asks once for rows with the same input in one run, and charges once', async () => {
    const name = table.columns[0]?.id as number;
    t.app.workbook.conn.prepare(`UPDATE rows_${table.id} SET c${name} = '7'`).run();
    fake.setLatency(30);
    const enrichment = await addColumn();
    const run = await runAndWait(enrichment.id);
    expect(fake.requests).toBe(1);
    expect(run).toMatchObject({ done: N, credits: 1, cached: N - 1 });
    expect(ledgerTotal()).toBe(1);
  });

  it('skips rows the condition rejects, and quotes exactly what it runs', async () => {
    const enrichment = await addColumn({ condition: 'Name <= 100' });
    const quote = await t.call('enrichments/quote', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    expect(quote).toMatchObject({ rows: 100, skippedByCondition: N - 100 });
    const run = await runAndWait(enrichment.id);
    expect(run.total).toBe(100);
    expect(fake.requests).toBe(100);
    expect(await t.call('cells/audit', { enrichmentId: enrichment.id, rowId: 150 })).toMatchObject({
      status: 'skipped',
    });
  });

  it('stops at once: no call starts after Stop, nothing unfinished is charged', async () => {
    await fake.close();
    fake = await startHttpFake({ handler: companyApi, latencyMs: 150 });
    const enrichment = await addColumn();
    const run = await t.call('runs/start', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    await new Promise<void>((resolve) => {
      const off = t.app.events.subscribe((event, payload) => {
        if (event === 'run/progress' && (payload as { run: { done: number } }).run.done > 0) {
          off();
          resolve();
        }
      });
    });
    const stoppedAt = performance.now();
    await t.call('runs/stop', { runId: run.id });
    const final = await t.app.engine.wait(run.id);
    expect(final.status).toBe('stopped');
    expect(fake.log.filter((r) => r.at > stoppedAt + 5)).toEqual([]);
    expect(final.done).toBeLessThan(N);
    expect(ledgerTotal()).toBe(final.done);
    const statuses = t.app.workbook.conn
      .prepare('SELECT status, COUNT(*) AS n FROM cell_runs GROUP BY status')
      .all() as { status: string; n: number }[];
    expect(statuses.find((s) => s.status === 'cancelled')?.n).toBeGreaterThan(0);
    expect(statuses.find((s) => s.status === 'queued')).toBeUndefined();
  });

  it('marks rows out of credits instead of calling the provider once the allowance is spent', async () => {
    t.app.localLedger.setAllowance(20);
    const enrichment = await addColumn();
    const run = await runAndWait(enrichment.id, {
      target: {
        kind: 'rows',
        rowIds: [
          1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 25, 26, 27, 28,
        ],
      },
    });
    expect(run.done).toBe(20);
    expect(run.outOfCredits).toBe(6);
    expect(ledgerTotal()).toBe(20);
    expect(fake.requests).toBe(20);
    expect(t.app.engine.creditStatus().remaining).toBe(0);

    // A grant (here: a raised allowance): the cells that ran out go again by themselves.
    t.app.localLedger.setAllowance(100);
    const [resumedId] = await t.app.engine.resumeOutOfCredits();
    const resumed = await t.app.engine.wait(resumedId as number);
    expect(resumed).toMatchObject({ trigger: 'resume', total: 6, done: 6, credits: 6 });
    expect(ledgerTotal()).toBe(26);
    expect(await t.app.engine.resumeOutOfCredits()).toEqual([]);
  });

  it('turns a provider answering garbage into error cells, and finishes the run', async () => {
    fake.setHandler((req) => {
      const id = Number(new URL(req.url, 'http://x').searchParams.get('id'));
      if (id % 3 === 0) return { status: 200, body: '<html>Service temporarily unavailable</html>' };
      if (id % 3 === 1)
        return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"data": {"si' };
      return { status: 200, body: JSON.stringify({ data: { size: id, name: 'ok' } }) };
    });
    const enrichment = await addColumn();
    const run = await runAndWait(enrichment.id);
    expect(run).toMatchObject({ status: 'done', total: N, done: N / 3, errors: (2 * N) / 3, credits: N / 3 });
    const audit = await t.call('cells/audit', { enrichmentId: enrichment.id, rowId: 3 });
    expect(audit).toMatchObject({ status: 'error', credits: 0 });
    expect(audit?.error).toMatch(/not JSON/);
    expect(audit?.raw).toContain('<html>');
    const { rows } = await t.call('rows/get', { tableId: table.id, rowIds: [1, 2, 3] });
    expect(rows.map((r) => r.runs?.[String(enrichment.id)]?.status)).toEqual(['error', 'done', 'error']);
    expect(rows[1]?.cells[columnKey(enrichment.columns.size as number)]).toBe(2);
  });

  it('honours a 429 storm with Retry-After across the run, then fills every row', async () => {
    const storms: number[] = [];
    let until = 0;
    const limited = { status: 429, headers: { 'retry-after': '1' }, body: '{"error":"rate limited"}' };
    fake.setHandler((req) => {
      const id = Number(new URL(req.url, 'http://x').searchParams.get('id'));
      // Rows 50, 150 and 250 trip the limit: the provider asks for a one-second pause and
      // answers 429 to everything until it is over.
      if (id % 100 === 50 && storms.length < 3 && req.at >= until) {
        storms.push(req.at);
        until = req.at + 1_000;
        return limited;
      }
      return req.at < until ? limited : companyApi(req);
    });
    const enrichment = await addColumn();
    const run = await runAndWait(enrichment.id);
    expect(storms.length).toBeGreaterThan(0);
    // Nothing failed for the storms: every row got its real answer.
    expect(run.errors).toBe([...Array(N).keys()].filter((i) => (i + 1) % 29 === 0).length);
    expect(run.done + run.notFound + run.errors).toBe(N);
    // Once a 429 is answered, the run pauses the provider: only calls already on the way
    // (at most the concurrency, within a few ms) arrive before the Retry-After is over.
    for (const at of storms) {
      const during = fake.log.filter((r) => r.at > at + 50 && r.at < at + 950);
      expect(during).toEqual([]);
    }
  }, 20_000);

  it('stops its run before the enrichment is deleted; its columns stay as plain columns', async () => {
    await fake.close();
    fake = await startHttpFake({ handler: companyApi, latencyMs: 100 });
    const enrichment = await addColumn();
    const run = await t.call('runs/start', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    await fake.waitFor(() => fake.requests > 0);
    await t.call('enrichments/delete', { enrichmentId: enrichment.id });
    const deletedAt = performance.now();
    expect(await t.call('enrichments/list', { tableId: table.id })).toEqual([]);
    // Its runs and audit go with it.
    expect(await t.call('runs/list', {})).toEqual([]);
    // Calls already on their way may still arrive; none starts after: with 100 ms answers
    // at concurrency 8, a run still going would have sent a second wave by now.
    await new Promise((r) => setTimeout(r, 250));
    expect(fake.log.filter((r) => r.at > deletedAt + 20)).toEqual([]);
    expect(fake.requests).toBeLessThanOrEqual(8);
    const after = await t.call('tables/get', { tableId: table.id });
    expect(after.columns.map((c) => [c.name, c.enrichmentId])).toEqual([
      ['Name', null],
      ['Size', null],
      ['Company', null],
    ]);
    expect(run.id).toBeGreaterThan(0);
  });

  it('changes its condition for the next run', async () => {
    const enrichment = await addColumn();
    const updated = await t.call('enrichments/update', {
      enrichmentId: enrichment.id,
      condition: 'Name > 290',
    });
    expect(updated.config.condition).toBe('Name > 290');
    const quote = await t.call('enrichments/quote', {
      enrichmentId: enrichment.id,
      scope: { target: { kind: 'all' } },
    });
    expect(quote.rows).toBe(10);
    await expect(
      t.call('enrichments/update', { enrichmentId: enrichment.id, condition: 'Missing == 1' }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
