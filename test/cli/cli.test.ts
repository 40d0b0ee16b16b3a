import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';
import { tempDir } from '../helpers/temp';

let dir: { path: string; cleanup(): void };
let stdout: string;
let stderr: string;

beforeEach(() => {
  dir = tempDir();
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
});
