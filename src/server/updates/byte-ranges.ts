// HTTP Range requests (RFC 9110 §14) for release files. electron-updater's differential
// download reads an AppImage's embedded blockmap with one range and then fetches the
// changed blocks with many ranges in one request, expecting `multipart/byteranges` back
// with the parts in the order asked (it does not accept merged parts). Both are served.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export interface ByteRange {
  start: number;
  /** inclusive */
  end: number;
}

/** At most this many ranges in one request; electron-updater asks far fewer per batch. */
const MAX_RANGES = 1_000;

/** null: no usable Range header (serve the whole file); 'unsatisfiable': 416. */
export function parseRange(header: string | undefined, size: number): ByteRange[] | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^\s*bytes\s*=(.+)$/i.exec(header);
  if (!m?.[1]) return null;
  const ranges: ByteRange[] = [];
  for (const spec of m[1].split(',')) {
    const part = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(spec);
    if (!part || (part[1] === '' && part[2] === '')) return null; // malformed: ignore the header
    let start: number;
    let end: number;
    if (part[1] === '') {
      const suffix = Number(part[2]);
      if (suffix === 0) continue;
      start = Math.max(0, size - suffix);
      end = size - 1;
    } else {
      start = Number(part[1]);
      end = part[2] === '' ? size - 1 : Math.min(Number(part[2]), size - 1);
      if (part[2] !== '' && Number(part[2]) < start) return null;
    }
    if (start >= size) continue;
    ranges.push({ start, end });
    if (ranges.length > MAX_RANGES) return null;
  }
  return ranges.length === 0 ? 'unsatisfiable' : ranges;
}

/**
 * A multipart/byteranges body: `--B`, each part's headers and bytes, parts joined by
 * CRLF, then `--B--`. Its length is known in advance, so Content-Length can be sent.
 */
export function multipartByteRanges(
  ranges: ByteRange[],
  size: number,
  contentType: string,
  open: (range: ByteRange) => Readable,
): { body: Readable; contentType: string; length: number } {
  const boundary = `rowsmith-${randomBytes(12).toString('hex')}`;
  const heads = ranges.map(
    (r, i) =>
      `${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`,
  );
  const tail = `\r\n--${boundary}--\r\n`;
  const length =
    heads.reduce((n, h) => n + Buffer.byteLength(h), 0) +
    ranges.reduce((n, r) => n + r.end - r.start + 1, 0) +
    Buffer.byteLength(tail);
  // A generator: backpressure for free, and a client that goes away closes the open file.
  const body = Readable.from(
    (async function* () {
      for (const [i, range] of ranges.entries()) {
        yield Buffer.from(heads[i] ?? '');
        yield* open(range);
      }
      yield Buffer.from(tail);
    })(),
    { objectMode: false },
  );
  return { body, contentType: `multipart/byteranges; boundary=${boundary}`, length };
}
