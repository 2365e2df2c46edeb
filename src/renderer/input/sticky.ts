/*
 * Sticky modifiers for one-off combos the operator's desktop would take (Super+L,
 * Ctrl+Alt+<key>): a toolbar toggle presses Ctrl, Alt or Super on the grabbed VM (local,
 * or another host's), and the first other key the console releases lets every sticky
 * modifier go again.
 */
import { create } from 'zustand';
import type { InputRequest } from '../../shared/ipc';
import { sendInput } from '../stores/actions';
import { remoteInput, useFleet } from '../stores/fleet';
import { useInput } from '../stores/input';

/** The sticky modifiers and their evdev codes (left-hand keys). */
export const STICKY = { Ctrl: 29, Alt: 56, Super: 125 } as const;
export type StickyName = keyof typeof STICKY;

/** Which sticky modifiers are down, per the console. */
export const useSticky = create<{ on: StickyName[] }>()(() => ({ on: [] }));

const codes = new Set<number>(Object.values(STICKY));

/** How a sticky modifier reaches the VM: the local console's send or a remote VM's. */
export type SendInput = (req: InputRequest) => void;

/** Turns a sticky modifier on (pressed on `endpoint` through `send`) or off (released). */
export function toggleSticky(send: SendInput, endpoint: number, name: StickyName): void {
  const on = useSticky.getState().on;
  const down = !on.includes(name);
  send({ endpoint, type: 'key', code: STICKY[name], down });
  useSticky.setState({ on: down ? [...on, name] : on.filter((n) => n !== name) });
}

/** Releases every sticky modifier that is on. */
export function releaseSticky(send: SendInput, endpoint: number): void {
  for (const name of [...useSticky.getState().on].reverse())
    send({ endpoint, type: 'key', code: STICKY[name], down: false });
  useSticky.setState({ on: [] });
}

/** One grab's pressed keys moved from `prev` to `now`: ends the combo or forgets it (see below). */
function watch(
  grabbed: { now: number | null; prev: number | null },
  pressed: { now: readonly number[]; prev: readonly number[] },
  release: (endpoint: number) => void,
): void {
  if (grabbed.now === null) {
    if (grabbed.prev !== null && useSticky.getState().on.length) useSticky.setState({ on: [] });
    return;
  }
  // Keys only: the click that focuses the screen (a mouse button) must not end the combo.
  const released = pressed.prev.filter((c) => c < 0x100 && !pressed.now.includes(c) && !codes.has(c));
  if (released.length && useSticky.getState().on.length) release(grabbed.now);
}

/**
 * Watches the console's pressed keys on the grabbed VM, local or remote: when a key other
 * than a sticky modifier is released (the combo is done) the sticky ones go too; when the
 * grab ends they are forgotten (the ungrab released them with everything else). Returns
 * the disposer.
 */
export function installStickyRelease(): () => void {
  const offLocal = useInput.subscribe((s, prev) =>
    watch({ now: s.grabbed, prev: prev.grabbed }, { now: s.pressed, prev: prev.pressed }, (ep) =>
      releaseSticky(sendInput, ep),
    ),
  );
  const offRemote = useFleet.subscribe((s, prev) => {
    const ref = s.grabbed;
    watch(
      { now: ref?.id ?? null, prev: prev.grabbed?.id ?? null },
      { now: s.pressed, prev: prev.pressed },
      (ep) => ref && releaseSticky((i) => void remoteInput(ref, i), ep),
    );
  });
  return () => {
    offLocal();
    offRemote();
  };
}
