// The options an action declares (ActionInfo.options), as fields of the Add column form:
// a checkbox for a yes/no option, a bounded whole number for a count, a line of text, a
// set of checkboxes for "any of these". The main process checks the values again; this
// only keeps the form honest about what each one does.
import type { ActionOption, ActionOptionValue } from '@shared/enrichment';
import type { ReactNode } from 'react';

export type OptionValues = Record<string, ActionOptionValue>;

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
  const set = (key: string, value: ActionOptionValue) => onChange({ ...values, [key]: value });
  return (
    <fieldset className="field-group">
      <legend>Options</legend>
      {options.map((o) => (
        <div key={o.key}>
          {field(o, current[o.key], (value) => set(o.key, value))}
          {o.hint && <p className="form-hint">{o.hint}</p>}
        </div>
      ))}
    </fieldset>
  );
}

function field(
  o: ActionOption,
  value: ActionOptionValue | undefined,
  set: (v: ActionOptionValue) => void,
): ReactNode {
  const testId = `add-column-option-${o.key}`;
  switch (o.type) {
    case 'boolean':
      return (
        <label className="field checkbox">
          <input
            type="checkbox"
            checked={value === true}
            onChange={(e) => set(e.target.checked)}
            data-testid={testId}
          />
          <span>{o.label}</span>
        </label>
      );
    case 'integer':
      return (
        <label className="field inline">
          <span>{o.label}</span>
          <input
            type="number"
            min={o.min}
            max={o.max}
            step={1}
            value={Number(value)}
            onChange={(e) => {
              const n = Math.round(Number(e.target.value));
              set(Number.isFinite(n) ? Math.min(o.max, Math.max(o.min, n)) : o.default);
            }}
            data-testid={testId}
          />
        </label>
      );
    case 'text':
      return (
        <label className="field">
          <span>{o.label}</span>
          <input
            type="text"
            className={o.maxLength <= 8 ? 'input-short' : undefined}
            maxLength={o.maxLength}
            placeholder={o.placeholder}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => set(e.target.value)}
            data-testid={testId}
          />
        </label>
      );
    case 'choices': {
      const picked = Array.isArray(value) ? value : [];
      return (
        <fieldset className="field option-choices-field" data-testid={testId}>
          <legend>{o.label}</legend>
          <div className="option-choices">
            {o.choices.map((c) => (
              <label key={c.value} className="field checkbox">
                <input
                  type="checkbox"
                  checked={picked.includes(c.value)}
                  onChange={(e) =>
                    set(e.target.checked ? [...picked, c.value] : picked.filter((v) => v !== c.value))
                  }
                  data-testid={`${testId}-${c.value}`}
                />
                <span>{c.label}</span>
              </label>
            ))}
          </div>
        </fieldset>
      );
    }
  }
}
