// "+ Column": a name and a type. The workbook creates the column; the grid reloads.
import { COLUMN_TYPES, type ColumnType } from '@shared/model';
import { type FormEvent, useState } from 'react';
import { call, errorMessage } from '../api';
import { TYPE_LABELS } from '../grid/column-menu';
import { Modal } from './modal';

interface AddColumnDialogProps {
  tableId: number;
  onClose(): void;
  onAdded(): void;
}

export function AddColumnDialog({ tableId, onClose, onAdded }: AddColumnDialogProps) {
  const [name, setName] = useState('');
  const [type, setType] = useState<ColumnType>('text');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      await call('columns/add', { tableId, name: name.trim(), type });
      onAdded();
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Modal title="Add column" onClose={onClose} testId="add-column-dialog">
      <form className="form" onSubmit={submit}>
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
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="modal-footer">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="primary"
            disabled={!name.trim() || busy}
            data-testid="add-column-submit"
          >
            Add column
          </button>
        </div>
      </form>
    </Modal>
  );
}
