// The options an action declares (ActionInfo.options), as fields of the Add column form:
// a checkbox for a yes/no option, a bounded whole number for a count. The main process
// checks the values again; this only keeps the form honest about what each one does.
import type { ActionOption } from '@shared/enrichment';

export type OptionValues = Record<string, boolean | number>;

/** Every declared option with its default, overridden by what the user set. */
export function optionValues(options: ActionOption[] | undefined, set: OptionValues): OptionValues {
  return Object.fromEntries((options ?? []).map((o) => [o.key, set[o.key] ?? o.default]));
}

export function ActionOptionFields({
  options,
  values,
  onChange,
}: {
  options: ActionOption[] | undefined;
  values: OptionValues;
  onChange(values: OptionValues): void;
}) {
  if (!options?.length) return null;
  const current = optionValues(options, values);
  const set = (key: string, value: boolean | number) => onChange({ ...values, [key]: value });
  return (
    <fieldset className="field-group">
      <legend>Options</legend>
      {options.map((o) => (
        <div key={o.key}>
          {o.type === 'boolean' ? (
            <label className="field checkbox">
              <input
                type="checkbox"
                checked={current[o.key] === true}
                onChange={(e) => set(o.key, e.target.checked)}
                data-testid={`add-column-option-${o.key}`}
              />
              <span>{o.label}</span>
            </label>
          ) : (
            <label className="field inline">
              <span>{o.label}</span>
              <input
                type="number"
                min={o.min}
                max={o.max}
                step={1}
                value={Number(current[o.key])}
                onChange={(e) => {
                  const n = Math.round(Number(e.target.value));
                  set(o.key, Number.isFinite(n) ? Math.min(o.max, Math.max(o.min, n)) : o.default);
                }}
                data-testid={`add-column-option-${o.key}`}
              />
            </label>
          )}
          {o.hint && <p className="form-hint">{o.hint}</p>}
        </div>
      ))}
    </fieldset>
  );
}
