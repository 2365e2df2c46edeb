/*
 * Key names to Linux evdev key codes (vmsig_input KEY codes) for `vmsig input key`, plus a
 * single character looked up on a keyboard layout. Characters come from the layout data
 * (src/main/host/keymap), never from a table here; it never guesses a key it does not know.
 */
import type { Layout } from '../../main/host/keymap';

/** evdev codes of the keys `vmsig input key` accepts by name. */
export const KEY_NAMES: Readonly<Record<string, number>> = {
  esc: 1,
  escape: 1,
  backspace: 14,
  tab: 15,
  enter: 28,
  return: 28,
  ctrl: 29,
  leftctrl: 29,
  shift: 42,
  leftshift: 42,
  rightshift: 54,
  alt: 56,
  leftalt: 56,
  space: 57,
  capslock: 58,
  f1: 59,
  f2: 60,
  f3: 61,
  f4: 62,
  f5: 63,
  f6: 64,
  f7: 65,
  f8: 66,
  f9: 67,
  f10: 68,
  f11: 87,
  f12: 88,
  rightctrl: 97,
  rightalt: 100,
  home: 102,
  up: 103,
  pageup: 104,
  left: 105,
  right: 106,
  end: 107,
  down: 108,
  pagedown: 109,
  insert: 110,
  delete: 111,
  meta: 125,
  leftmeta: 125,
  super: 125,
  sysrq: 99,
  print: 99,
  printscreen: 99,
};

/**
 * A key by name (any case), single character (its key on `layout`, unshifted form first),
 * or evdev number; undefined when unknown.
 */
export function keyCode(name: string, layout: Layout): number | undefined {
  const lower = name.toLowerCase();
  if (Object.hasOwn(KEY_NAMES, lower)) return KEY_NAMES[lower];
  if ([...name].length === 1) return (layout.get(lower) ?? layout.get(name))?.code;
  const n = Number(name);
  return Number.isInteger(n) && n > 0 && n < 0x300 ? n : undefined;
}
