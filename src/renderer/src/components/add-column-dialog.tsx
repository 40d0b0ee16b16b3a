// "+ Column": a plain typed column, or an enrichment column — an action, its inputs
// mapped to columns, its options, the fields that become columns, an optional "only run
// if" condition and auto-run with a credit cap. The main process validates the whole
// configuration; once added, the run dialog opens with its quote.
import type { ActionInfo, EnrichmentInfo } from '@shared/enrichment';
import { COLUMN_TYPES, type ColumnInfo, type ColumnType, type TableKind } from '@shared/model';
import { type FormEvent, useEffect, useState } from 'react';
import { call, errorMessage } from '../api';
import { ActionOptionFields, type OptionValues, optionValues } from '../enrich/action-option-fields';
import { ActionOptions, ActionProviders, useProviderList } from '../enrich/action-picker';
import { AI_COLUMN_TYPES, type AiDraft, AiForm, aiOptions, emptyAiDraft } from '../enrich/ai-form';
import {
  emptyHttpDraft,
  type HttpRequestDraft,
  HttpRequestForm,
  httpFieldKey,
  httpOptions,
} from '../enrich/http-request-form';
import { type RunRules, RunRulesFields } from '../enrich/run-rules-fields';
import { TYPE_LABELS } from '../grid/column-menu';
import { FormError } from './form-error';
import { Modal } from './modal';

interface AddColumnDialogProps {
  tableId: number;
  /** the open table's kind: its actions are listed first */
  tableKind?: TableKind;
  columns: ColumnInfo[];
  onClose(): void;
  onAdded(): void;
  /** an enrichment column was added: offer to run it */
  onEnrichmentAdded(enrichment: EnrichmentInfo): void;
}

type Mode = 'plain' | 'enrichment';

