// Where the rows go: a new table or an existing one, each source column's target
// (an existing column, a new typed column, or skipped), and an optional key column.
import type { ImportPreview } from '@shared/api';
import { COLUMN_TYPES, type ColumnType, type TableInfo } from '@shared/model';
import { TYPE_LABELS } from '../grid/column-menu';
import { type MappingRow, sampleValue, sourceName } from './mapping';

export type ImportTarget = { kind: 'new'; name: string } | { kind: 'existing'; tableId: number };
export interface KeyChoice {
  source: number | null;
  onDuplicate: 'skip' | 'merge';
}

interface MappingEditorProps {
  preview: ImportPreview;
  tables: TableInfo[];
  target: ImportTarget;
  rows: MappingRow[];
  keyChoice: KeyChoice;
  newTableName: string;
  onTarget(target: ImportTarget): void;
  onRows(rows: MappingRow[]): void;
  onKey(key: KeyChoice): void;
}

export function MappingEditor(props: MappingEditorProps) {
  const { preview, tables, target, rows, keyChoice } = props;
  const targetTable = target.kind === 'existing' ? tables.find((t) => t.id === target.tableId) : undefined;
  const columns = [...(targetTable?.columns ?? [])].sort((a, b) => a.position - b.position);
  const update = (index: number, patch: Partial<MappingRow>) =>
    props.onRows(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  return (
    <section className="import-mapping" aria-label="Destination">
      <div className="form-row">
        <label className="field checkbox">
          <input
            type="radio"
            name="import-target"
            checked={target.kind === 'new'}
            onChange={() => props.onTarget({ kind: 'new', name: props.newTableName })}
            data-testid="import-target-kind-new"
          />
          <span>New table</span>
        </label>
        <input
          className="grow"
          aria-label="New table name"
          value={target.kind === 'new' ? target.name : props.newTableName}
          disabled={target.kind !== 'new'}
          maxLength={120}
          onChange={(e) => props.onTarget({ kind: 'new', name: e.target.value })}
          data-testid="import-target-new-name"
        />
        <label className="field checkbox">
          <input
            type="radio"
            name="import-target"
            checked={target.kind === 'existing'}
            disabled={tables.length === 0}
            onChange={() => tables[0] && props.onTarget({ kind: 'existing', tableId: tables[0].id })}
            data-testid="import-target-kind-existing"
          />
          <span>Existing table</span>
        </label>
        <select
          aria-label="Existing table"
          value={target.kind === 'existing' ? target.tableId : ''}
          disabled={target.kind !== 'existing'}
          onChange={(e) => props.onTarget({ kind: 'existing', tableId: Number(e.target.value) })}
          data-testid="import-target-existing"
        >
          {target.kind !== 'existing' && <option value="">Choose…</option>}
          {tables.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </div>

      <div className="mapping-scroll">
        <table className="mapping-table">
          <thead>
            <tr>
              <th>Source column</th>
              <th>Sample</th>
              <th>Goes into</th>
              <th>New column name</th>
              <th>Type</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a source column is identified by its position
              <tr key={i} className={row.target === 'skip' ? 'skipped' : undefined}>
                <td className="mapping-source">{sourceName(preview, i)}</td>
                <td className="mapping-sample" title={sampleValue(preview, i)}>
                  {sampleValue(preview, i)}
                </td>
                <td>
                  <select
                    aria-label={`Target for ${sourceName(preview, i)}`}
                    value={row.target}
                    onChange={(e) => update(i, { target: e.target.value })}
                    data-testid={`import-map-${i}`}
                  >
                    {columns.map((c) => (
                      <option key={c.id} value={`c${c.id}`}>
                        {c.name}
                      </option>
                    ))}
                    <option value="new">New column</option>
                    <option value="skip">Skip</option>
                  </select>
                </td>
                <td>
                  {row.target === 'new' && (
                    <input
                      aria-label={`New column name for ${sourceName(preview, i)}`}
                      value={row.name}
                      maxLength={120}
                      onChange={(e) => update(i, { name: e.target.value })}
                      data-testid={`import-map-${i}-name`}
                    />
                  )}
                </td>
                <td>
                  {row.target === 'new' && (
                    <select
                      aria-label={`Type for ${sourceName(preview, i)}`}
                      value={row.type}
                      onChange={(e) => update(i, { type: e.target.value as ColumnType })}
                      data-testid={`import-map-${i}-type`}
                    >
                      {COLUMN_TYPES.map((t) => (
                        <option key={t} value={t}>
                          {TYPE_LABELS[t]}
                        </option>
                      ))}
                    </select>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="form-row">
        <label className="field inline">
          <span>Key column</span>
          <select
            value={keyChoice.source ?? ''}
            onChange={(e) =>
              props.onKey({ ...keyChoice, source: e.target.value === '' ? null : Number(e.target.value) })
            }
            data-testid="import-key"
          >
            <option value="">None — import every row</option>
            {rows.map((_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a source column is identified by its position
              <option key={i} value={i}>
                {sourceName(preview, i)}
              </option>
            ))}
          </select>
        </label>
        {keyChoice.source !== null && (
          <>
            <label className="field checkbox">
              <input
                type="radio"
                name="import-duplicates"
                checked={keyChoice.onDuplicate === 'skip'}
                onChange={() => props.onKey({ ...keyChoice, onDuplicate: 'skip' })}
                data-testid="import-key-skip"
              />
              <span>Skip duplicates</span>
            </label>
            <label className="field checkbox">
              <input
                type="radio"
                name="import-duplicates"
                checked={keyChoice.onDuplicate === 'merge'}
                onChange={() => props.onKey({ ...keyChoice, onDuplicate: 'merge' })}
                data-testid="import-key-merge"
              />
              <span>Merge into existing rows</span>
            </label>
          </>
        )}
      </div>
    </section>
  );
}
