/*
 * The frame shared by the screen toolbar's modal dialogs (Paste…, Macros…): the button
 * that opens one, the dialog box, and its action row (run, or cancel while it runs; Close).
 */
import type { ReactNode } from 'react';

/** The `opener` button and, while `open`, a modal dialog named `label` holding `children`. */
export function ActionDialog({
  opener,
  label,
  enabled,
  open,
  setOpen,
  children,
}: {
  opener: string;
  label: string;
  enabled: boolean;
  open: boolean;
  setOpen: (open: boolean) => void;
  children: ReactNode;
}) {
  return (
    <>
      <button onClick={() => setOpen(true)} disabled={!enabled || open}>
        {opener}
      </button>
      {open && (
        <div role="dialog" aria-modal="true" aria-label={label} className="dialog">
          {children}
        </div>
      )}
    </>
  );
}

/** The action row: while `busy` (its text) a danger `cancel` button, else `children` and Close. */
export function DialogActions({
  busy,
  cancel,
  onCancel,
  onClose,
  children,
}: {
  busy: string | null;
  cancel: string;
  onCancel: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <div className="row-actions">
      {busy !== null ? (
        <>
          <span>{busy}</span>
          <button className="danger" onClick={onCancel}>
            {cancel}
          </button>
        </>
      ) : (
        <>
          {children}
          <button onClick={onClose}>Close</button>
        </>
      )}
    </div>
  );
}
