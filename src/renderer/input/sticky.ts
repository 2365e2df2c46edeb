/*
 * Sticky modifiers for one-off combos the operator's desktop would take (Super+L,
 * Ctrl+Alt+<key>): a toolbar toggle presses Ctrl, Alt or Super on the grabbed VM, and the
 * first other key the console releases lets every sticky modifier go again.
 */
import { create } from 'zustand';
import { sendInput } from '../stores/actions';
import { useInput } from '../stores/input';

/** The sticky modifiers and their evdev codes (left-hand keys). */
export const STICKY = { Ctrl: 29, Alt: 56, Super: 125 } as const;
export type StickyName = keyof typeof STICKY;

/** Which sticky modifiers are down, per the console. */
export const useSticky = create<{ on: StickyName[] }>()(() => ({ on: [] }));

const codes = new Set<number>(Object.values(STICKY));

/** Turns a sticky modifier on (pressed on `endpoint`) or off (released). */
export function toggleSticky(endpoint: number, name: StickyName): void {
  const on = useSticky.getState().on;
  const down = !on.includes(name);
  sendInput({ endpoint, type: 'key', code: STICKY[name], down });
  useSticky.setState({ on: down ? [...on, name] : on.filter((n) => n !== name) });
}

/** Releases every sticky modifier that is on. */
export function releaseSticky(endpoint: number): void {
  for (const name of [...useSticky.getState().on].reverse())
    sendInput({ endpoint, type: 'key', code: STICKY[name], down: false });
  useSticky.setState({ on: [] });
}

/**
 * Watches the console's pressed keys: when a key other than a sticky modifier is released
 * (the combo is done) the sticky ones go too; when the grab ends they are forgotten (the
 * ungrab released them with everything else). Returns the disposer.
 */
export function installStickyRelease(): () => void {
  return useInput.subscribe((s, prev) => {
    if (s.grabbed === null) {
      if (useSticky.getState().on.length) useSticky.setState({ on: [] });
      return;
    }
    // Keys only: the click that focuses the screen (a mouse button) must not end the combo.
    const released = prev.pressed.filter((c) => c < 0x100 && !s.pressed.includes(c) && !codes.has(c));
    if (released.length && useSticky.getState().on.length) releaseSticky(s.grabbed);
  });
}
