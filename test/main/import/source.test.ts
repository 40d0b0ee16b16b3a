import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@shared/errors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  normaliseHeaders,
  type OpenSourceOptions,
  openTableSource,
  previewTableSource,
  type SourceRow,
} from '../../../src/main/import/source';
import { tempDir } from '../../helpers/temp';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir('rowsmith-source-');
});
afterEach(() => temp.cleanup());

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(temp.path, name);
  writeFileSync(path, bytes);
  return path;
}

const open = (path: string, opts: Partial<OpenSourceOptions> = {}) =>
  openTableSource(path, { fileName: path.split('/').pop() ?? '', hasHeader: true, ...opts });

async function readAll(path: string, opts: Partial<OpenSourceOptions> = {}) {
  const source = await open(path, opts);
  const rows: SourceRow[] = [];
  const problems: { line: number; reason: string }[] = [];
  for await (const batch of source.batches({ onProblem: (p) => problems.push(p) })) rows.push(...batch);
  return { source, rows, problems };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the promise to reject');
}

/** A minimal stored zip with the given entry names (enough for the central directory). */
function zipWith(names: string[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n);
    centrals.push(central, n);
    offset += 30 + n.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('files that are not tables', () => {
  const cases: [string, Buffer, RegExp][] = [
    [
      'report.pdf',
      Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'),
      /PDF document/,
    ],
    [
      'logo.png',
      Buffer.from([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0,
      ]),
      /PNG image/,
    ],
    [
      'old.xls',
      Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]),
      /\.xls/,
    ],
    [
      'data.csv',
      Buffer.from([0x01, 0x02, 0x00, 0x00, 0x9c, 0x00, 0x41, 0x42, 0x00, 0x07, 0xff, 0x00, 0x00, 0x10]),
      /binary/,
    ],
    ['letter.xlsx', zipWith(['[Content_Types].xml', 'word/document.xml']), /Word document/],
    ['archive.zip', zipWith(['a.txt', 'b.txt']), /ZIP archive/],
  ];
  for (const [name, bytes, what] of cases) {
    it(`refuses ${name} with a clear not_a_table message`, async () => {
      const error = await rejection(open(file(name, bytes)));
      expect(error.code).toBe('not_a_table');
      expect(error.message).toMatch(new RegExp(`^${name.replace('.', '\\.')} is not a table: it looks like`));
      expect(error.message).toMatch(what);
      expect(error.message).toMatch(/Import a CSV or XLSX file\.$/);
    });
  }

  it('refuses an empty file', async () => {
    const error = await rejection(open(file('empty.csv', '')));
    expect(error.code).toBe('not_a_table');
    expect(error.message).toBe('empty.csv is empty: there is nothing to import.');
  });

  it('refuses a file of blank lines', async () => {
    const error = await rejection(open(file('blank.csv', '\n\r\n\n')));
    expect(error.code).toBe('not_a_table');
  });

  it('says when the file is gone', async () => {
    const error = await rejection(open(join(temp.path, 'missing.csv')));
    expect(error.code).toBe('not_found');
  });

  it('reads a CSV by its content whatever its extension', async () => {
    const { source, rows } = await readAll(file('export.xlsx', 'a,b\n1,2\n'));
    expect(source.format).toBe('csv');
    expect(rows.map((r) => r.fields)).toEqual([['1', '2']]);
  });
});

describe('headers', () => {
  it('trims, fills blanks and numbers duplicates (ignoring case)', () => {
    expect(normaliseHeaders([' Name ', '', 'name', 'Email', '  ', 'NAME', 'two\nlines'])).toEqual([
      'Name',
      'Column 2',
      'name (2)',
      'Email',
      'Column 5',
      'NAME (3)',
      'two lines',
    ]);
  });

  it('names data columns the header row leaves out, unless only trailing commas make them', async () => {
    const short = await readAll(file('short.csv', 'a,b\n1,2,3\n4,5,6\n7,8\n'));
    expect(short.source.headers).toEqual(['a', 'b', 'Column 3']);
    expect(short.rows.map((r) => r.fields)).toEqual([
      ['1', '2', '3'],
      ['4', '5', '6'],
      ['7', '8', ''],
    ]);
    const trailing = await readAll(file('trailing.csv', 'a,b\n1,2,\n4,5,\n'));
    expect(trailing.source.headers).toEqual(['a', 'b']);
    expect(trailing.rows.map((r) => r.fields)).toEqual([
      ['1', '2'],
      ['4', '5'],
    ]);
  });

  it('names columns "Column N" when the file has no header, sized by the widest sampled row', async () => {
    const { source, rows } = await readAll(file('raw.csv', 'a,b\nc,d,e\nf\n'), { hasHeader: false });
    expect(source.headers).toEqual(['Column 1', 'Column 2', 'Column 3']);
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b', ''] },
      { line: 2, fields: ['c', 'd', 'e'] },
      { line: 3, fields: ['f', '', ''] },
    ]);
  });
});

