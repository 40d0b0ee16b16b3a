// A streaming, push-based RFC 4180 CSV parser built for speed: it finds line ends,
// delimiters and quotes with indexOf, slices fields straight out of each chunk and only
// builds new strings for quoted fields. It must never stop at a bad record (report it
// with its physical line and go on), never lose the rest of a file to one stray quote,
// and never hold more than the current chunk plus one unfinished record.
import type { SourceRow } from './source';

export interface CsvProblem {
  /** 1-based physical line where the record starts */
  line: number;
  reason: string;
}

export interface CsvParserOptions {
  /** One character: , ; TAB or | */
  delimiter: string;
  /** The first non-blank record is the header: kept in `header`, not emitted, and sets the field count. */
  header?: boolean;
  /** Fields every record must have (fewer are padded, more are reported). 0 or absent: any count. */
  fieldCount?: number;
  onProblem?: (problem: CsvProblem) => void;
  /** A quoted field still open after this many characters from its record's start is unterminated. */
  maxRecordChars?: number;
  /** ... or after this many line breaks. */
  maxRecordLines?: number;
  /**
   * Receives each record as it completes instead of take(): for a consumer that converts
   * rows at once (no row objects kept). The array is reused for the next record, so the
   * callee copies whatever it keeps.
   */
  onRecord?: (fields: string[], line: number) => void;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;
const NEED_MORE = -1;

export const UNTERMINATED_QUOTE = 'unterminated quote';

function hasContentFrom(fields: string[], from: number): boolean {
  for (let i = from; i < fields.length; i++) if (fields[i] !== '') return true;
  return false;
}

export class CsvParser {
  header: string[] | null = null;
  /** Physical line of the header record, 0 until it is read. */
  headerLine = 0;

  private rows: SourceRow[] = [];
  private rest = '';
  /** Physical line where `rest` starts. */
  private line = 1;
  private fieldCount: number;
  private wantHeader: boolean;
  private readonly delimiter: string;
  private readonly delimiterCode: number;
  private readonly onProblem: (problem: CsvProblem) => void;
  private readonly maxRecordChars: number;
  private readonly maxRecordLines: number;
  private readonly onRecord: ((fields: string[], line: number) => void) | null;
  /** The array records are built in for onRecord (fewer allocations in the hot loop). */
  private readonly scratch: string[] = [];
  // Results and scan caches of slowRecord, kept on the instance to avoid allocations.
  private slowLine = 0;
  private resynced = false;
  private nextLF = -1;
  private nextCR = -1;
  private nextD = -1;

  constructor(options: CsvParserOptions) {
    if (options.delimiter.length !== 1 || '"\r\n'.includes(options.delimiter)) {
      throw new Error(`Invalid CSV delimiter ${JSON.stringify(options.delimiter)}`);
    }
    this.delimiter = options.delimiter;
    this.delimiterCode = options.delimiter.charCodeAt(0);
    this.wantHeader = options.header ?? false;
    this.fieldCount = options.fieldCount ?? 0;
    this.onProblem = options.onProblem ?? (() => {});
    this.maxRecordChars = options.maxRecordChars ?? 1 << 20;
    this.maxRecordLines = options.maxRecordLines ?? 10_000;
    this.onRecord = options.onRecord ?? null;
  }

  /** Feed the next piece of decoded text. Complete records become available through take(). */
  push(chunk: string): void {
    if (chunk === '') return;
    const text = this.rest === '' ? chunk : this.rest + chunk;
    const pos = this.run(text, false);
    this.rest = pos < text.length ? text.slice(pos) : '';
  }

  /** The input is over: the last record may end without a line break. */
  end(): void {
    const text = this.rest;
    this.rest = '';
    if (text !== '') this.run(text, true);
  }

  /** Records completed so far, handed over once. */
  take(): SourceRow[] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }

  get pendingRows(): number {
    return this.rows.length;
  }

