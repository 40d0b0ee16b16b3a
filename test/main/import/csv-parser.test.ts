import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvParserOptions, type CsvProblem } from '../../../src/main/import/csv-parser';
import { createChunkDecoder } from '../../../src/main/import/encoding';
import type { SourceRow } from '../../../src/main/import/source';

interface Parsed {
  header: string[] | null;
  rows: SourceRow[];
  problems: CsvProblem[];
}

/** Parse `text` fed in the given pieces (default: all at once). */
function parse(text: string | string[], options: Partial<CsvParserOptions> = {}): Parsed {
  const problems: CsvProblem[] = [];
  const parser = new CsvParser({ delimiter: ',', onProblem: (p) => problems.push(p), ...options });
  const rows: SourceRow[] = [];
  for (const piece of typeof text === 'string' ? [text] : text) {
    parser.push(piece);
    rows.push(...parser.take());
  }
  parser.end();
  rows.push(...parser.take());
  return { header: parser.header, rows, problems };
}

const fields = (p: Parsed): string[][] => p.rows.map((r) => r.fields);
const lines = (p: Parsed): number[] => p.rows.map((r) => r.line);

describe('CsvParser: RFC 4180', () => {
  it('splits quoted fields with delimiters, doubled quotes and line breaks kept verbatim', () => {
    const p = parse('a,b,c\r\n"x, y","say ""hi""","two\r\nlines"\n"cr\ronly",,"lf\nonly"');
    expect(p.header).toBeNull();
    expect(fields(p)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\r\nlines'],
      ['cr\ronly', '', 'lf\nonly'],
    ]);
    expect(lines(p)).toEqual([1, 2, 4]);
  });

  it('accepts LF, CRLF and old-Mac CR line ends, and a last line without one', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const p = parse(['a,b', eol, '1,2', eol, '3,4'].join(''), { header: true });
      expect(p.header).toEqual(['a', 'b']);
      expect(fields(p)).toEqual([
        ['1', '2'],
        ['3', '4'],
      ]);
      expect(lines(p)).toEqual([2, 3]);
    }
  });

  it('skips blank lines but counts them in line numbers', () => {
    const p = parse('\n\na,b\n\n1,2\r\n\r\n,\n3,4\n\n', { header: true });
    expect(p.header).toEqual(['a', 'b']);
    expect(fields(p)).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(lines(p)).toEqual([5, 8]);
  });

  it('keeps a stray quote inside an unquoted field literally', () => {
    const p = parse('name,size\nThe 12" pizza,large\nO"Brien,x"y\n');
    expect(fields(p)).toEqual([
      ['name', 'size'],
      ['The 12" pizza', 'large'],
      ['O"Brien', 'x"y'],
    ]);
  });

  it('keeps text after a closing quote on the same line, as spreadsheets do', () => {
    expect(fields(parse('"abc" def,x\n'))).toEqual([['abc def', 'x']]);
  });

  it('pads records with fewer fields than the header, without a problem', () => {
    const p = parse('a,b,c\n1\n1,2\n', { header: true });
    expect(fields(p)).toEqual([
      ['1', '', ''],
      ['1', '2', ''],
    ]);
    expect(p.problems).toEqual([]);
  });

  it('drops trailing empty fields beyond the header (a comma at the end of every line)', () => {
    const p = parse('a,b\n1,2,\n3,4,,\n', { header: true });
    expect(fields(p)).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(p.problems).toEqual([]);
  });

  it('uses the given delimiter only', () => {
    expect(fields(parse('a;b,c\t|d\n"x;y";z\n', { delimiter: ';' }))).toEqual([
      ['a', 'b,c\t|d'],
      ['x;y', 'z'],
    ]);
    expect(fields(parse('a\tb\n"x\ty"\tz\n', { delimiter: '\t' }))).toEqual([
      ['a', 'b'],
      ['x\ty', 'z'],
    ]);
  });
});

describe('CsvParser: malformed records', () => {
  it('reports a record with too many fields at its physical line and imports the rest', () => {
    const text = 'id,name,city\n1,Ann,Oslo\n"2","Bob\nSmith",Rome\n3,Cy,Paris,extra,more\n4,Di,Bern\n';
    const p = parse(text, { header: true });
    expect(p.problems).toEqual([{ line: 5, reason: '5 fields, expected 3' }]);
    expect(fields(p)).toEqual([
      ['1', 'Ann', 'Oslo'],
      ['2', 'Bob\nSmith', 'Rome'],
      ['4', 'Di', 'Bern'],
    ]);
    expect(lines(p)).toEqual([2, 3, 6]);
  });

  it('recovers from an unterminated quote at the end of the file at the next line', () => {
    const p = parse('a,b\n1,2\n3,"never closed\n4,5\n6,7\n', { header: true });
    expect(p.problems).toEqual([{ line: 3, reason: 'unterminated quote' }]);
    expect(fields(p)).toEqual([
      ['1', '2'],
      ['4', '5'],
      ['6', '7'],
    ]);
    expect(lines(p)).toEqual([2, 4, 5]);
  });

  it('recovers from a stray opening quote that swallowed later lines up to the next quote', () => {
    const text = 'a,b\n1,"oops\n2,x\n3,"fine"\n4,y\n';
    const p = parse(text, { header: true });
    expect(p.problems).toEqual([{ line: 2, reason: 'unterminated quote' }]);
    expect(fields(p)).toEqual([
      ['2', 'x'],
      ['3', 'fine'],
      ['4', 'y'],
    ]);
    expect(lines(p)).toEqual([3, 4, 5]);
  });

  it('gives up on a quoted field past the size or line limit and keeps the rest of a long file', () => {
    const body = Array.from({ length: 50 }, (_, i) => `${i},v${i}`).join('\n');
    const text = `a,b\nx,"stray\n${body}\n`;
    const byLines = parse(text, { header: true, maxRecordLines: 10 });
    expect(byLines.problems).toEqual([{ line: 2, reason: 'unterminated quote' }]);
    expect(byLines.rows).toHaveLength(50);
    expect(byLines.rows[0]).toEqual({ line: 3, fields: ['0', 'v0'] });
    // The same limit hit while the text arrives in small pieces gives the same answer.
    const pieces = text.match(/[\s\S]{1,7}/g) ?? [];
    const bySize = parse(pieces, { header: true, maxRecordChars: 100 });
    expect(bySize.problems).toEqual([{ line: 2, reason: 'unterminated quote' }]);
    expect(bySize.rows).toEqual(byLines.rows);
  });
});

