import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';
import { startHttpFake } from '../fakes/http-fake';
import { tempDir } from '../helpers/temp';

let dir: { path: string; cleanup(): void };
let stdout: string;
let stderr: string;

beforeEach(() => {
  dir = tempDir();
  // `run` spends credits through the embedded licensing server in the user data folder.
  process.env.ROWSMITH_USER_DATA = dir.path;
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
  delete process.env.ROWSMITH_USER_DATA;
  vi.restoreAllMocks();
  dir.cleanup();
});

const workbook = () => join(dir.path, 'book.rowsmith');

describe('rowsmith CLI', () => {
  it('creates a missing workbook and lists its tables', async () => {
    expect(await main(['tables', '--workbook', workbook()])).toBe(0);
    expect(existsSync(workbook())).toBe(true);
    expect(stdout).toMatch(/^Companies\t0 rows\tName \(text\)/m);
    expect(stdout).toMatch(/^Contacts\t0 rows\t.*Company \(number\)/m);
  });

  it('imports a CSV, then exports it back to CSV and XLSX with formulas neutralised', async () => {
    const csv = join(dir.path, 'leads.csv');
    writeFileSync(csv, 'Name;Score;Note\nAcme;12;=HYPERLINK("http://x")\nGlobex;7;fine\n');
    expect(await main(['import', csv, '--workbook', workbook(), '--table', 'Leads'])).toBe(0);
    expect(stdout).toContain('2 inserted');

    const out = join(dir.path, 'out.csv');
    expect(
      await main([
        'export',
        '--workbook',
        workbook(),
        '--table',
        'Leads',
        '--out',
        out,
        '--sort',
        'Score:asc',
      ]),
    ).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(
      '\ufeffName,Score,Note\r\nGlobex,7,fine\r\nAcme,12,"\'=HYPERLINK(""http://x"")"\r\n',
    );

    const xlsx = join(dir.path, 'out.xlsx');
    expect(
      await main([
        'export',
        '--workbook',
        workbook(),
        '--table',
        'Leads',
        '--out',
        xlsx,
        '--columns',
        'Name,Score',
      ]),
    ).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsx);
    const sheet = book.worksheets[0];
    expect(sheet?.getRow(2).values).toEqual([undefined, 'Acme', 12]);
  });

  it('imports into an existing table by column name, skipping duplicates by key', async () => {
    const csv = join(dir.path, 'companies.csv');
    writeFileSync(csv, 'Name,Website,Employees\nAcme,acme.example,10\nAcme,other.example,11\n');
    expect(
      await main(['import', csv, '--workbook', workbook(), '--table', 'Companies', '--key', 'Name']),
    ).toBe(0);
    expect(stdout).toContain('1 inserted, 0 updated, 1 skipped');
    stdout = '';
    await main(['tables', '--workbook', workbook()]);
    expect(stdout).toMatch(
      /^Companies\t1 rows\tName \(text\), Website \(url\), LinkedIn URL \(url\), Employees \(number\)/m,
    );
  });

  it('fails with a message on stderr and a non-zero exit', async () => {
    expect(
      await main(['import', join(dir.path, 'missing.csv'), '--workbook', workbook(), '--table', 'X']),
    ).toBe(1);
    expect(stderr).toMatch(/rowsmith: /);
    expect(
      await main(['export', '--workbook', workbook(), '--table', 'Nope', '--out', join(dir.path, 'x.csv')]),
    ).toBe(1);
    expect(stderr).toContain('There is no table named “Nope”');
    expect(await main(['import', '--workbook', workbook()])).toBe(2);
    expect(await main(['frobnicate', '--workbook', workbook()])).toBe(2);
    expect(await main(['tables'])).toBe(2);
  });

  it('adds an HTTP request column and runs it with a quote, then runs only what failed', async () => {
    let fail = true;
    const fake = await startHttpFake({
      handler: (req) => {
        const name = new URL(req.url, 'http://x').searchParams.get('name') ?? '';
        if (name === 'Initech' && fail) return { status: 400, body: '{"error":"nope"}' };
        return { status: 200, body: JSON.stringify({ domain: `${name.toLowerCase()}.example` }) };
      },
    });
    try {
      const csv = join(dir.path, 'co.csv');
      writeFileSync(csv, 'Name\nAcme\nGlobex\nInitech\n');
      expect(await main(['import', csv, '--workbook', workbook(), '--table', 'Leads'])).toBe(0);
      const config = JSON.stringify({
        options: {
          method: 'GET',
          url: `${fake.url}/domain?name={{Name}}`,
          outputs: [{ key: 'domain', path: 'domain' }],
          ratePerSecond: 100,
        },
      });
      const add = ['columns', 'add', '--workbook', workbook(), '--table', 'Leads'];
      expect(await main([...add, '--name', 'Domain', '--action', 'http.request', '--config', config])).toBe(
        0,
      );
      expect(stdout).toContain('Added “Domain” to Leads (1 output column)');

      const run = ['run', '--workbook', workbook(), '--table', 'Leads', '--column', 'Domain'];
      expect(await main([...run, '--max-credits', '2'])).toBe(1);
      expect(stderr).toContain('3 rows to run');
      expect(stderr).toContain('more than --max-credits 2');
      expect(fake.requests).toBe(0);

      stdout = '';
      expect(await main(run)).toBe(0);
      expect(stdout).toContain('Domain: done — 2 done, 0 not found, 1 errors');
      expect(stdout).toContain('2 credits charged');
      fail = false;
      stdout = '';
      expect(await main([...run, '--scope', 'failed'])).toBe(0);
      expect(stdout).toContain('1 done');
      expect(fake.requests).toBe(4);

      const out = join(dir.path, 'leads.csv');
      expect(await main(['export', '--workbook', workbook(), '--table', 'Leads', '--out', out])).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain('Initech,initech.example');
      expect(await main([...run, '--scope', 'sideways'])).toBe(2);
      expect(await main(['run', '--workbook', workbook(), '--table', 'Leads', '--column', 'Nope'])).toBe(1);
    } finally {
      await fake.close();
    }
  });
});
