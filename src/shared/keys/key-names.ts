/*
 * The evdev key-name table: Linux key names (input-event-codes.h, lower case, KEY_ dropped)
 * and the short aliases operators type, → evdev key code. The CLI resolves `vmsig input key`
 * names here; the renderer and tests take their named codes (KEY) from it.
 */

/** evdev codes by name: canonical Linux names first, then aliases for the same keys. */
export const KEY_NAMES: Readonly<Record<string, number>> = Object.freeze({
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
});

/** The evdev code of a key name (any case), or undefined when the table has no such name. */
export function codeForKeyName(name: string): number | undefined {
  const lower = name.toLowerCase();
  return Object.hasOwn(KEY_NAMES, lower) ? KEY_NAMES[lower] : undefined;
}

/** Named evdev codes code uses directly (the send-key menu, release logic, tests). */
export const KEY = {
  LEFTCTRL: 29,
  RIGHTCTRL: 97,
  LEFTALT: 56,
  LEFTSHIFT: 42,
  RIGHTSHIFT: 54,
  DELETE: 111,
  SYSRQ: 99,
  F1: 59,
} as const;