describe('CsvParser: streaming', () => {
  it('gives the same rows and lines whatever the chunk boundaries', () => {
    const text = 'h1,h2,h3\r\n"a ""q""",b\r\n"multi\r\nline",,c\r\n\r\nx,"y",z\rlast,"",end';
    const whole = parse(text);
    for (let size = 1; size <= 6; size++) {
      const pieces = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      expect(parse(pieces)).toEqual(whole);
    }
    expect(lines(whole)).toEqual([1, 2, 3, 6, 7]);
  });

  it('hands each record to onRecord (one reused array) exactly as take() would give it', () => {
    const text = 'h1,h2,h3\r\na,b\r\n"q, 1",x,y\r\n1,2,3,4\r\nfast,row,here\r\n,,\r\nlast,one,\r\n';
    const viaTake = parse(text, { header: true });
    const problems: CsvProblem[] = [];
    const seen: SourceRow[] = [];
    const arrays = new Set<string[]>();
    const parser = new CsvParser({
      delimiter: ',',
      header: true,
      onProblem: (p) => problems.push(p),
      onRecord: (recordFields, line) => {
        arrays.add(recordFields);
        seen.push({ line, fields: [...recordFields] });
      },
    });
    for (const piece of text.match(/[\s\S]{1,7}/g) ?? []) parser.push(piece);
    parser.end();
    expect(parser.take()).toEqual([]);
    expect(seen).toEqual(viaTake.rows);
    expect(problems).toEqual(viaTake.problems);
    expect(parser.header).toEqual(['h1', 'h2', 'h3']);
    // Unquoted records reuse one array; records with quotes get their own.
    expect(arrays.size).toBeLessThan(seen.length);
  });
});

// ---- Property: any table written as CSV reads back as the same table ------------------

const cell = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '"',
      ',',
      ';',
      '\t',
      '|',
      '\n',
      '\r',
      ' ',
      'a',
      'Z',
      '0',
      'é',
      '€',
      'ß',
      '中',
      '😀',
      '\u00a0',
    ),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 12,
});

const table = fc
  .integer({ min: 1, max: 5 })
  .chain((width) =>
    fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 25 }),
  );

function writeCsv(rows: string[][], delimiter: string, eol: string, quoteAll: boolean): string {
  const quote = (v: string): string =>
    quoteAll || v.includes(delimiter) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  return rows.map((r) => r.map(quote).join(delimiter)).join(eol);
}

/** Physical line of each record: 1 + line breaks (LF, CRLF, lone CR) before it. */
function expectedLines(rows: string[][], delimiter: string, eol: string, quoteAll: boolean): number[] {
  const out: number[] = [];
  let line = 1;
  for (const row of rows) {
    out.push(line);
    const text = writeCsv([row], delimiter, eol, quoteAll) + eol;
    line += (text.match(/\r\n|\r|\n/g) ?? []).length;
  }
  return out;
}

describe('CsvParser: round trip property', () => {
  it('reads back any table of strings (quotes, delimiters, line breaks, unicode), split anywhere', () => {
    fc.assert(
      fc.property(
        table,
        fc.constantFrom(',', ';', '\t', '|'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 8 }),
        (rows, delimiter, eol, quoteAll, finalEol, cuts) => {
          const text = writeCsv(rows, delimiter, eol, quoteAll) + (finalEol ? eol : '');
          // Feed UTF-8 bytes cut at arbitrary byte offsets, through the streaming decoder.
          const bytes = Buffer.from(text, 'utf8');
          const offsets = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const decoder = createChunkDecoder('utf-8');
          const pieces: string[] = [];
          let from = 0;
          for (const to of [...offsets, bytes.length]) {
            pieces.push(decoder.decode(bytes.subarray(from, to)));
            from = to;
          }
          pieces.push(decoder.end());
          const width = rows[0]?.length ?? 1;
          const p = parse(pieces, { delimiter, fieldCount: width });
          // Records whose fields are all empty are skipped on purpose (blank rows).
          const kept = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.some((v) => v !== ''));
          const allLines = expectedLines(rows, delimiter, eol, quoteAll);
          expect(p.problems).toEqual([]);
          expect(fields(p)).toEqual(kept.map(({ r }) => r));
          expect(lines(p)).toEqual(kept.map(({ i }) => allLines[i]));
        },
      ),
      { numRuns: 400 },
    );
  });
});
