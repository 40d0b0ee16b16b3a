// The options of the generic "HTTP request" action: method, URL, headers and body (all
// may use {{Column}}), the fields to read from the JSON response by path, and the rate
// limit. The main process validates all of it; this only shapes the input.
import { COLUMN_TYPES, type ColumnType } from '@shared/model';
import { TYPE_LABELS } from '../grid/column-menu';

export interface HttpField {
  path: string;
  column: string;
  type: ColumnType;
}

export interface HttpRequestDraft {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: string;
  body: string;
  fields: HttpField[];
  ratePerSecond: number;
}

export const emptyHttpDraft = (): HttpRequestDraft => ({
  method: 'GET',
  url: '',
  headers: '',
  body: '',
  fields: [{ path: '', column: '', type: 'text' }],
  ratePerSecond: 10,
});

/** Header lines "Name: value" into a record; a line without a colon is an error. */
export function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const at = line.indexOf(':');
    if (at <= 0) throw new Error(`Header line ${i + 1} needs "Name: value".`);
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return headers;
}

/** Fields are keyed by position: the user names columns, not keys. */
export const httpFieldKey = (index: number): string => `f${index + 1}`;

export function httpOptions(draft: HttpRequestDraft): Record<string, unknown> {
  return {
    method: draft.method,
    url: draft.url.trim(),
    headers: parseHeaders(draft.headers),
    body: draft.method === 'GET' || draft.body.trim() === '' ? null : draft.body,
    outputs: draft.fields.map((f, i) => ({ key: httpFieldKey(i), path: f.path.trim() })),
    ratePerSecond: draft.ratePerSecond,
  };
}

interface Props {
  draft: HttpRequestDraft;
  onChange(draft: HttpRequestDraft): void;
}

export function HttpRequestForm({ draft, onChange }: Props) {
  const set = (patch: Partial<HttpRequestDraft>) => onChange({ ...draft, ...patch });
  const setField = (i: number, patch: Partial<HttpField>) =>
    set({ fields: draft.fields.map((f, j) => (j === i ? { ...f, ...patch } : f)) });
  return (
    <>
      <div className="form-row">
        <label className="field">
          <span>Method</span>
          <select
            value={draft.method}
            onChange={(e) => set({ method: e.target.value as HttpRequestDraft['method'] })}
            data-testid="http-method"
          >
            {['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label className="field grow">
          <span>URL</span>
          <input
            value={draft.url}
            onChange={(e) => set({ url: e.target.value })}
            placeholder="https://api.example.com/companies?domain={{Website}}"
            spellCheck={false}
            data-testid="http-url"
          />
        </label>
      </div>
      <label className="field">
        <span>Headers (one “Name: value” a line; values may use {'{{Column}}'})</span>
        <textarea
          rows={2}
          value={draft.headers}
          onChange={(e) => set({ headers: e.target.value })}
          placeholder="Authorization: Bearer …"
          spellCheck={false}
          data-testid="http-headers"
        />
      </label>
      {draft.method !== 'GET' && (
        <label className="field">
          <span>Body (JSON; {'{{Column}}'} values are escaped for you)</span>
          <textarea
            rows={3}
            value={draft.body}
            onChange={(e) => set({ body: e.target.value })}
            spellCheck={false}
            data-testid="http-body"
          />
        </label>
      )}
      <fieldset className="field-group">
        <legend>Fields to read from the response</legend>
        <table className="mapping-table">
          <thead>
            <tr>
              <th>JSON path</th>
              <th>Column</th>
              <th>Type</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {draft.fields.map((f, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, never reordered
              <tr key={i}>
                <td>
                  <input
                    value={f.path}
                    onChange={(e) => setField(i, { path: e.target.value })}
                    placeholder="data.company.size"
                    spellCheck={false}
                    data-testid={`http-field-path-${i}`}
                  />
                </td>
                <td>
                  <input
                    value={f.column}
                    onChange={(e) => setField(i, { column: e.target.value })}
                    placeholder="Column name"
                    data-testid={`http-field-column-${i}`}
                  />
                </td>
                <td>
                  <select
                    value={f.type}
                    onChange={(e) => setField(i, { type: e.target.value as ColumnType })}
                    data-testid={`http-field-type-${i}`}
                  >
                    {COLUMN_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {TYPE_LABELS[t]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label="Remove this field"
                    disabled={draft.fields.length === 1}
                    onClick={() => set({ fields: draft.fields.filter((_, j) => j !== i) })}
                  >
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button
          type="button"
          className="link-button"
          onClick={() =>
            set({
              fields: [...draft.fields, { path: '', column: '', type: 'text' }],
            })
          }
          data-testid="http-add-field"
        >
          + Another field
        </button>
      </fieldset>
      <label className="field inline">
        <span>At most</span>
        <input
          type="number"
          min={0.1}
          max={100000}
          step="any"
          value={draft.ratePerSecond}
          onChange={(e) => set({ ratePerSecond: Number(e.target.value) })}
          data-testid="http-rate"
        />
        <span>calls a second</span>
      </label>
    </>
  );
}
