// Promise-based confirm and prompt dialogs (Electron has no window.prompt, and the
// native confirm is blocking and unstyled): `await ask.confirm(...)`, `await ask.prompt(...)`.
import {
  createContext,
  type FormEvent,
  type ReactNode,
  useCallback,
  useContext,
  useMemo,
  useState,
} from 'react';
import { Modal } from './modal';

interface ConfirmOptions {
  title: string;
  message: string;
  confirmLabel?: string;
  danger?: boolean;
}
interface PromptOptions {
  title: string;
  label: string;
  initial?: string;
  confirmLabel?: string;
}

export interface Ask {
  confirm(options: ConfirmOptions): Promise<boolean>;
  prompt(options: PromptOptions): Promise<string | null>;
}

type Pending =
  | { kind: 'confirm'; options: ConfirmOptions; resolve: (ok: boolean) => void }
  | { kind: 'prompt'; options: PromptOptions; resolve: (value: string | null) => void };

const AskContext = createContext<Ask | null>(null);

export function DialogsProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);

  const ask = useMemo<Ask>(
    () => ({
      confirm: (options) => new Promise((resolve) => setPending({ kind: 'confirm', options, resolve })),
      prompt: (options) => new Promise((resolve) => setPending({ kind: 'prompt', options, resolve })),
    }),
    [],
  );

  const settle = useCallback(
    (value: boolean | string | null) => {
      if (!pending) return;
      if (pending.kind === 'confirm') pending.resolve(value === true);
      else pending.resolve(typeof value === 'string' ? value : null);
      setPending(null);
    },
    [pending],
  );

  return (
    <AskContext.Provider value={ask}>
      {children}
      {pending?.kind === 'confirm' && <ConfirmDialog options={pending.options} onDone={settle} />}
      {pending?.kind === 'prompt' && <PromptDialog options={pending.options} onDone={settle} />}
    </AskContext.Provider>
  );
}

function ConfirmDialog({ options, onDone }: { options: ConfirmOptions; onDone: (ok: boolean) => void }) {
  return (
    <Modal
      title={options.title}
      onClose={() => onDone(false)}
      testId="confirm-dialog"
      footer={
        <>
          <button type="button" onClick={() => onDone(false)} data-testid="confirm-cancel">
            Cancel
          </button>
          <button
            type="button"
            className={options.danger ? 'danger' : 'primary'}
            onClick={() => onDone(true)}
            data-testid="confirm-ok"
            // biome-ignore lint/a11y/noAutofocus: the dialog's main action takes focus, as in native dialogs
            autoFocus
          >
            {options.confirmLabel ?? 'OK'}
          </button>
        </>
      }
    >
      <p>{options.message}</p>
    </Modal>
  );
}

function PromptDialog({
  options,
  onDone,
}: {
  options: PromptOptions;
  onDone: (value: string | null) => void;
}) {
  const [value, setValue] = useState(options.initial ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onDone(value.trim());
  };
  return (
    <Modal title={options.title} onClose={() => onDone(null)} testId="prompt-dialog">
      <form onSubmit={submit} className="form">
        <label className="field">
          <span>{options.label}</span>
          <input
            value={value}
            onChange={(e) => setValue(e.target.value)}
            maxLength={120}
            data-testid="prompt-input"
            // biome-ignore lint/a11y/noAutofocus: the only field of the dialog
            autoFocus
            onFocus={(e) => e.currentTarget.select()}
          />
        </label>
        <div className="modal-footer">
          <button type="button" onClick={() => onDone(null)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!value.trim()} data-testid="prompt-ok">
            {options.confirmLabel ?? 'OK'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function useAsk(): Ask {
  const ask = useContext(AskContext);
  if (!ask) throw new Error('useAsk outside DialogsProvider');
  return ask;
}
