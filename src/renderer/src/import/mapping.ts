// The import wizard's column mapping as the form edits it, and its translation into the
// contract's ImportMapping. Matching names is a convenience for the form only; the
// workbook validates the mapping.
import type { ImportMapping, ImportPreview } from '@shared/api';
import type { ColumnInfo, ColumnType } from '@shared/model';

/** One source column: where its values go. `target` is 'new', 'skip' or `c<columnId>`. */
export interface MappingRow {
  target: string;
  name: string;
  type: ColumnType;
}

export const sourceName = (preview: ImportPreview, index: number): string =>
  preview.headers[index]?.trim() || `Column ${index + 1}`;

export const sourceCount = (preview: ImportPreview): number =>
  Math.max(preview.headers.length, ...preview.sample.map((r) => r.length), 0);

/** The first non-empty sample value of a column, to help the user recognise it. */
export function sampleValue(preview: ImportPreview, index: number): string {
  for (const row of preview.sample) {
    const v = row[index];
    if (v !== undefined && v.trim() !== '') return v;
  }
  return '';
}

const normalise = (s: string) => s.trim().toLowerCase();

/** New table: every column new, typed by the guess. Existing: same-named columns matched. */
export function defaultMapping(preview: ImportPreview, targetColumns: ColumnInfo[] | null): MappingRow[] {
  const rows: MappingRow[] = [];
  const used = new Set<number>();
  for (let i = 0; i < sourceCount(preview); i++) {
    const name = sourceName(preview, i);
    const type = preview.guessedTypes[i] ?? 'text';
    const match = targetColumns?.find((c) => !used.has(c.id) && normalise(c.name) === normalise(name));
    if (match) {
      used.add(match.id);
      rows.push({ target: `c${match.id}`, name, type });
    } else {
      rows.push({ target: 'new', name, type });
    }
  }
  return rows;
}

export function toImportMapping(rows: MappingRow[]): ImportMapping[] {
  return rows.map((row, source): ImportMapping => {
    if (row.target === 'skip') return { source, target: { kind: 'skip' } };
    if (row.target === 'new')
      return { source, target: { kind: 'new', name: row.name.trim(), type: row.type } };
    return { source, target: { kind: 'column', columnId: Number(row.target.slice(1)) } };
  });
}

/** Why the mapping cannot start yet, or null. */
export function mappingProblem(rows: MappingRow[]): string | null {
  if (!rows.some((r) => r.target !== 'skip')) return 'Choose at least one column to import.';
  const unnamed = rows.findIndex((r) => r.target === 'new' && !r.name.trim());
  if (unnamed >= 0) return `Give the new column for source column ${unnamed + 1} a name.`;
  const names = rows.filter((r) => r.target === 'new').map((r) => normalise(r.name));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) return `Two new columns are both called “${dup}”.`;
  const targets = rows.filter((r) => r.target.startsWith('c')).map((r) => r.target);
  if (targets.some((t, i) => targets.indexOf(t) !== i)) return 'Two source columns go into the same column.';
  return null;
}
