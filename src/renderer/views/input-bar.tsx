/*
 * Input controls of one VM: Grab input / Release (the INPUT lease) with the holder shown
 * when it is someone else, the "preempted by …" notice, the send-key menu and the held
 * keys list (CMD_QUERY_INPUT) with "release all". The send-key menu is its own component.
 */
import { grab, queryHeld, releaseAllHeld, ungrab } from '../stores/actions';
import { useInput } from '../stores/input';
import { leaseHolder, useLeases } from '../stores/leases';
import { useNotices } from '../stores/notices';
import { useVms } from '../stores/vms';
import { keyName } from '../../shared/keys';
import { SendKeyMenu } from './send-key-menu';
import { PasteDialog } from './paste-dialog';
import { CaptureControls } from './capture-controls';
import { MacroMenu } from './macro-menu';

/** Grab/release, send keys, held keys. */
export function InputBar({ endpoint }: { endpoint: number }) {
  const holder = useLeases((s) => leaseHolder(s.leases, endpoint, 'INPUT'));
  const grabbed = useInput((s) => s.grabbed === endpoint);
  const held = useInput((s) => s.held[endpoint]);
  const preempted = useNotices((s) => s.preempted[endpoint]);
  const vmName = useVms((s) => s.vms.find((v) => v.id === endpoint)?.name ?? `VM ${endpoint}`);
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
      <SendKeyMenu endpoint={endpoint} vmName={vmName} enabled={mine} />
      <PasteDialog endpoint={endpoint} vmName={vmName} enabled={mine} />
      <CaptureControls endpoint={endpoint} vmName={vmName} enabled={grabbed} />
      <MacroMenu endpoint={endpoint} vmName={vmName} grabbed={grabbed} mine={mine} />
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