describe('dialect', () => {
  it('detects ; | and TAB delimited files, and defaults .tsv to TAB', async () => {
    expect((await open(file('eu.csv', 'name;price\nTea;1,50\nCake;2,25\n'))).delimiter).toBe(';');
    expect((await open(file('p.txt', 'a|b|c\n1|2|3\n'))).delimiter).toBe('|');
    expect((await open(file('t.txt', 'a\tb\n1\t2\n'))).delimiter).toBe('\t');
    expect((await open(file('one.tsv', 'name\nAnn\n'))).delimiter).toBe('\t');
    expect((await open(file('one.csv', 'name\nAnn\n'))).delimiter).toBe(',');
  });

  it('honours a delimiter chosen by the user', async () => {
    const { source, rows } = await readAll(file('forced.csv', 'a;b,c\n1;2,3\n'), { delimiter: ';' });
    expect(source.headers).toEqual(['a', 'b,c']);
    expect(rows[0]?.fields).toEqual(['1', '2,3']);
  });
});

describe('batches', () => {
  const big = (rows: number): string =>
    `id,name,note\n${Array.from({ length: rows }, (_, i) => `${i + 1},Name ${i + 1},"note, ${i + 1}"`).join('\n')}\n`;

  it('streams rows in batches of the requested size with their line numbers', async () => {
    const source = await open(file('twelve.csv', big(12)));
    const sizes: number[] = [];
    const lines: number[] = [];
    for await (const batch of source.batches({ batchSize: 5, onProblem: () => {} })) {
      sizes.push(batch.length);
      lines.push(...batch.map((r) => r.line));
    }
    expect(sizes).toEqual([5, 5, 2]);
    expect(lines).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));
  });

  it('reports malformed lines deep in a multi-chunk file at their physical line, importing all others', async () => {
    const lines = big(60_000).split('\n');
    lines[30_000] = '30000,Broken,"x",extra'; // physical line 30001
    lines[45_000] = '45000,"never closed'; // physical line 45001
    const path = file('long.csv', lines.join('\n'));
    const { rows, problems, source } = await readAll(path);
    expect(source.sizeBytes).toBeGreaterThan(1 << 20);
    expect(problems).toEqual([
      { line: 30_001, reason: '4 fields, expected 3' },
      { line: 45_001, reason: 'unterminated quote' },
    ]);
    expect(rows).toHaveLength(59_998);
    expect(rows.at(-1)).toEqual({ line: 60_001, fields: ['60000', 'Name 60000', 'note, 60000'] });
    expect(rows.find((r) => r.line === 45_002)?.fields).toEqual(['45001', 'Name 45001', 'note, 45001']);
  });

  it('reports progress in bytes up to the file size', async () => {
    const path = file('progress.csv', big(50_000));
    const source = await open(path);
    const seen: number[] = [];
    for await (const _ of source.batches({ onProblem: () => {}, onProgress: (b) => seen.push(b) })) {
      // drain
    }
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(source.sizeBytes);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('stops with a cancelled error when the signal is aborted', async () => {
    const source = await open(file('cancel.csv', big(50_000)));
    const controller = new AbortController();
    let received = 0;
    const run = async () => {
      for await (const batch of source.batches({
        batchSize: 1_000,
        signal: controller.signal,
        onProblem: () => {},
      })) {
        received += batch.length;
        if (received >= 3_000) controller.abort();
      }
    };
    const error = await rejection(run());
    expect(error.code).toBe('cancelled');
    expect(received).toBe(3_000);
  });
});

describe('previewTableSource', () => {
  it('returns the first rows, a type per column and the problems met', async () => {
    const text = [
      'Company,Employees,Founded,Website,Email,Public,Zip',
      'Acme,120,2001-04-01,https://acme.com,info@acme.com,yes,01234',
      'Globex,"1,500",1999-12-31,globex.com,hi@globex.com,no,98765',
      'Initech,7,2010-01-15,www.initech.io,contact@initech.io,true,00123',
      'Broken,1,2,3,4,5,6,7,8',
      'Umbrella,,2020-02-29,umbrella.org,,false,55555',
    ].join('\r\n');
    const preview = await previewTableSource(file('companies.csv', text), {
      fileName: 'companies.csv',
      hasHeader: true,
      sampleRows: 2,
    });
    expect(preview.source.headers).toEqual([
      'Company',
      'Employees',
      'Founded',
      'Website',
      'Email',
      'Public',
      'Zip',
    ]);
    expect(preview.sample).toEqual([
      ['Acme', '120', '2001-04-01', 'https://acme.com', 'info@acme.com', 'yes', '01234'],
      ['Globex', '1,500', '1999-12-31', 'globex.com', 'hi@globex.com', 'no', '98765'],
    ]);
    expect(preview.guessedTypes).toEqual(['text', 'number', 'date', 'url', 'email', 'boolean', 'text']);
    expect(preview.problems).toEqual([{ line: 5, reason: '9 fields, expected 7' }]);
  });
});
