/*
 * Input controls of one VM: Grab input / Release (the INPUT lease) with the holder shown
 * when it is someone else, the "preempted by …" notice, the send-key menu and the held
 * keys list (CMD_QUERY_INPUT) with "release all".
 */
import { useState } from 'react';
import { SEND_KEYS, grab, queryHeld, releaseAllHeld, sendChord, ungrab } from '../stores/actions';
import { useInput } from '../stores/input';
import { leaseHolder, useLeases } from '../stores/leases';
import { useNotices } from '../stores/notices';
import { keyName } from '../input/evdev-keys';

/** Grab/release, send keys, held keys. */
export function InputBar({ endpoint }: { endpoint: number }) {
  const holder = useLeases((s) => leaseHolder(s.leases, endpoint, 'INPUT'));
  const grabbed = useInput((s) => s.grabbed === endpoint);
  const held = useInput((s) => s.held[endpoint]);
  const preempted = useNotices((s) => s.preempted[endpoint]);
  const [menu, setMenu] = useState(false);
  const mine = holder?.mine === true;
  return (
    <div className="input-bar" role="toolbar" aria-label="Input">
      {grabbed || mine ? (
        <button onClick={() => void ungrab(endpoint)}>Release</button>
      ) : (
        <button onClick={() => void grab(endpoint)}>Grab input</button>
      )}
      <span className="lease-owner" aria-label="Input lease owner">
        {holder
          ? mine
            ? 'INPUT lease: you'
            : `INPUT lease held by ${holder.controlName} (principal ${holder.principal})`
          : 'INPUT lease free'}
      </span>
      {preempted && (
        <span className="preempted" role="alert">
          {preempted}
        </span>
      )}
      <div className="menu-wrap">
        <button aria-haspopup="menu" aria-expanded={menu} onClick={() => setMenu((m) => !m)} disabled={!mine}>
          Send key
        </button>
        {menu && (
          <ul role="menu" aria-label="Send key" className="menu">
            {SEND_KEYS.map((k) => (
              <li key={k.label} role="none">
                <button
                  role="menuitem"
                  onClick={() => {
                    setMenu(false);
                    sendChord(endpoint, k.codes);
                  }}
                >
                  {k.label}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="held" aria-label="Held keys">
        <button onClick={() => void queryHeld(endpoint)}>Held keys</button>
        <span>
          {held
            ? held.entries.length
              ? held.entries.map((e) => keyName(e.code)).join(', ') + (held.truncated ? ' …' : '')
              : 'none'
            : '—'}
        </span>
        <button onClick={() => void releaseAllHeld(endpoint)} disabled={!mine}>
          Release all
        </button>
      </div>
    </div>
  );
}
