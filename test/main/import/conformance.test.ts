// csv-spectrum: every file must import to exactly the rows of its JSON (header row = keys).
// The files are read in place from the shared conformance folder, never copied here.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTableSource } from '../../../src/main/import/source';
import { tempDir } from '../../helpers/temp';

const SPECTRUM = resolve(__dirname, '../../../../shared/conformance/csv-spectrum');
const names = readdirSync(join(SPECTRUM, 'csvs'))
  .filter((f) => f.endsWith('.csv'))
  .map((f) => f.slice(0, -4))
  .sort();

type Row = Record<string, string>;

async function importObjects(path: string, fileName: string): Promise<Row[]> {
  const source = await openTableSource(path, { fileName, hasHeader: true });
  const problems: unknown[] = [];
  const rows: Row[] = [];
  for await (const batch of source.batches({ onProblem: (p) => problems.push(p) })) {
    for (const row of batch)
      rows.push(Object.fromEntries(source.headers.map((h, i) => [h, row.fields[i] ?? ''])));
  }
  expect(problems).toEqual([]);
  return rows;
}

function expected(name: string): Row[] {
  const json: Row | Row[] = JSON.parse(readFileSync(join(SPECTRUM, 'json', `${name}.json`), 'utf8'));
  // location_coordinates.json holds one object instead of an array (csv-spectrum issue #22).
  return Array.isArray(json) ? json : [json];
}

const temp = tempDir('rowsmith-spectrum-');
afterAll(() => temp.cleanup());

describe('csv-spectrum conformance', () => {
  it('finds the shared conformance files', () => {
    expect(names.length).toBeGreaterThanOrEqual(12);
  });

  for (const name of names.filter((n) => n !== 'newlines_crlf' && n !== 'location_coordinates')) {
    it(`${name}.csv imports to exactly ${name}.json`, async () => {
      const rows = await importObjects(join(SPECTRUM, 'csvs', `${name}.csv`), `${name}.csv`);
      expect(rows).toEqual(expected(name));
    });
  }

  // Two fixtures disagree with their own JSON; each is checked against what its bytes hold,
  // and the defect is asserted so that a fixed fixture makes this test ask to be tightened.
  it('newlines_crlf.csv: the CRLF inside the quoted field is kept verbatim', async () => {
    const file = join(SPECTRUM, 'csvs', 'newlines_crlf.csv');
    const bytes = readFileSync(file, 'latin1');
    // This copy lost its CR bytes (upstream ships CRLF line ends); the JSON still expects "\r\n".
    expect(bytes.includes('\r')).toBe(false);
    const restored = join(temp.path, 'newlines_crlf.csv');
    writeFileSync(restored, bytes.replace(/\n/g, '\r\n'), 'latin1');
    expect(await importObjects(restored, 'newlines_crlf.csv')).toEqual(expected('newlines_crlf'));
    // And the LF-only copy keeps its LF verbatim.
    const asStored = await importObjects(file, 'newlines_crlf.csv');
    expect(asStored).toEqual(
      expected('newlines_crlf').map((r) => ({ ...r, a: (r.a ?? '').replace(/\r\n/g, '\n') })),
    );
  });

  it('location_coordinates.csv imports to its JSON except the phone number the JSON got wrong', async () => {
    const rows = await importObjects(
      join(SPECTRUM, 'csvs', 'location_coordinates.csv'),
      'location_coordinates.csv',
    );
    const [want] = expected('location_coordinates');
    // csv-spectrum issue #20: the CSV says 2095257564, the JSON 1234567890.
    expect(want?.['Contact Phone Number']).toBe('1234567890');
    expect(rows).toEqual([{ ...want, 'Contact Phone Number': '2095257564' }]);
  });
});
