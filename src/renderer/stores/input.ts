/*
 * The console's own input state per VM: whether the operator grabbed the screen, and the
 * keys/buttons the console pressed and has not released (so release can let them go
 * first). Held keys reported by the core (INPUT_HELD) come from snapshots.
 */
import { create } from 'zustand';
import type { HeldView } from '../../shared/ipc';

/** Input domain state. */
export interface InputState {
  /** VM id whose screen has the keyboard and mouse, or null. */
  grabbed: number | null;
  /** evdev codes (keys and buttons) the console has pressed on the grabbed VM. */
  pressed: number[];
  /** INPUT_HELD per endpoint. */
  held: Record<number, HeldView>;
}

/** The input store. */
export const useInput = create<InputState>()(() => ({ grabbed: null, pressed: [], held: {} }));

/** Adds or removes a pressed code (pure). */
export function reducePressed(pressed: readonly number[], code: number, down: boolean): number[] {
  if (down) return pressed.includes(code) ? (pressed as number[]) : [...pressed, code];
  return pressed.includes(code) ? pressed.filter((c) => c !== code) : (pressed as number[]);
}

/** The held map from a snapshot's list (pure). */
export function reduceHeld(list: readonly HeldView[]): Record<number, HeldView> {
  return Object.fromEntries(list.map((h) => [h.endpoint, h]));
}
