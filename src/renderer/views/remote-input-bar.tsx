/*
 * The input bar of another host's VM, with the local bar's own pieces: grab/release of that
 * host's INPUT lease (and who preempted it), the send-key menu, paste as keystrokes and the
 * held-keys list, fullscreen with keyboard capture, the sticky modifiers, recording a
 * macro (saved on this host) and playing a saved one. Each goes to the owning host's core in this console's session there, which
 * alone decides.
 */
import { remotePaste } from '../input/paste';
import {
  type RemoteRef,
  refKey,
  remoteChord,
  remoteGrab,
  remoteInput,
  remoteQueryHeld,
  remoteReleaseAllHeld,
  remoteUngrab,
  sameRef,
  useFleet,
} from '../stores/fleet';
import { CaptureControls } from './capture-controls';
import { HeldKeys } from './held-keys';
import { MacroMenu } from './macro-menu';
import { remoteMacros, remoteRecording } from '../stores/macros';
import { GrabControls } from './grab-controls';
import { PasteDialog } from './paste-dialog';
import { SendKeyMenu } from './send-key-menu';

/** `input`: the VM's INPUT lease as its host reports it (undefined: free). */
export function RemoteInputBar({
  target,
  vmName,
  reachable,
  input,
}: {
  target: RemoteRef;
  vmName: string;
  reachable: boolean;
  input: { mine: boolean; controlName: string; principal: number } | undefined;
}) {
  const grabbed = useFleet((s) => sameRef(s.grabbed, target));
  const held = useFleet((s) => s.held[refKey(target)]);
  const preempted = useFleet((s) => s.preempted[refKey(target)]);
  const mine = input?.mine === true && reachable;
  // Dialogs and the confirmation name the VM with its host: "demo on b".
  const fullName = `${vmName} on ${target.host}`;
  return (
    <div className="input-bar" role="toolbar" aria-label="Input">
      <GrabControls
        grabbed={grabbed}
        holder={input}
        preempted={preempted}
        canGrab={reachable}
        onGrab={() => void remoteGrab(target)}
        onRelease={() => void remoteUngrab(target)}
      />
      <SendKeyMenu send={(codes) => void remoteChord(target, codes)} vmName={fullName} enabled={mine} />
      <PasteDialog target={remotePaste(target.host, target.id)} vmName={fullName} enabled={mine} />
      <CaptureControls
        endpoint={target.id}
        vmName={fullName}
        enabled={grabbed}
        send={(input) => void remoteInput(target, input)}
      />
      <MacroMenu
        source={remoteRecording(target.host, target.id)}
        target={remoteMacros(target.host, target.id)}
        vmName={fullName}
        grabbed={grabbed}
        mine={mine}
      />
      <HeldKeys
        held={held}
        mine={mine}
        onQuery={() => void remoteQueryHeld(target)}
        onReleaseAll={() => void remoteReleaseAllHeld(target)}
      />
    </div>
  );
}
