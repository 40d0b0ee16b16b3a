// A modal built on the native <dialog>: the browser traps focus, handles Escape and
// renders the backdrop, so every dialog in the app behaves the same way.
import { type ReactNode, useEffect, useRef } from 'react';

interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  /** Escape and the close button do nothing while e.g. an upload is running. */
  dismissable?: boolean;
  wide?: boolean;
  testId?: string;
}

export function Modal({
  title,
  onClose,
  children,
  footer,
  dismissable = true,
  wide = false,
  testId,
}: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className={wide ? 'modal modal-wide' : 'modal'}
      data-testid={testId}
      aria-label={title}
      onCancel={(e) => {
        e.preventDefault();
        if (dismissable) onClose();
      }}
    >
      <header className="modal-header">
        <h2>{title}</h2>
        {dismissable && (
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        )}
      </header>
      <div className="modal-body">{children}</div>
      {footer && <footer className="modal-footer">{footer}</footer>}
    </dialog>
  );
}
