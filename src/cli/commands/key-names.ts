/*
 * US keyboard layout as Linux evdev key codes (vmsig_input KEY codes): characters to
 * (code, shift) and key names to codes. A table, because no dependency of ours carries one
 * for evdev; it never guesses a key it does not know.
 */

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
};

/** KEY_LEFTSHIFT. */
export const SHIFT = 42;

const ROWS: [string, string, number][] = [
  // unshifted, shifted, evdev code of the first key in the row
  ['1234567890-=', '!@#$%^&*()_+', 2],
  ['qwertyuiop[]', 'QWERTYUIOP{}', 16],
  ["asdfghjkl;'`", 'ASDFGHJKL:"~', 30],
  ['\\zxcvbnm,./', '|ZXCVBNM<>?', 43],
];

const CHARS = new Map<string, { code: number; shift: boolean }>();
for (const [plain, shifted, first] of ROWS) {
  [...plain].forEach((ch, i) => CHARS.set(ch, { code: first + i, shift: false }));
  [...shifted].forEach((ch, i) => CHARS.set(ch, { code: first + i, shift: true }));
}
CHARS.set(' ', { code: 57, shift: false });
CHARS.set('\n', { code: 28, shift: false });
CHARS.set('\t', { code: 15, shift: false });

/** One key event: press (down) or release of an evdev code. */
export interface KeyStroke {
  code: number;
  down: boolean;
}

/**
 * The presses and releases that type `text` on a US layout (shift held around shifted
 * characters). Throws RangeError naming the first character the layout cannot type.
 */
export function strokesFor(text: string): KeyStroke[] {
  const out: KeyStroke[] = [];
  for (const ch of text) {
    const k = CHARS.get(ch);
    if (!k) throw new RangeError(`cannot type ${JSON.stringify(ch)} on a US keyboard`);
    if (k.shift) out.push({ code: SHIFT, down: true });
    out.push({ code: k.code, down: true }, { code: k.code, down: false });
    if (k.shift) out.push({ code: SHIFT, down: false });
  }
  return out;
}

/** A key by name (any case), single character, or evdev number; undefined when unknown. */
export function keyCode(name: string): number | undefined {
  const lower = name.toLowerCase();
  if (Object.hasOwn(KEY_NAMES, lower)) return KEY_NAMES[lower];
  if ([...name].length === 1) return CHARS.get(lower)?.code;
  const n = Number(name);
  return Number.isInteger(n) && n > 0 && n < 0x300 ? n : undefined;
}
