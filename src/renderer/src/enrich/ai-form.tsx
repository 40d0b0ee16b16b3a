// The options of "Enrich with AI": the prompt (with a picker that inserts `{{Column}}`),
// the kind of answer — text, number, true/false, one of a list, or JSON following a
// schema — and the model settings, with the base URL of an OpenAI-compatible server
// (Ollama, LM Studio, vLLM) under Advanced. The main process validates all of it; this
// shapes the input, shows a JSON Schema that does not parse as you type, and picks the
// column type the answer lands in.
import type { ColumnInfo, ColumnType } from '@shared/model';
import { useRef } from 'react';
import { FormError } from '../components/form-error';

export type AiOutputType = 'text' | 'number' | 'boolean' | 'choice' | 'json';

export interface AiDraft {
  prompt: string;
  outputType: AiOutputType;
  choices: string[];
  /** the JSON Schema as typed */
  schema: string;
  model: string;
  temperature: number;
  baseUrl: string;
  systemPrompt: string;
  /** empty: no limit */
  maxTokens: string;
}

export const emptyAiDraft = (): AiDraft => ({
  prompt: '',
  outputType: 'text',
  choices: ['', ''],
  schema: '',
  model: 'gpt-4o-mini',
  temperature: 0,
  baseUrl: '',
  systemPrompt: '',
  maxTokens: '',
});

const OUTPUT_LABELS: Record<AiOutputType, string> = {
  text: 'Text',
  number: 'Number',
  boolean: 'True / false',
  choice: 'One of a list',
  json: 'JSON (your schema)',
};

/** The column type each kind of answer lands in, so numbers and booleans stay typed. */
export const AI_COLUMN_TYPES: Record<AiOutputType, ColumnType> = {
  text: 'text',
  number: 'number',
  boolean: 'boolean',
  choice: 'text',
  json: 'json',
};

const SCHEMA_EXAMPLE = `{
  "type": "object",
  "properties": {
    "seniority": { "type": "string", "enum": ["junior", "senior", "executive"] },
    "decisionMaker": { "type": "boolean" }
  },
  "required": ["seniority", "decisionMaker"]
}`;

/** Why the schema text is not a JSON object, or null when it is (or is still empty). */
export function schemaError(text: string): string | null {
  if (text.trim() === '') return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? null
      : 'The schema must be a JSON object.';
  } catch (error) {
    return `The schema is not valid JSON: ${(error as Error).message}`;
  }
}

export function aiOptions(draft: AiDraft): Record<string, unknown> {
  const options: Record<string, unknown> = {
    prompt: draft.prompt,
    outputType: draft.outputType,
    model: draft.model.trim(),
    temperature: draft.temperature,
  };
  if (draft.outputType === 'choice')
    options.choices = draft.choices.map((c) => c.trim()).filter((c) => c !== '');
  if (draft.outputType === 'json') {
    if (draft.schema.trim() === '') throw new Error('Write the JSON Schema the answer must follow.');
    const problem = schemaError(draft.schema);
    if (problem) throw new Error(problem);
    options.schema = JSON.parse(draft.schema);
  }
  if (draft.baseUrl.trim()) options.baseUrl = draft.baseUrl.trim();
  if (draft.systemPrompt.trim()) options.systemPrompt = draft.systemPrompt;
  if (draft.maxTokens.trim()) {
    const max = Number(draft.maxTokens);
    if (!Number.isInteger(max) || max < 1)
      throw new Error('Max tokens must be a whole number of at least 1.');
    options.maxTokens = max;
  }
  return options;
}

interface Props {
  draft: AiDraft;
  onChange(draft: AiDraft): void;
  /** the columns the prompt can use */
  columns: ColumnInfo[];
}

