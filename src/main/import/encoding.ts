// Works out how a text file's bytes become characters (BOM, UTF-16 by its NUL pattern,
// valid UTF-8, else Windows-1252), recognises binary files by their signatures, and
// decodes a file chunk by chunk. It must never hold a whole file, never split or drop a
// character that straddles two chunks, and never guess "binary" for text with accents.
import { isAscii, isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

export const TEXT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

export interface EncodingGuess {
  encoding: TextEncoding;
  /** Bytes of byte-order mark to skip at the start of the file. */
  bomLength: number;
  /** UTF-8 was chosen only because the sample was plain ASCII: a later invalid byte switches to Windows-1252. */
  tentative: boolean;
}

const bomOf = (b: Uint8Array): { encoding: TextEncoding; length: number } | null => {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
};

/** UTF-16 without a BOM: its ASCII characters put a zero in every other byte, and only there. */
function utf16ByNuls(b: Uint8Array): TextEncoding | null {
  const pairs = Math.min(b.length, 8192) >> 1;
  if (pairs < 2) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (b[i] === 0) evenZeros++;
    if (b[i + 1] === 0) oddZeros++;
  }
  // Non-Latin text (Cyrillic, Greek) still has ASCII digits, delimiters and line breaks.
  if (oddZeros >= pairs * 0.1 && evenZeros <= pairs * 0.01) return 'utf-16le';
  if (evenZeros >= pairs * 0.1 && oddZeros <= pairs * 0.01) return 'utf-16be';
  return null;
}

/** Length of `b` without a UTF-8 sequence cut off at its end. */
function completeUtf8Length(b: Uint8Array): number {
  const n = b.length;
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const c = b[i] as number;
    if (c < 0x80) return n;
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return n - i < need ? i : n;
    }
  }
  return n;
}

/** True when `b` is valid UTF-8, allowing one character cut off at its end. */
const validUtf8Prefix = (b: Uint8Array): boolean => isUtf8(b.subarray(0, completeUtf8Length(b)));

/**
 * Encoding of a text file from its first bytes (`complete` when they are the whole file).
 * Returns null when the bytes are binary: NULs that are not UTF-16, or many control codes.
 */
export function detectEncoding(sample: Uint8Array, complete: boolean): EncodingGuess | null {
  const bom = bomOf(sample);
  if (bom) return { encoding: bom.encoding, bomLength: bom.length, tentative: false };
  const utf16 = utf16ByNuls(sample);
  if (utf16) return { encoding: utf16, bomLength: 0, tentative: false };
  if (sample.indexOf(0) !== -1 || controlShare(sample) > 0.05) return null;
  if (isAscii(sample)) return { encoding: 'utf-8', bomLength: 0, tentative: true };
  const utf8 = complete ? isUtf8(sample) : validUtf8Prefix(sample);
  return { encoding: utf8 ? 'utf-8' : 'windows-1252', bomLength: 0, tentative: false };
}

/** Share of C0 control codes other than TAB, LF, FF, CR and SUB (old DOS end-of-file). */
function controlShare(b: Uint8Array): number {
  const n = Math.min(b.length, 65_536);
  if (n === 0) return 0;
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i] as number;
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 12 && c !== 13 && c !== 26) controls++;
  }
  return controls / n;
}

/** The BOM at the start of `head`, if it belongs to `encoding` (so a chosen encoding still strips it). */
export const bomLengthFor = (head: Uint8Array, encoding: TextEncoding): number => {
  const bom = bomOf(head);
  return bom && bom.encoding === encoding ? bom.length : 0;
};

const startsWith = (b: Uint8Array, sig: number[], at = 0): boolean =>
  sig.every((byte, i) => b[at + i] === byte);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

