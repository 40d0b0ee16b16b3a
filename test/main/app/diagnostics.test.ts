// "Copy diagnostics" through the real handler map (real SQLite workbook, real secret
// store, a log file on disk): the sections support needs are there, and no secret is —
// not a provider key (even one no pattern would recognise), not a token in a log line,
// not a table's name or a cell's value.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app';

// No digits: the shape rules would let it through; only the secret store knows it.
const ODD_KEY = 'hunter-key-of-a-shape-no-rule-knows';
const OPENAI_KEY = 'sk-proj-Zt3vQ9xL2mN8pR4sT6uW1yA5';

describe('diagnostics/collect', () => {
  let t: TestApp;
  let text: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.call('providers/set-key', { providerId: 'hunter', key: ODD_KEY });
    await t.call('providers/set-key', { providerId: 'openai', key: OPENAI_KEY });
    const table = await t.call('tables/create', { name: 'Secret Acquisition Targets' });
    const column =
      table.columns.find((c) => c.name === 'Name') ??
      (await t.call('columns/add', { tableId: table.id, name: 'Name', type: 'text' }));
    await t.call('rows/insert', { tableId: table.id, values: { [`c${column.id}`]: 'Confidential Corp' } });
    mkdirSync(join(t.dir, 'logs'), { recursive: true });
    writeFileSync(
      join(t.dir, 'logs', 'main.log'),
      [
        '[2026-12-02 10:00:00.000] [info]  (engine) run 4 started',
        `[2026-12-02 10:00:01.000] [warn]  (providers) hunter answered 401 for key ${ODD_KEY}`,
        '[2026-12-02 10:00:02.000] [warn]  (licensing) sync failed: Authorization: Bearer rs_dev_abcdefgh12345678',
        '',
      ].join('\n'),
    );
    ({ text } = await t.call('diagnostics/collect', {}));
  });
  afterAll(() => t?.close());

  it('has the sections support reads', () => {
    for (const heading of [
      '## Rowsmith',
      '## Workbook',
      '## Licensing and credits',
      '## Runs',
      '## Updates',
      '## Providers',
      '## Log',
    ])
      expect(text).toContain(heading);
    expect(text).toContain('version: test (cli shell)');
    expect(text).toMatch(/credits: \d+ of \d+ left/);
    expect(text).toMatch(/table \d+: companies, 0 rows,/);
    expect(text).toMatch(/table \d+: custom, 1 row, 1 column$/m);
    expect(text).toContain('with a key: ');
    expect(text).toMatch(/with a key: .*hunter/);
    expect(text).toMatch(/with a key: .*openai/);
    expect(text).toContain('run 4 started');
    expect(text).toContain('state: disabled');
  });

  it('never holds a key, a token, a table name or a cell value', () => {
    expect(text).not.toContain(ODD_KEY);
    expect(text).not.toContain(OPENAI_KEY);
    expect(text).not.toContain(OPENAI_KEY.slice(-4));
    expect(text).not.toContain('rs_dev_abcdefgh12345678');
    expect(text).not.toContain('Secret Acquisition Targets');
    expect(text).not.toContain('Confidential Corp');
    expect(text).toContain('hunter answered 401 for key [redacted]');
  });
});
