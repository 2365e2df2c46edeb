/*
 * The Add / Edit attached VM form: id, name, QMP socket, and optionally the VM's display
 * (vnc) and serial port, each a Unix socket path or host:port as in the configuration file.
 * The host checks them by the file's rules; its refusal is shown beside the field it names.
 */
import { type InputHTMLAttributes, useEffect, useRef, useState } from 'react';
import {
  type AttachedVmField,
  type AttachedVmValues,
  loadAttachedSettings,
  saveAttachedVm,
} from '../stores/attached-vm';

const EMPTY: AttachedVmValues = { id: '', name: '', qmp: '', vnc: '', serial: '' };

/** One labelled input with its own error line (announced, and tied to the input). */
function Field({
  field,
  label,
  values,
  error,
  onChange,
  hint,
  ...input
}: {
  field: AttachedVmField;
  label: string;
  values: AttachedVmValues;
  error: { field: AttachedVmField | null; text: string } | null;
  onChange: (field: AttachedVmField, value: string) => void;
  hint?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'>) {
  const bad = error?.field === field;
  const errorId = `attached-${field}-error`;
  return (
    <>
      <label>
        {label}{' '}
        <input
          {...input}
          value={values[field]}
          title={hint}
          aria-invalid={bad || undefined}
          aria-describedby={bad ? errorId : undefined}
          onChange={(e) => onChange(field, e.target.value)}
        />
      </label>
      {bad && (
        <div id={errorId} className="error small" role="alert">
          {error.text}
        </div>
      )}
    </>
  );
}

/** The form; `editId` edits that attached VM, else it adds one. `onDone` closes it (after saving, or on Cancel). */
export function AttachedForm({ editId, onDone }: { editId?: number; onDone: () => void }) {
  const [values, setValues] = useState(EMPTY);
  const [error, setError] = useState<{ field: AttachedVmField | null; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // The parent's callback changes each render; the settings are loaded once per VM.
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => {
    if (editId === undefined) return;
    void loadAttachedSettings(editId).then((s) => (s ? setValues(s) : done.current()));
  }, [editId]);
  const title = editId === undefined ? 'Add attached VM' : `Edit attached VM ${editId}`;
  const change = (field: AttachedVmField, value: string): void => {
    setValues((v) => ({ ...v, [field]: value }));
    // The refusal was about the old value: editing that field clears it.
    if (error?.field === field) setError(null);
  };
  const shared = { values, error, onChange: change };
  return (
    <form
      className="add-vm"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        void saveAttachedVm(editId !== undefined, values).then((refusal) => {
          setBusy(false);
          setError(refusal);
          if (!refusal) onDone();
        });
      }}
    >
      {editId !== undefined && <h3>{title}</h3>}
      {editId === undefined && (
        <Field {...shared} field="id" label="Id" type="number" min={1} max={63} required />
      )}
      <Field {...shared} field="name" label="Name" required maxLength={64} />
      <Field {...shared} field="qmp" label="QMP socket" required placeholder="/run/user/1000/vm.qmp" />
      <Field
        {...shared}
        field="vnc"
        label="Display (VNC)"
        placeholder="/run/user/1000/vm.vnc or 127.0.0.1:5901"
        hint="QEMU -vnc unix:PATH, or host:port; empty: no screen"
      />
      <Field
        {...shared}
        field="serial"
        label="Serial port"
        placeholder="/run/user/1000/vm.serial or 127.0.0.1:4555"
        hint="QEMU -serial unix:PATH,server=on,wait=off (or tcp:HOST:PORT,server=on,wait=off); empty: no serial pane"
      />
      {error && error.field === null && (
        <div className="error small" role="alert">
          {error.text}
        </div>
      )}
      <div className="row-actions">
        <button type="submit" disabled={busy}>
          {editId === undefined ? 'Add' : 'Save'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
