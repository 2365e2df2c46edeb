/*
 * Keyboard macros in the console: recording what the operator types on the grabbed screen
 * of a local or a remote VM (the console's own pressed keys, with their timing, through the
 * shared recorder), then saving it by name on this host; listing, playing and cancelling
 * saved macros. Playing runs on this host under the INPUT lease of the VM's own host; this
 * store only asks and reports.
 */
import { create } from 'zustand';
import type { InvokeResponse, IpcResult, MacroStepView, MacroView } from '../../shared/ipc';
import { MacroRecorder } from '../../shared/macros';
import { getApi } from '../api';
import { useInput } from './input';
import { sameRef, useFleet } from './fleet';
import { notify } from './notices';

/** Macro state of the page. */
export interface MacrosState {
  /** The VM being recorded (`RecordSource.key`) and how many key events so far, or null. */
  recording: { key: string; count: number } | null;
  /** A stopped recording waiting for a name, or null. */
  pending: MacroStepView[] | null;
  /** The saved macros, as last listed. */
  list: MacroView[];
  /** The macro playing per VM (`MacroTarget.key`). */
  playing: Record<string, string>;
}

/** The macros store. */
export const useMacros = create<MacrosState>()(() => ({
  recording: null,
  pending: null,
  list: [],
  playing: {},
}));

let recorder: MacroRecorder | null = null;
let unsubscribe: (() => void) | null = null;

/** Keys only: a mouse button (codes ≥ 0x100) is not part of a keyboard macro. */
const keys = (codes: readonly number[]): number[] => codes.filter((c) => c < 0x100);

/**
 * The screen a recording follows: what the console presses on it while it is grabbed. The
 * keys are the page's own sends, local or remote alike, so a recording on another host's VM
 * is the operator's typing with its timing, as on a local one.
 */
export interface RecordSource {
  /** Names the VM across hosts (as `MacroTarget.key`). */
  key: string;
  /** What the console presses on it now, and whether its screen is grabbed. */
  now(): { pressed: readonly number[]; grabbed: boolean };
  /** Calls `fn` on each change of what the console presses and of the grab; returns the disposer. */
  watch(fn: (pressed: readonly number[], grabbed: boolean) => void): () => void;
}

/** The screen of VM `endpoint` of this host. */
export const localRecording = (endpoint: number): RecordSource => ({
  key: String(endpoint),
  now: () => {
    const s = useInput.getState();
    return { pressed: s.pressed, grabbed: s.grabbed === endpoint };
  },
  watch: (fn) => useInput.subscribe((s) => fn(s.pressed, s.grabbed === endpoint)),
});

/** The screen of VM `endpoint` of fleet host `host`. */
export const remoteRecording = (host: string, endpoint: number): RecordSource => {
  const ref = { host, id: endpoint };
  return {
    key: `${host}/${endpoint}`,
    now: () => {
      const s = useFleet.getState();
      return { pressed: s.pressed, grabbed: sameRef(s.grabbed, ref) };
    },
    watch: (fn) => useFleet.subscribe((s) => fn(s.pressed, sameRef(s.grabbed, ref))),
  };
};

/** Starts recording the keys the console presses on `source`'s screen (it must be grabbed); ends with the grab. */
export function startRecording(source: RecordSource): void {
  const start = source.now();
  if (recorder || !start.grabbed) return;
  const rec = new MacroRecorder();
  recorder = rec;
  const { key } = source;
  useMacros.setState({ recording: { key, count: 0 }, pending: null });
  // A key already down when recording starts is not part of it (nor is its release).
  let before = keys(start.pressed);
  unsubscribe = source.watch((pressed, grabbed) => {
    const now = keys(pressed);
    const t = performance.now();
    for (const c of before) if (!now.includes(c)) rec.key(t, c, false);
    for (const c of now) if (!before.includes(c)) rec.key(t, c, true);
    before = now;
    if (!grabbed) stopRecording();
    else useMacros.setState({ recording: { key, count: rec.count } });
  });
}

/** Stops recording; what was recorded waits for a name (nothing recorded: nothing waits). */
export function stopRecording(): void {
  if (!recorder) return;
  unsubscribe?.();
  unsubscribe = null;
  const steps = recorder.finish();
  recorder = null;
  useMacros.setState({ recording: null, pending: steps.length ? steps : null });
  if (!steps.length) notify('warn', 'Nothing recorded: no key was pressed on the grabbed screen');
}

/** Drops the stopped recording. */
export function discardRecording(): void {
  useMacros.setState({ pending: null });
}

/** Saves the stopped recording as `name` on the host; keeps it when the host refuses. */
export async function saveRecording(name: string): Promise<boolean> {
  const steps = useMacros.getState().pending;
  if (!steps) return false;
  const r = await getApi().invoke('macro.save', { name, steps });
  if (!r.ok) {
    notify('error', `Macro not saved: ${r.error.message}`);
    return false;
  }
  useMacros.setState({ pending: null });
  notify('info', `Saved macro "${name}" (${steps.length} key events)`);
  await refreshMacros();
  return true;
}

/** Lists the host's macros into the store (files it cannot use are said as a notice). */
export async function refreshMacros(): Promise<void> {
  const r = await getApi().invoke('macro.list', {});
  if (!r.ok) return notify('error', `Macros: ${r.error.message}`);
  for (const e of r.value.errors) notify('warn', `Macro file not usable: ${e}`);
  useMacros.setState({ list: r.value.macros });
}

/** Where a macro plays: a VM of this host, or another host's (whose core decides each key). */
export interface MacroTarget {
  /** Names the VM across hosts (what plays where). */
  key: string;
  play(name: string, speed: 'recorded' | number): Promise<IpcResult<InvokeResponse<'macro.play'>>>;
  cancel(): Promise<unknown>;
}

/** VM `endpoint` of this host. */
export const localMacros = (endpoint: number): MacroTarget => ({
  key: String(endpoint),
  play: (name, speed) => getApi().invoke('macro.play', { endpoint, name, speed }),
  cancel: () => getApi().invoke('macro.cancel', { endpoint }),
});

/** VM `endpoint` of fleet host `host`: played by this host's player, each key a command to that host. */
export const remoteMacros = (host: string, endpoint: number): MacroTarget => ({
  key: `${host}/${endpoint}`,
  play: (name, speed) => getApi().invoke('fleet.macroPlay', { host, endpoint, name, speed }),
  cancel: () => getApi().invoke('fleet.macroCancel', { host, endpoint }),
});

/** Plays macro `name` on `target` (at its recorded speed, or `speed` ms between key events). */
export async function playMacro(
  target: MacroTarget,
  name: string,
  speed: 'recorded' | number,
): Promise<void> {
  const { key } = target;
  useMacros.setState((s) => ({ playing: { ...s.playing, [key]: name } }));
  try {
    const r = await target.play(name, speed);
    if (!r.ok) return notify('error', `Macro "${name}" failed: ${r.error.message}`);
    const { played, total, cancelled, err } = r.value;
    if (err) notify('error', `Macro "${name}" stopped after ${played} of ${total} key events: ${err}`);
    else if (cancelled)
      notify('warn', `Macro "${name}" cancelled after ${played} of ${total} key events; keys released`);
    else notify('info', `Played macro "${name}" (${total} key events)`);
  } finally {
    useMacros.setState((s) => {
      const { [key]: _done, ...rest } = s.playing;
      return { playing: rest };
    });
  }
}

/** Cancels the macro playing on `target`. */
export async function cancelMacro(target: MacroTarget): Promise<void> {
  await target.cancel();
}
