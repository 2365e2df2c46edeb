/*
 * Browser KeyboardEvent.code (the physical key, layout-independent) → Linux evdev key code
 * (input-event-codes.h), which is what CMD_INPUT KEY carries. A code missing here is not
 * sent (the caller says so), never guessed.
 */

const LETTERS = 'QWERTYUIOP'.split('').map((c, i) => [`Key${c}`, 16 + i] as const);
const ROW2 = 'ASDFGHJKL'.split('').map((c, i) => [`Key${c}`, 30 + i] as const);
const ROW3 = 'ZXCVBNM'.split('').map((c, i) => [`Key${c}`, 44 + i] as const);
const DIGITS = '1234567890'.split('').map((c, i) => [`Digit${c}`, 2 + i] as const);
const FKEYS = Array.from({ length: 10 }, (_, i) => [`F${i + 1}`, 59 + i] as const);

/** code → evdev KEY_* number. */
export const EVDEV_KEYS: Readonly<Record<string, number>> = Object.freeze({
  ...Object.fromEntries([...LETTERS, ...ROW2, ...ROW3, ...DIGITS, ...FKEYS]),
  Escape: 1,
  Minus: 12,
  Equal: 13,
  Backspace: 14,
  Tab: 15,
  BracketLeft: 26,
  BracketRight: 27,
  Enter: 28,
  ControlLeft: 29,
  Semicolon: 39,
  Quote: 40,
  Backquote: 41,
  ShiftLeft: 42,
  Backslash: 43,
  Comma: 51,
  Period: 52,
  Slash: 53,
  ShiftRight: 54,
  NumpadMultiply: 55,
  AltLeft: 56,
  Space: 57,
  CapsLock: 58,
  NumLock: 69,
  ScrollLock: 70,
  Numpad7: 71,
  Numpad8: 72,
  Numpad9: 73,
  NumpadSubtract: 74,
  Numpad4: 75,
  Numpad5: 76,
  Numpad6: 77,
  NumpadAdd: 78,
  Numpad1: 79,
  Numpad2: 80,
  Numpad3: 81,
  Numpad0: 82,
  NumpadDecimal: 83,
  IntlBackslash: 86,
  F11: 87,
  F12: 88,
  NumpadEnter: 96,
  ControlRight: 97,
  NumpadDivide: 98,
  PrintScreen: 99,
  AltRight: 100,
  Home: 102,
  ArrowUp: 103,
  PageUp: 104,
  ArrowLeft: 105,
  ArrowRight: 106,
  End: 107,
  ArrowDown: 108,
  PageDown: 109,
  Insert: 110,
  Delete: 111,
  Pause: 119,
  MetaLeft: 125,
  MetaRight: 126,
  ContextMenu: 127,
});

/** evdev code of a function key F1..F12. */
export function fKey(n: number): number {
  if (n >= 1 && n <= 10) return 58 + n;
  if (n === 11) return 87;
  if (n === 12) return 88;
  throw new RangeError(`F${n} is not a function key`);
}

/** The evdev code for a KeyboardEvent.code, or undefined when unmapped. */
export function evdevForCode(code: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(EVDEV_KEYS, code) ? EVDEV_KEYS[code] : undefined;
}

const NAMES = new Map<number, string>(Object.entries(EVDEV_KEYS).map(([k, v]) => [v, k]));

/** A readable name for an evdev key code (the browser's name for it), or `KEY #n`. */
export function keyName(evdev: number): string {
  return NAMES.get(evdev) ?? `KEY #${evdev}`;
}

/** evdev BTN_LEFT/RIGHT/MIDDLE for a MouseEvent.button 0/2/1. */
export function evdevButton(button: number): number | undefined {
  return ({ 0: 0x110, 1: 0x112, 2: 0x111 } as Record<number, number>)[button];
}