  /** Parses whole records of `text` from the start; returns where the unfinished record begins. */
  private run(text: string, final: boolean): number {
    const len = text.length;
    const delimiter = this.delimiter;
    let pos = 0;
    let line = this.line;
    // Next LF / CR / quote / delimiter at or after some earlier position (len = none left).
    // Each is searched again only once `pos` passes it, so every character is scanned once.
    let nLF = -1;
    let nCR = -1;
    let nQ = -1;
    let nD = -1;
    this.nextLF = this.nextCR = this.nextD = -1;
    while (pos < len) {
      if (nLF < pos) {
        nLF = text.indexOf('\n', pos);
        if (nLF === -1) nLF = len;
      }
      if (nCR < pos) {
        nCR = text.indexOf('\r', pos);
        if (nCR === -1) nCR = len;
      }
      if (nQ < pos) {
        nQ = text.indexOf('"', pos);
        if (nQ === -1) nQ = len;
      }
      const eol = Math.min(nLF, nCR);
      if (nQ < eol) {
        const next = this.slowRecord(text, pos, line, final);
        if (next === NEED_MORE) break;
        pos = next;
        line = this.slowLine;
        if (this.resynced) {
          // Resynchronising moved back before the cached positions: search again.
          this.resynced = false;
          nLF = nCR = nQ = nD = -1;
          this.nextLF = this.nextCR = this.nextD = -1;
        }
        continue;
      }
      // Fast path: a line without quotes.
      let next: number;
      if (eol === len) {
        if (!final) break;
        next = len;
      } else if (eol === nCR) {
        if (eol + 1 === len && !final) break; // an LF may follow in the next chunk
        next = text.charCodeAt(eol + 1) === LF ? eol + 2 : eol + 1;
      } else {
        next = eol + 1;
      }
      if (eol > pos) {
        const fields = this.onRecord ? this.scratch : [];
        let count = 0;
        let start = pos;
        for (;;) {
          if (nD < start) {
            nD = text.indexOf(delimiter, start);
            if (nD === -1) nD = len;
          }
          if (nD >= eol) break;
          fields[count++] = text.slice(start, nD);
          start = nD + 1;
        }
        fields[count++] = text.slice(start, eol);
        // Exact length: a no-op when records have the same width, so the array keeps its capacity.
        if (fields.length !== count) fields.length = count;
        this.emit(fields, line);
      }
      pos = next;
      line++;
    }
    this.line = line;
    return pos;
  }

  /**
   * A record with a quote in its first line, parsed field by field. Returns the start of
   * the next record (and sets slowLine), or NEED_MORE when the record may continue in the
   * next chunk.
   */
  private slowRecord(text: string, start: number, line: number, final: boolean): number {
    const len = text.length;
    const dc = this.delimiterCode;
    const fields: string[] = [];
    let p = start;
    let breaks = 0;
    for (;;) {
      if (p < len && text.charCodeAt(p) === QUOTE) {
        let value = '';
        let seg = p + 1;
        const breaksBefore = breaks;
        for (;;) {
          const q = text.indexOf('"', seg);
          if (q === -1) {
            breaks += this.breaksBetween(text, seg, len);
            if (final || len - start > this.maxRecordChars || breaks > this.maxRecordLines) {
              return this.unterminated(text, start, line);
            }
            return NEED_MORE;
          }
          breaks += this.breaksBetween(text, seg, q);
          if (q - start > this.maxRecordChars || breaks > this.maxRecordLines)
            return this.unterminated(text, start, line);
          if (q + 1 === len && !final) return NEED_MORE; // could be the first half of ""
          if (q + 1 < len && text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(seg, q + 1);
            seg = q + 2;
            continue;
          }
          value += text.slice(seg, q);
          p = q + 1;
          break;
        }
        if (p < len) {
          const c = text.charCodeAt(p);
          if (c !== dc && c !== LF && c !== CR) {
            // Text after a closing quote. On one line it is kept (as spreadsheets do); after a
            // quoted line break it means the quote was stray and swallowed later lines.
            if (breaks > breaksBefore) return this.unterminated(text, start, line);
            const e = this.unquotedEnd(text, p);
            if (e === len && !final) return NEED_MORE;
            value += text.slice(p, e);
            p = e;
          }
        }
        fields.push(value);
      } else {
        const e = this.unquotedEnd(text, p);
        if (e === len && !final) return NEED_MORE;
        fields.push(text.slice(p, e));
        p = e;
      }
      if (p < len && text.charCodeAt(p) === dc) {
        p++;
        continue;
      }
      break;
    }
    let next = len;
    if (p < len) {
      if (text.charCodeAt(p) === CR) {
        if (p + 1 === len && !final) return NEED_MORE;
        next = text.charCodeAt(p + 1) === LF ? p + 2 : p + 1;
      } else {
        next = p + 1;
      }
    }
    this.emit(fields, line);
    this.slowLine = line + breaks + 1;
    return next;
  }

