// Guesses a CSV file's delimiter from a sample, so users rarely have to say it. It must
// never read more than the sample it is given, and never let a delimiter that only
// appears inside quoted values win.
import { CsvParser } from './csv-parser';

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

const SAMPLE_CHARS = 64 * 1024;
const SAMPLE_RECORDS = 200;

interface Score {
  delimiter: Delimiter;
  /** share of records with the most common field count */
  consistency: number;
  /** the most common field count */
  fields: number;
}

function score(sample: string, complete: boolean, delimiter: Delimiter): Score {
  const parser = new CsvParser({ delimiter, maxRecordLines: 50 });
  parser.push(sample);
  if (complete) parser.end();
  const records = parser.take().slice(0, SAMPLE_RECORDS);
  const counts = new Map<number, number>();
  for (const record of records) counts.set(record.fields.length, (counts.get(record.fields.length) ?? 0) + 1);
  let fields = 0;
  let best = 0;
  for (const [count, seen] of counts) {
    if (seen > best || (seen === best && count > fields)) {
      fields = count;
      best = seen;
    }
  }
  if (fields < 2) return { delimiter, consistency: 0, fields };
  return { delimiter, consistency: best / records.length, fields };
}

/**
 * The delimiter whose field counts agree best across the sample's records (quotes
 * respected). Ties go to more fields, then to the usual order; nothing convincing
 * means ',' (TAB for .tsv / .tab files).
 * @param complete the sample is the whole file (its last record is not cut off)
 */
export function detectDelimiter(sample: string, complete: boolean, fileName = ''): Delimiter {
  const tabFirst = /\.(tsv|tab)$/i.test(fileName);
  const order: readonly Delimiter[] = tabFirst ? ['\t', ',', ';', '|'] : DELIMITERS;
  const text = sample.length > SAMPLE_CHARS ? sample.slice(0, SAMPLE_CHARS) : sample;
  const cut = complete && text.length === sample.length;
  let winner: Score | null = null;
  for (const delimiter of order) {
    const s = score(text, cut, delimiter);
    if (s.consistency === 0) continue;
    if (
      !winner ||
      s.consistency > winner.consistency + 1e-9 ||
      (Math.abs(s.consistency - winner.consistency) <= 1e-9 && s.fields > winner.fields)
    ) {
      winner = s;
    }
  }
  return winner?.delimiter ?? (order[0] as Delimiter);
}
