/*
 * Input controls of one VM: Grab input / Release (the INPUT lease) with the holder shown
 * when it is someone else, the "preempted by …" notice, the send-key menu and the held
 * keys list (CMD_QUERY_INPUT) with "release all". The send-key menu is its own component.
 */
import { grab, queryHeld, releaseAllHeld, sendChord, sendInput, ungrab } from '../stores/actions';
import { useInput } from '../stores/input';
import { leaseHolder, useLeases } from '../stores/leases';
import { useNotices } from '../stores/notices';
import { useVms } from '../stores/vms';
import { localPaste } from '../input/paste';
import { SendKeyMenu } from './send-key-menu';
import { PasteDialog } from './paste-dialog';
import { CaptureControls } from './capture-controls';
import { MacroMenu } from './macro-menu';
import { localMacros, localRecording } from '../stores/macros';
import { HeldKeys } from './held-keys';
import { GrabControls } from './grab-controls';

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
      <GrabControls
        grabbed={grabbed}
        holder={holder}
        preempted={preempted}
        canGrab
        onGrab={() => void grab(endpoint)}
        onRelease={() => void ungrab(endpoint)}
      />
      <SendKeyMenu send={(codes) => sendChord(endpoint, codes)} vmName={vmName} enabled={mine} />
      <PasteDialog target={localPaste(endpoint)} vmName={vmName} enabled={mine} />
      <CaptureControls endpoint={endpoint} vmName={vmName} enabled={grabbed} send={sendInput} />
      <MacroMenu
        source={localRecording(endpoint)}
        target={localMacros(endpoint)}
        vmName={vmName}
        grabbed={grabbed}
        mine={mine}
      />
      <HeldKeys
        held={held}
        mine={mine}
        onQuery={() => void queryHeld(endpoint)}
        onReleaseAll={() => void releaseAllHeld(endpoint)}
      />
    </div>
  );
}
