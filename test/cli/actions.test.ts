// `rowsmith actions`: every action of the catalogue, priced from the licensing server's
// default price list (with its unit), its tables and its providers with whether each
// needs a key — as a table for people and as JSON for scripts. No workbook needed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';
import { PROVIDERS } from '../../src/main/catalogue';
import { listActions } from '../../src/main/engine/actions';
import { DEFAULT_PRICE_LIST } from '../../src/server/prices';

let stdout: string;
let stderr: string;

beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('rowsmith actions', () => {
  it('prints every action as JSON, priced by the server price list with its unit', async () => {
    expect(await main(['actions', '--json'])).toBe(0);
    expect(stderr).toBe('');
    const listed = JSON.parse(stdout) as {
      id: string;
      name: string;
      runsAs: 'column' | 'import';
      price: { credits: number; unit: string };
      tables: string[] | null;
      providers: { id: string; name: string; needsKey: boolean }[];
      options: { key: string; type: string; default: unknown }[];
    }[];
    const actions = listActions();
    // Every column action, then the LinkedIn import, which fills a table instead.
    expect(listed.map((a) => a.id)).toEqual([...actions.map((a) => a.id), 'linkedin.import']);
    expect(listed.at(-1)).toMatchObject({
      runsAs: 'import',
      price: { credits: 1, unit: 'row imported' },
      tables: ['contacts', 'companies'],
      providers: [
        { id: 'pronto', name: 'Pronto', needsKey: true },
        { id: 'infoplug', name: 'InfoPlug', needsKey: true },
      ],
      options: [],
    });

    const prices = DEFAULT_PRICE_LIST as Record<string, { credits: number; unit: string }>;
    for (const a of listed.filter((x) => x.runsAs === 'column')) {
      const info = actions.find((x) => x.id === a.id);
      expect(a.name).toBe(info?.name);
      expect(a.price).toEqual(prices[a.id] ?? { credits: info?.price, unit: 'result' });
      expect(a.tables).toEqual(info?.tables?.length ? info.tables : null);
      expect(a.providers.map((p) => p.id)).toEqual(info?.providers ?? []);
      for (const p of a.providers) {
        const provider = PROVIDERS.find((x) => x.id === p.id);
        expect(p.needsKey, `${a.id}: ${p.id}`).toBe(provider?.needsKey ?? false);
      }
    }

    // Two actions whose facts this test knows: the HTTP request and Verify phone.
    expect(listed.find((a) => a.id === 'http.request')).toMatchObject({
      price: { credits: 1, unit: 'request' },
      tables: null,
      providers: [],
    });
    expect(listed.find((a) => a.id === 'phone.verify')?.price).toEqual({ credits: 1, unit: 'phone number' });
    // Options a script can set in --config, with their defaults.
    expect(listed.find((a) => a.id === 'company.jobs')?.options).toContainEqual(
      expect.objectContaining({ key: 'expandToTable', type: 'boolean', default: false }),
    );
    expect(listed.find((a) => a.id === 'http.request')?.options).toEqual([]);
  });

  it('prints a table a person can read, saying which providers need a key', async () => {
    expect(await main(['actions'])).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^ACTION\s+NAME\s+PRICE\s+TABLES\s+PROVIDERS$/);
    const http = lines.find((l) => l.startsWith('http.request '));
    expect(http).toMatch(/^http\.request\s+HTTP request\s+1 credit \/ request\s+any\s+—$/);
    // Each row lines up under the header.
    const priceAt = lines[0]?.indexOf('PRICE');
    expect(http?.indexOf('1 credit')).toBe(priceAt);
    for (const a of listActions()) expect(stdout).toContain(`${a.id} `);
    const keyed = listActions()
      .flatMap((a) => a.providers ?? [])
      .find((id) => PROVIDERS.find((p) => p.id === id)?.needsKey);
    if (keyed) expect(stdout).toContain(`${keyed} (key)`);
    expect(stdout).toContain('(key): the provider needs an API key');
    expect(lines.every((l) => l === l.trimEnd())).toBe(true);
  });

  it('is in the usage text', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(stdout).toContain('rowsmith actions [--json]');
  });
});
