// An enrichment column's settings that can change after it was added: its name, the
// "only run if" condition, and auto-run with its credit cap. Results already in cells
// stay; the next run uses the new settings.
import type { EnrichmentInfo } from '@shared/enrichment';
import { type FormEvent, useState } from 'react';
import { call, errorMessage } from '../api';
import { FormError } from '../components/form-error';
import { Modal } from '../components/modal';
import { type RunRules, RunRulesFields } from './run-rules-fields';

interface Props {
  enrichment: EnrichmentInfo;
  onClose(): void;
  onSaved(): void;
}

export function EnrichmentSettingsDialog({ enrichment, onClose, onSaved }: Props) {
  const [name, setName] = useState(enrichment.name);
  const [rules, setRules] = useState<RunRules>({
    condition: enrichment.config.condition ?? '',
    autoRun: enrichment.config.autoRun,
    creditCap: enrichment.config.creditCap ?? 100,
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call('enrichments/update', {
        enrichmentId: enrichment.id,
        name: name.trim(),
        condition: rules.condition.trim() || null,
        autoRun: rules.autoRun,
        creditCap: rules.autoRun ? rules.creditCap : null,
      });
      onSaved();
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Modal title="Enrichment settings" onClose={onClose} testId="enrichment-settings-dialog">
      <form className="form" onSubmit={submit}>
        <p className="muted">Action: {enrichment.config.actionId}</p>
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={120} />
        </label>
        <RunRulesFields rules={rules} onChange={setRules} testIdPrefix="settings" />
        <FormError message={error} />
        <div className="modal-footer">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !name.trim()}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