export function AiForm({ draft, onChange, columns }: Props) {
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const set = (patch: Partial<AiDraft>) => onChange({ ...draft, ...patch });

  /** Puts `{{Name}}` where the cursor is (or replaces the selection) and keeps the cursor after it. */
  const insertColumn = (name: string) => {
    const area = promptRef.current;
    const token = `{{${name}}}`;
    const start = area?.selectionStart ?? draft.prompt.length;
    const end = area?.selectionEnd ?? draft.prompt.length;
    set({ prompt: draft.prompt.slice(0, start) + token + draft.prompt.slice(end) });
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const setChoice = (i: number, value: string) =>
    set({ choices: draft.choices.map((c, j) => (j === i ? value : c)) });

  return (
    <>
      <label className="field">
        <span>Prompt (use {'{{Column}}'} for a row’s values)</span>
        <textarea
          ref={promptRef}
          rows={4}
          value={draft.prompt}
          onChange={(e) => set({ prompt: e.target.value })}
          placeholder="Is {{Title}} at {{Company}} likely to buy accounting software?"
          data-testid="ai-prompt"
        />
      </label>
      <div className="form-row">
        <label className="field inline">
          <span>Insert column</span>
          <select
            value=""
            onChange={(e) => {
              if (e.target.value) insertColumn(e.target.value);
            }}
            data-testid="ai-insert-column"
          >
            <option value="">—</option>
            {columns.map((c) => (
              <option key={c.id} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Answer</span>
          <select
            value={draft.outputType}
            onChange={(e) => set({ outputType: e.target.value as AiOutputType })}
            data-testid="ai-output-type"
          >
            {(Object.keys(OUTPUT_LABELS) as AiOutputType[]).map((t) => (
              <option key={t} value={t}>
                {OUTPUT_LABELS[t]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {draft.outputType === 'choice' && (
        <fieldset className="field-group">
          <legend>Choices (the answer is exactly one of them)</legend>
          {draft.choices.map((choice, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: choices are edited in place, never reordered
            <div className="field inline" key={i}>
              <input
                value={choice}
                onChange={(e) => setChoice(i, e.target.value)}
                placeholder={`Choice ${i + 1}`}
                aria-label={`Choice ${i + 1}`}
                data-testid={`ai-choice-${i}`}
              />
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove choice ${i + 1}`}
                disabled={draft.choices.length <= 2}
                onClick={() => set({ choices: draft.choices.filter((_, j) => j !== i) })}
              >
                ×
              </button>
            </div>
          ))}
          <button
            type="button"
            className="link-button"
            onClick={() => set({ choices: [...draft.choices, ''] })}
            data-testid="ai-add-choice"
          >
            + Another choice
          </button>
        </fieldset>
      )}
      {draft.outputType === 'json' && (
        <label className="field">
          <span>JSON Schema of the answer (an object; every property is required)</span>
          <textarea
            rows={7}
            value={draft.schema}
            onChange={(e) => set({ schema: e.target.value })}
            placeholder={SCHEMA_EXAMPLE}
            spellCheck={false}
            data-testid="ai-schema"
          />
          <FormError message={schemaError(draft.schema)} />
        </label>
      )}
      <div className="form-row">
        <label className="field grow">
          <span>Model</span>
          <input
            value={draft.model}
            onChange={(e) => set({ model: e.target.value })}
            placeholder="gpt-4o-mini"
            spellCheck={false}
            data-testid="ai-model"
          />
        </label>
        <label className="field">
          <span>Temperature (0–2)</span>
          <input
            type="number"
            min={0}
            max={2}
            step={0.1}
            value={draft.temperature}
            onChange={(e) => set({ temperature: Number(e.target.value) })}
            data-testid="ai-temperature"
          />
        </label>
      </div>
      <details>
        <summary>Advanced</summary>
        <div className="form">
          <label className="field">
            <span>Base URL of an OpenAI-compatible server (empty: OpenAI)</span>
            <input
              value={draft.baseUrl}
              onChange={(e) => set({ baseUrl: e.target.value })}
              placeholder="http://localhost:11434/v1"
              spellCheck={false}
              data-testid="ai-base-url"
            />
            <span className="form-hint">
              Ollama, LM Studio or vLLM. Your OpenAI key is never sent there; a key for such a server goes in
              Settings → Providers.
            </span>
          </label>
          <label className="field">
            <span>System prompt (optional)</span>
            <textarea
              rows={2}
              value={draft.systemPrompt}
              onChange={(e) => set({ systemPrompt: e.target.value })}
              data-testid="ai-system-prompt"
            />
          </label>
          <label className="field inline">
            <span>Max tokens</span>
            <input
              type="number"
              min={1}
              step={1}
              value={draft.maxTokens}
              onChange={(e) => set({ maxTokens: e.target.value })}
              placeholder="no limit"
              data-testid="ai-max-tokens"
            />
          </label>
        </div>
      </details>
    </>
  );
}