const SIGNATURES: [number[], string, number?][] = [
  [
    [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    'an old Excel 97-2003 (.xls) workbook or a password-protected Office file',
  ],
  [ascii('%PDF'), 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [ascii('GIF8'), 'a GIF image'],
  [ascii('WEBP'), 'a WebP image', 8],
  [[0x49, 0x49, 0x2a, 0x00], 'a TIFF image'],
  [[0x4d, 0x4d, 0x00, 0x2a], 'a TIFF image'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 'a 7-Zip archive'],
  [[...ascii('Rar!'), 0x1a, 0x07], 'a RAR archive'],
  [[...ascii('SQLite format 3'), 0], 'an SQLite database'],
  [[0x7f, 0x45, 0x4c, 0x46], 'a program'],
  [ascii('ftyp'), 'a video or photo', 4],
];

/** What a binary file looks like from its first bytes, or null when nothing is recognised. */
export function describeBinary(head: Uint8Array): string | null {
  for (const [sig, what, at] of SIGNATURES) if (startsWith(head, sig, at ?? 0)) return what;
  return null;
}

export const isZip = (head: Uint8Array): boolean => startsWith(head, [0x50, 0x4b, 0x03, 0x04]);

// ---- Streaming decoders -------------------------------------------------------------

export interface ChunkDecoder {
  /** Current encoding; a tentative UTF-8 decoder may switch to windows-1252 once. */
  readonly encoding: TextEncoding;
  decode(bytes: Uint8Array): string;
  /** Flush a character cut off at the end of the file (as U+FFFD). */
  end(): string;
}

const latin1 = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

// Windows-1252 differs from Latin-1 only in 0x80-0x9F. Node 20's TextDecoder('windows-1252')
// decodes as Latin-1 (0x80 -> U+0080 instead of the euro sign), so the range is mapped here.
const CP1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1_RANGE = /[\u0080-\u009f]/g;
const c1ToCp1252 = (ch: string): string => CP1252_C1[ch.charCodeAt(0) - 0x80] as string;

export function decodeWindows1252(bytes: Uint8Array): string {
  const text = latin1(bytes);
  C1_RANGE.lastIndex = 0;
  return C1_RANGE.test(text) ? text.replace(C1_RANGE, c1ToCp1252) : text;
}

class Windows1252Decoder implements ChunkDecoder {
  readonly encoding = 'windows-1252' as const;
  decode(bytes: Uint8Array): string {
    return decodeWindows1252(bytes);
  }
  end(): string {
    return '';
  }
}

class Utf16Decoder implements ChunkDecoder {
  private readonly decoder: TextDecoder;
  constructor(readonly encoding: 'utf-16le' | 'utf-16be') {
    this.decoder = new TextDecoder(encoding, { ignoreBOM: true });
  }
  decode(bytes: Uint8Array): string {
    return this.decoder.decode(bytes, { stream: true });
  }
  end(): string {
    return this.decoder.decode();
  }
}

/**
 * UTF-8 with a fast path for pure-ASCII chunks (most CSV data), which skips the
 * decoder when no character is pending from the previous chunk. A tentative decoder
 * (chosen from an ASCII-only sample) switches to Windows-1252 if the first non-ASCII
 * bytes it meets are not valid UTF-8; until then both decodings agree.
 */
class Utf8Decoder implements ChunkDecoder {
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private pending = false;
  private onlyAsciiSoFar = true;
  private fallback: Windows1252Decoder | null = null;

  constructor(private readonly tentative: boolean) {}

  get encoding(): TextEncoding {
    return this.fallback ? 'windows-1252' : 'utf-8';
  }

  decode(bytes: Uint8Array): string {
    if (this.fallback) return this.fallback.decode(bytes);
    if (!this.pending && isAscii(bytes)) return latin1(bytes);
    if (this.onlyAsciiSoFar) {
      this.onlyAsciiSoFar = false;
      if (this.tentative && !validUtf8Prefix(bytes)) {
        this.fallback = new Windows1252Decoder();
        return this.fallback.decode(bytes);
      }
    }
    const text = this.decoder.decode(bytes, { stream: true });
    // A chunk shorter than a character cannot be judged alone: keep using the decoder.
    this.pending = bytes.length < 4 || completeUtf8Length(bytes) !== bytes.length;
    return text;
  }

  end(): string {
    return this.fallback ? '' : this.decoder.decode();
  }
}

export function createChunkDecoder(encoding: TextEncoding, tentative = false): ChunkDecoder {
  switch (encoding) {
    case 'utf-8':
      return new Utf8Decoder(tentative);
    case 'utf-16le':
    case 'utf-16be':
      return new Utf16Decoder(encoding);
    case 'windows-1252':
      return new Windows1252Decoder();
  }
}
