/*
 * Keyboard macros on the input toolbar of a local or a remote VM: Record / Stop while the
 * screen is grabbed, then a name to save it under (on this host); and the Macros… dialog that plays a saved macro at its recorded
 * speed or at a fixed interval, with a Cancel that stops it with every key released.
 */
import { useEffect, useState } from 'react';
import { ActionDialog, DialogActions } from './action-dialog';
import {
  type MacroTarget,
  type RecordSource,
  cancelMacro,
  discardRecording,
  playMacro,
  refreshMacros,
  saveRecording,
  startRecording,
  stopRecording,
  useMacros,
} from '../stores/macros';

/** Record and save a macro on the grabbed VM (`source`: this host's or another's). */
function MacroRecord({ source, grabbed }: { source: RecordSource; grabbed: boolean }) {
  const recording = useMacros((s) => s.recording);
  const pending = useMacros((s) => s.pending);
  const [name, setName] = useState('');
  if (recording?.key === source.key)
    return (
      <>
        <span role="status" aria-label="Macro recording">
          Recording macro: {recording.count} key events
        </span>
        <button onClick={stopRecording}>Stop recording</button>
      </>
    );
  if (pending)
    return (
      <form
        className="macro-save"
        aria-label="Save macro"
        onSubmit={(e) => {
          e.preventDefault();
          void saveRecording(name).then((ok) => ok && setName(''));
        }}
      >
        <label>
          Macro name <input value={name} onChange={(e) => setName(e.target.value)} maxLength={64} />
        </label>
        <button type="submit" disabled={!name}>
          Save macro
        </button>
        <button type="button" onClick={discardRecording}>
          Discard
        </button>
      </form>
    );
  return (
    <button onClick={() => startRecording(source)} disabled={!grabbed || recording !== null}>
      Record macro
    </button>
  );
}

/** The Macros… button and its play dialog, for a local or a remote VM. */
function MacroPlay({ target, vmName, enabled }: { target: MacroTarget; vmName: string; enabled: boolean }) {
  const list = useMacros((s) => s.list);
  const playing = useMacros((s) => s.playing[target.key]);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [fixed, setFixed] = useState(false);
  const [ms, setMs] = useState(20);
  useEffect(() => {
    if (open) void refreshMacros();
  }, [open]);
  const chosen = list.some((m) => m.name === name) ? name : (list[0]?.name ?? '');
  return (
    <ActionDialog opener="Macros…" label="Play macro" enabled={enabled} open={open} setOpen={setOpen}>
      <p>
        Play a macro on <strong>{vmName}</strong> (keys it holds are released when it ends or is cancelled)
      </p>
      {list.length === 0 ? (
        <p>No saved macros yet: grab the screen, Record macro, type, Stop recording, name it.</p>
      ) : (
        <label>
          Macro{' '}
          <select
            aria-label="Macro"
            value={chosen}
            disabled={!!playing}
            onChange={(e) => setName(e.target.value)}
          >
            {list.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name} ({m.steps} key events, {(m.durationMs / 1000).toFixed(1)} s)
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Speed{' '}
        <select value={fixed ? 'fixed' : 'recorded'} onChange={(e) => setFixed(e.target.value === 'fixed')}>
          <option value="recorded">As recorded</option>
          <option value="fixed">Fixed interval</option>
        </select>
      </label>
      {fixed && (
        <label>
          Milliseconds between key events{' '}
          <input
            type="number"
            min={0}
            max={10000}
            value={ms}
            onChange={(e) => setMs(Math.max(0, Math.min(10_000, Math.round(Number(e.target.value) || 0))))}
          />
        </label>
      )}
      <DialogActions
        busy={playing ? `Playing ${playing}…` : null}
        cancel="Cancel macro"
        onCancel={() => void cancelMacro(target)}
        onClose={() => setOpen(false)}
      >
        <button disabled={!chosen} onClick={() => void playMacro(target, chosen, fixed ? ms : 'recorded')}>
          Play
        </button>
      </DialogActions>
    </ActionDialog>
  );
}

/**
 * Macro controls of one VM, local or remote (`source` records its keys, `target` plays on
 * it): recording needs the grab, playing the INPUT lease.
 */
export function MacroMenu({
  source,
  target,
  vmName,
  grabbed,
  mine,
}: {
  source: RecordSource;
  target: MacroTarget;
  vmName: string;
  grabbed: boolean;
  mine: boolean;
}) {
  return (
    <span className="macro-menu">
      <MacroRecord source={source} grabbed={grabbed} />
      <MacroPlay target={target} vmName={vmName} enabled={mine} />
    </span>
  );
}
