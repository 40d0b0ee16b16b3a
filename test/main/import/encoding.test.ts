import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createChunkDecoder,
  decodeWindows1252,
  detectEncoding,
  type TextEncoding,
} from '../../../src/main/import/encoding';
import { type OpenSourceOptions, openTableSource, type SourceRow } from '../../../src/main/import/source';
import { tempDir } from '../../helpers/temp';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir('rowsmith-encoding-');
});
afterEach(() => temp.cleanup());

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(temp.path, name);
  writeFileSync(path, bytes);
  return path;
}

async function readAll(path: string, opts: Partial<OpenSourceOptions> = {}) {
  const source = await openTableSource(path, { fileName: 'people.csv', hasHeader: true, ...opts });
  const rows: SourceRow[] = [];
  const problems: unknown[] = [];
  for await (const batch of source.batches({ onProblem: (p) => problems.push(p) })) rows.push(...batch);
  return { source, rows, fields: rows.map((r) => r.fields), problems };
}

const TEXT = 'name,city\nRenée,Zürich\nŁukasz,Kraków\n';

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] as number, le[i] as number];
  return le;
}

describe('encodings', () => {
  const cases: [string, Buffer, TextEncoding][] = [
    ['UTF-8', Buffer.from(TEXT, 'utf8'), 'utf-8'],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]), 'utf-8'],
    [
      'UTF-16LE with BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]),
      'utf-16le',
    ],
    ['UTF-16LE without BOM', Buffer.from(TEXT, 'utf16le'), 'utf-16le'],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TEXT)]), 'utf-16be'],
    ['UTF-16BE without BOM', utf16be(TEXT), 'utf-16be'],
  ];
  for (const [label, bytes, encoding] of cases) {
    it(`reads ${label}, with the BOM stripped from the first header`, async () => {
      const { source, fields } = await readAll(file('people.csv', bytes));
      expect(source.encoding).toBe(encoding);
      expect(source.headers).toEqual(['name', 'city']);
      expect(fields).toEqual([
        ['Renée', 'Zürich'],
        ['Łukasz', 'Kraków'],
      ]);
    });
  }

  it('reads UTF-16 without a BOM in a non-Latin script', async () => {
    const text = 'имя,город\nАнна,Москва\nБорис,Санкт-Петербург\n';
    const { source, fields } = await readAll(file('ru.csv', Buffer.from(text, 'utf16le')));
    expect(source.encoding).toBe('utf-16le');
    expect(source.headers).toEqual(['имя', 'город']);
    expect(fields[1]).toEqual(['Борис', 'Санкт-Петербург']);
  });

  it('reads Windows-1252 (not valid UTF-8), including the euro sign and curly quotes', async () => {
    const bytes = Buffer.from([
      ...Buffer.from('item,price\nCaf'),
      0xe9,
      ...Buffer.from(',5 '),
      0x80,
      ...Buffer.from('\n'),
      0x93,
      ...Buffer.from('Best'),
      0x94,
      ...Buffer.from(',9\n'),
    ]);
    const { source, fields } = await readAll(file('prices.csv', bytes));
    expect(source.encoding).toBe('windows-1252');
    expect(fields).toEqual([
      ['Café', '5 €'],
      ['\u201cBest\u201d', '9'],
    ]);
  });

  it('keeps a multi-byte character split across the 1 MiB read boundary (UTF-8 and UTF-16)', async () => {
    for (const [encoding, encode] of [
      ['utf-8', (s: string) => Buffer.from(s, 'utf8')],
      ['utf-16le', (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])],
    ] as const) {
      const header = 'id,value\n';
      const unit = encoding === 'utf-8' ? 1 : 2;
      const bom = encoding === 'utf-8' ? 0 : 2;
      // Reads start after the BOM in 1 MiB chunks: put the emoji's first byte (UTF-8) or its
      // first surrogate (UTF-16) at the end of the first chunk.
      const emojiAt = bom + (1 << 20) - unit;
      const filler = 'x'.repeat((emojiAt - bom) / unit - header.length - 2);
      const text = `${header}1,${filler}😀é\n2,after\n`;
      const bytes = encode(text);
      expect(bytes.indexOf(encode('😀').subarray(bom))).toBe(emojiAt);
      const { source, fields } = await readAll(file(`split-${encoding}.csv`, bytes));
      expect(source.encoding).toBe(encoding);
      expect(fields).toEqual([
        ['1', `${filler}😀é`],
        ['2', 'after'],
      ]);
    }
  });

  it('switches to Windows-1252 when the first non-ASCII byte comes after an all-ASCII first MiB', async () => {
    const ascii = Array.from({ length: 60_000 }, (_, i) => `${i},Company ${i}\n`).join('');
    expect(ascii.length).toBeGreaterThan(1 << 20);
    const bytes = Buffer.concat([
      Buffer.from(`id,name\n${ascii}`),
      Buffer.from([0x39, 0x2c, 0x53, 0x6f, 0x63, 0x69, 0xe9, 0x74, 0xe9, 0x0a]),
    ]);
    const { source, fields } = await readAll(file('late-latin1.csv', bytes));
    expect(fields.at(-1)).toEqual(['9', 'Société']);
    expect(source.encoding).toBe('windows-1252');
  });

  it('honours an encoding chosen by the user', async () => {
    const bytes = Buffer.from('a,b\nx,\xe9\n', 'latin1'); // a lone 0xE9 reads as é in Windows-1252
    const { source, fields } = await readAll(file('chosen.csv', bytes), { encoding: 'windows-1252' });
    expect(source.encoding).toBe('windows-1252');
    expect(fields).toEqual([['x', 'é']]);
  });
});

describe('chunk decoders', () => {
  it('decode UTF-8 cut inside a character, whatever the cut', () => {
    const bytes = Buffer.from('aé€😀b', 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      for (let cut2 = cut; cut2 <= bytes.length; cut2++) {
        const d = createChunkDecoder('utf-8');
        const out =
          d.decode(bytes.subarray(0, cut)) +
          d.decode(bytes.subarray(cut, cut2)) +
          d.decode(bytes.subarray(cut2)) +
          d.end();
        expect(out).toBe('aé€😀b');
      }
    }
  });

  it('decode UTF-16 cut inside a surrogate pair', () => {
    const bytes = Buffer.from('a😀b', 'utf16le');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const d = createChunkDecoder('utf-16le');
      expect(d.decode(bytes.subarray(0, cut)) + d.decode(bytes.subarray(cut)) + d.end()).toBe('a😀b');
    }
  });

  it('map the whole Windows-1252 0x80-0x9F range', () => {
    const text = decodeWindows1252(Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i));
    expect(text[0]).toBe('€');
    expect(text[0x19]).toBe('™');
    expect(text[0x1f]).toBe('Ÿ');
  });
});

describe('detectEncoding', () => {
  it('calls NUL-laden bytes that are not UTF-16 binary', () => {
    expect(detectEncoding(Uint8Array.from([1, 0, 0, 0, 7, 0, 0, 0, 0, 0, 200, 3, 0, 0]), true)).toBeNull();
  });

  it('marks a pure ASCII sample as tentatively UTF-8', () => {
    expect(detectEncoding(Buffer.from('a,b\n1,2\n'), true)).toEqual({
      encoding: 'utf-8',
      bomLength: 0,
      tentative: true,
    });
  });

  it('accepts a UTF-8 sample cut inside its last character', () => {
    const bytes = Buffer.from('name\nRenée', 'utf8');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1), false)?.encoding).toBe('utf-8');
  });
});