  /** End of an unquoted field: the next delimiter, CR or LF (a quote inside is literal). */
  private unquotedEnd(text: string, from: number): number {
    const len = text.length;
    if (this.nextD < from) {
      this.nextD = text.indexOf(this.delimiter, from);
      if (this.nextD === -1) this.nextD = len;
    }
    if (this.nextLF < from) {
      this.nextLF = text.indexOf('\n', from);
      if (this.nextLF === -1) this.nextLF = len;
    }
    if (this.nextCR < from) {
      this.nextCR = text.indexOf('\r', from);
      if (this.nextCR === -1) this.nextCR = len;
    }
    return Math.min(this.nextD, this.nextLF, this.nextCR);
  }

  /** Line breaks (LF, CRLF or a lone CR) in text[from, to), using cached next positions. */
  private breaksBetween(text: string, from: number, to: number): number {
    if (this.nextLF >= to && this.nextCR >= to && this.nextLF >= from && this.nextCR >= from) return 0;
    let count = 0;
    let k = from;
    for (;;) {
      if (this.nextLF < k) {
        this.nextLF = text.indexOf('\n', k);
        if (this.nextLF === -1) this.nextLF = text.length;
      }
      if (this.nextLF >= to) break;
      count++;
      k = this.nextLF + 1;
    }
    k = from;
    for (;;) {
      if (this.nextCR < k) {
        this.nextCR = text.indexOf('\r', k);
        if (this.nextCR === -1) this.nextCR = text.length;
      }
      if (this.nextCR >= to) break;
      if (text.charCodeAt(this.nextCR + 1) !== LF) count++;
      k = this.nextCR + 1;
    }
    return count;
  }

  /** Reports the record at `start` and resumes at the line after the one it starts on. */
  private unterminated(text: string, start: number, line: number): number {
    this.onProblem({ line, reason: UNTERMINATED_QUOTE });
    this.resynced = true;
    const len = text.length;
    let i = start;
    while (i < len) {
      const c = text.charCodeAt(i);
      if (c === LF || c === CR) break;
      i++;
    }
    this.slowLine = line + 1;
    if (i >= len) return len;
    return text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
  }

  private emit(fields: string[], line: number): void {
    if (fields[0] === '' && !hasContentFrom(fields, 1)) return; // blank or all-empty record
    if (this.wantHeader) {
      this.wantHeader = false;
      this.header = fields === this.scratch ? fields.slice() : fields;
      this.headerLine = line;
      if (this.fieldCount === 0) this.fieldCount = fields.length;
      return;
    }
    const n = this.fieldCount;
    if (n !== 0 && fields.length !== n) {
      if (fields.length < n) {
        while (fields.length < n) fields.push('');
      } else if (hasContentFrom(fields, n)) {
        this.onProblem({ line, reason: `${fields.length} fields, expected ${n}` });
        return;
      } else {
        fields.length = n; // trailing empty fields, e.g. a comma at the end of every line
      }
    }
    if (this.onRecord) this.onRecord(fields, line);
    else this.rows.push({ line, fields });
  }
}
