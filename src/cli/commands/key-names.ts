/*
 * Resolves a `vmsig input key` argument to a Linux evdev key code: a key name (the shared
 * table in src/shared/keys), a single character looked up on a keyboard layout
 * (src/main/host/keymap), or an evdev number; it never guesses a key it does not know.
 */
import type { Layout } from '../../main/host/keymap';
import { codeForKeyName } from '../../shared/keys';

/**
 * A key by name (any case), single character (its key on `layout`, unshifted form first),
 * or evdev number; undefined when unknown.
 */
export function keyCode(name: string, layout: Layout): number | undefined {
  const named = codeForKeyName(name);
  if (named !== undefined) return named;
  const lower = name.toLowerCase();
  if ([...name].length === 1) return (layout.get(lower) ?? layout.get(name))?.code;
  const n = Number(name);
  return Number.isInteger(n) && n > 0 && n < 0x300 ? n : undefined;
}
