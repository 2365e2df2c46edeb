/*
 * Power controls of one VM: pause/resume directly; reset, power down and quit behind a
 * confirmation, holding the POWER lease for the operation. Results go to the notices.
 */
import { useState } from 'react';
import type { VmOpName } from '../../shared/ipc';
import { isDestructive, vmOp } from '../stores/actions';

const OPS: { op: VmOpName; label: string }[] = [
  { op: 'pause', label: 'Pause' },
  { op: 'resume', label: 'Resume' },
  { op: 'reset', label: 'Reset' },
  { op: 'powerdown', label: 'Power down' },
  { op: 'quit', label: 'Quit' },
];

/** Pause/resume/reset/power down/quit for one VM. */
export function PowerBar({ endpoint, name }: { endpoint: number; name: string }) {
  const [confirm, setConfirm] = useState<VmOpName | null>(null);
  const [busy, setBusy] = useState(false);
  const run = (op: VmOpName): void => {
    setBusy(true);
    void vmOp(endpoint, op).finally(() => setBusy(false));
  };
  return (
    <div className="power-bar" role="toolbar" aria-label="Power">
      {OPS.map(({ op, label }) => (
        <button
          key={op}
          disabled={busy}
          className={isDestructive(op) ? 'danger' : ''}
          onClick={() => (isDestructive(op) ? setConfirm(op) : run(op))}
        >
          {label}
        </button>
      ))}
      {confirm && (
        <div role="dialog" aria-modal="true" aria-label="Confirm" className="dialog">
          <p>
            {OPS.find((o) => o.op === confirm)!.label} <strong>{name}</strong>? This takes the POWER lease and
            cannot be undone.
          </p>
          <div className="row-actions">
            <button
              className="danger"
              autoFocus
              onClick={() => {
                setConfirm(null);
                run(confirm);
              }}
            >
              Confirm
            </button>
            <button onClick={() => setConfirm(null)}>Cancel</button>
          </div>
        </div>
      )}
    </div>
  );
}