export function AddColumnDialog({
  tableId,
  tableKind,
  columns,
  onClose,
  onAdded,
  onEnrichmentAdded,
}: AddColumnDialogProps) {
  const [mode, setMode] = useState<Mode>('plain');
  const [name, setName] = useState('');
  const [type, setType] = useState<ColumnType>('text');
  const [actions, setActions] = useState<ActionInfo[]>([]);
  const [actionId, setActionId] = useState('');
  const [inputs, setInputs] = useState<Record<string, number>>({});
  const [picked, setPicked] = useState<Record<string, { on: boolean; name: string }>>({});
  const [optionsSet, setOptionsSet] = useState<OptionValues>({});
  const [http, setHttp] = useState<HttpRequestDraft>(emptyHttpDraft);
  const [ai, setAi] = useState<AiDraft>(emptyAiDraft);
  const [rules, setRules] = useState<RunRules>({ condition: '', autoRun: false, creditCap: 100 });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call('actions/list', {})
      .then((list) => {
        setActions(list);
        setActionId((current) => current || (list[0]?.id ?? ''));
      })
      .catch((err) => setError(errorMessage(err)));
  }, []);
  const action = actions.find((a) => a.id === actionId) ?? null;
  const providerList = useProviderList();
  const isHttp = actionId === 'http.request';
  const isAi = actionId === 'ai.enrich';

  const submitPlain = async () => {
    await call('columns/add', { tableId, name: name.trim(), type });
    onAdded();
    onClose();
  };

  const submitEnrichment = async () => {
    if (!action) return;
    let options: Record<string, unknown> = {};
    let outputs: { key: string; name: string; type: ColumnType }[];
    if (isHttp) {
      options = httpOptions(http);
      outputs = http.fields.map((f, i) => ({
        key: httpFieldKey(i),
        name: f.column.trim() || (http.fields.length === 1 ? name.trim() : `${name.trim()} ${i + 1}`),
        type: f.type,
      }));
    } else if (isAi) {
      options = aiOptions(ai);
      outputs = [{ key: 'value', name: name.trim(), type: AI_COLUMN_TYPES[ai.outputType] }];
    } else {
      options = optionValues(action.options, optionsSet);
      outputs = action.outputs
        .filter((o) => picked[o.key]?.on ?? true)
        .map((o) => ({ key: o.key, name: picked[o.key]?.name.trim() || o.label, type: o.type }));
    }
    if (outputs.length === 0) throw new Error('Pick at least one field to become a column.');
    const enrichment = await call('enrichments/add', {
      tableId,
      name: name.trim(),
      config: {
        actionId: action.id,
        inputs,
        options,
        condition: rules.condition.trim() || null,
        outputs,
        autoRun: rules.autoRun,
        creditCap: rules.autoRun ? rules.creditCap : null,
      },
    });
    onAdded();
    onEnrichmentAdded(enrichment);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      if (mode === 'plain') await submitPlain();
      else await submitEnrichment();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const dataColumns = columns.filter((c) => c.enrichmentId === null);

  return (
    <Modal title="Add column" onClose={onClose} wide={mode === 'enrichment'} testId="add-column-dialog">
      <form className="form" onSubmit={submit}>
        <div className="segmented" role="tablist" aria-label="Kind of column">
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'plain'}
            className={mode === 'plain' ? 'active' : ''}
            onClick={() => setMode('plain')}
            data-testid="add-column-plain"
          >
            Plain column
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'enrichment'}
            className={mode === 'enrichment' ? 'active' : ''}
            onClick={() => setMode('enrichment')}
            data-testid="add-column-enrichment"
          >
            Enrichment
          </button>
        </div>
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={120}
            data-testid="add-column-name"
            // biome-ignore lint/a11y/noAutofocus: the dialog's first field
            autoFocus
          />
        </label>
        {mode === 'plain' ? (
          <label className="field">
            <span>Type</span>
            <select
              value={type}
              onChange={(e) => setType(e.target.value as ColumnType)}
              data-testid="add-column-type"
            >
              {COLUMN_TYPES.map((t) => (
                <option key={t} value={t}>
                  {TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <>
            <label className="field">
              <span>Action</span>
              <select
                value={actionId}
                onChange={(e) => {
                  setActionId(e.target.value);
                  setInputs({});
                  setPicked({});
                  setOptionsSet({});
                }}
                data-testid="add-column-action"
              >
                <ActionOptions actions={actions} tableKind={tableKind} />
              </select>
              {action && <span className="form-hint">{action.description}</span>}
              <ActionProviders action={action} list={providerList} />
            </label>
            {action && action.inputs.length > 0 && (
              <fieldset className="field-group">
                <legend>Inputs</legend>
                {action.inputs.map((input) => (
                  <label className="field inline" key={input.key}>
                    <span>
                      {input.label}
                      {input.required ? '' : ' (optional)'}
                    </span>
                    <select
                      value={inputs[input.key] ?? ''}
                      onChange={(e) => {
                        const next = { ...inputs };
                        if (e.target.value === '') delete next[input.key];
                        else next[input.key] = Number(e.target.value);
                        setInputs(next);
                      }}
                      data-testid={`add-column-input-${input.key}`}
                    >
                      <option value="">—</option>
                      {dataColumns.map((c) => (
                        <option key={c.id} value={c.id}>
                          {c.name}
                        </option>
                      ))}
                    </select>
                  </label>
                ))}
              </fieldset>
            )}
            {!isHttp && !isAi && (
              <ActionOptionFields options={action?.options} values={optionsSet} onChange={setOptionsSet} />
            )}
            {isHttp ? (
              <HttpRequestForm draft={http} onChange={setHttp} />
            ) : isAi ? (
              <AiForm draft={ai} onChange={setAi} columns={dataColumns} />
            ) : (
              action &&
              action.outputs.length > 0 && (
                <fieldset className="field-group">
                  <legend>Fields that become columns</legend>
                  {action.outputs.map((o) => (
                    <div className="field inline" key={o.key}>
                      <input
                        type="checkbox"
                        checked={picked[o.key]?.on ?? true}
                        onChange={(e) =>
                          setPicked({
                            ...picked,
                            [o.key]: { on: e.target.checked, name: picked[o.key]?.name ?? o.label },
                          })
                        }
                        aria-label={`Add ${o.label}`}
                      />
                      <input
                        value={picked[o.key]?.name ?? o.label}
                        onChange={(e) =>
                          setPicked({
                            ...picked,
                            [o.key]: { on: picked[o.key]?.on ?? true, name: e.target.value },
                          })
                        }
                        aria-label={`Column name for ${o.label}`}
                      />
                      <span className="muted">{TYPE_LABELS[o.type]}</span>
                    </div>
                  ))}
                </fieldset>
              )
            )}
            <RunRulesFields rules={rules} onChange={setRules} testIdPrefix="add-column" />
          </>
        )}
        <FormError message={error} />
        <div className="modal-footer">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="primary"
            disabled={!name.trim() || busy || (mode === 'enrichment' && !action)}
            data-testid="add-column-submit"
          >
            {mode === 'plain' ? 'Add column' : 'Add and review the run…'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
