/*
 * The send-key menu of the input bar: chords the operator's own keyboard cannot send to the
 * guest (the desktop takes them). Ctrl+Alt+Del asks first, naming the VM; Alt+SysRq takes a
 * letter or digit from a small dialog. Chords go out as presses in order, releases reversed.
 */
import { useState } from 'react';
import { SEND_KEY_CHORDS, SYSRQ_COMMANDS, type SendKeyChord, sysrqChord } from '../input/send-keys';

type Pending = { kind: 'confirm'; chord: SendKeyChord } | { kind: 'sysrq' } | null;

/** The menu button, its menu, and the confirmation / SysRq dialogs; `send` presses a chord on the VM. */
export function SendKeyMenu({
  send,
  vmName,
  enabled,
}: {
  send: (codes: readonly number[]) => void;
  vmName: string;
  enabled: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState<Pending>(null);
  const [sysrqKey, setSysrqKey] = useState('h');
  const pick = (chord: SendKeyChord): void => {
    setOpen(false);
    if (chord.confirm) setPending({ kind: 'confirm', chord });
    else send(chord.codes);
  };
  return (
    <div className="menu-wrap">
      <button
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((m) => !m)}
        disabled={!enabled}
      >
        Send key
      </button>
      {open && (
        <ul role="menu" aria-label="Send key" className="menu">
          {SEND_KEY_CHORDS.map((k) => (
            <li key={k.label} role="none">
              <button role="menuitem" onClick={() => pick(k)}>
                {k.label}
              </button>
            </li>
          ))}
          <li role="none">
            <button
              role="menuitem"
              onClick={() => {
                setOpen(false);
                setPending({ kind: 'sysrq' });
              }}
            >
              Alt+SysRq+key…
            </button>
          </li>
        </ul>
      )}
      {pending?.kind === 'confirm' && (
        <div role="dialog" aria-modal="true" aria-label={`Send ${pending.chord.label}`} className="dialog">
          <p>
            Send {pending.chord.label} to <strong>{vmName}</strong>? {pending.chord.confirm}
          </p>
          <div className="row-actions">
            <button
              className="danger"
              autoFocus
              onClick={() => {
                setPending(null);
                send(pending.chord.codes);
              }}
            >
              Send {pending.chord.label}
            </button>
            <button onClick={() => setPending(null)}>Cancel</button>
          </div>
        </div>
      )}
      {pending?.kind === 'sysrq' && (
        <div role="dialog" aria-modal="true" aria-label="Send Alt+SysRq" className="dialog">
          <label>
            Alt+SysRq+{' '}
            <select value={sysrqKey} onChange={(e) => setSysrqKey(e.target.value)}>
              {SYSRQ_COMMANDS.map((c) => (
                <option key={c.key} value={c.key}>
                  {c.key} ({c.what})
                </option>
              ))}
            </select>
          </label>
          <div className="row-actions">
            <button
              autoFocus
              onClick={() => {
                setPending(null);
                send(sysrqChord(sysrqKey));
              }}
            >
              Send to {vmName}
            </button>
            <button onClick={() => setPending(null)}>Cancel</button>
          </div>
        </div>
      )}
    </div>
  );
}
