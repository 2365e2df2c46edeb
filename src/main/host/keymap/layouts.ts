/*
 * Keyboard layouts by name from QEMU's keymap directory, and text → key strokes on one of
 * them. Used by `vmsig input type --layout` and by the console's paste in the host, so both
 * type the same keys for the same layout. Missing data is a KeymapError naming the package.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KeymapError } from './keymap-error';
import { loadKeysyms } from './keysyms';
import { type KeyChord, type Layout, parseQemuKeymap } from './qemu-keymap';

/** Debian's qemu-system-data installs the generated layouts here. */
export const KEYMAPS_DIR = '/usr/share/qemu/keymaps';
/** The layout of a VM that names none. */
export const DEFAULT_LAYOUT = 'en-us';

/** evdev codes of the modifiers a chord holds. */
export const KEY_LEFTSHIFT = 42;
export const KEY_RIGHTALT = 100;

const NAME = /^[a-z]{2}(-[a-z]{2,4})?$|^bepo$/;

const keymapsDir = (): string => process.env.VMSIG_KEYMAPS ?? KEYMAPS_DIR;

/** The layout names the keymap directory holds (sorted); KeymapError when it is absent. */
export function layoutNames(dir = keymapsDir()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    throw new KeymapError(
      'NO_KEYMAPS',
      `no keyboard layouts: ${dir} is missing (Debian package qemu-system-data, which qemu-system-x86 installs)`,
    );
  }
  return names.filter((n) => NAME.test(n)).sort();
}

const cache = new Map<string, Layout>();

/** Loads a layout by name (cached); KeymapError when the name or the data is missing. */
export function loadLayout(name: string, dir = keymapsDir()): Layout {
  const key = `${dir}\0${name}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const names = layoutNames(dir);
  if (!names.includes(name))
    throw new KeymapError('UNKNOWN_LAYOUT', `unknown layout "${name}" (one of: ${names.join(', ')})`);
  const layout = parseQemuKeymap(fs.readFileSync(path.join(dir, name), 'utf8'), loadKeysyms());
  cache.set(key, layout);
  return layout;
}

/** One key event: press (down) or release of an evdev code. */
export interface KeyStroke {
  code: number;
  down: boolean;
}

/** The distinct characters of `text` the layout cannot type, in order of appearance. */
export function untypable(layout: Layout, text: string): string[] {
  const missing = new Set<string>();
  for (const ch of normalize(text)) if (!layout.has(ch)) missing.add(ch);
  return [...missing];
}

/** CRLF and lone CR type as Enter; composed forms so "ä" is one character. */
const normalize = (text: string): string => text.replace(/\r\n?/g, '\n').normalize('NFC');

/** The strokes of one chord: modifiers down, key down and up, modifiers up (reverse order). */
export function chordStrokes(c: KeyChord): KeyStroke[] {
  const mods = [...(c.shift ? [KEY_LEFTSHIFT] : []), ...(c.altgr ? [KEY_RIGHTALT] : [])];
  return [
    ...mods.map((code) => ({ code, down: true })),
    { code: c.code, down: true },
    { code: c.code, down: false },
    ...mods.reverse().map((code) => ({ code, down: false })),
  ];
}

/** Strokes that type `text`; KeymapError (UNTYPABLE) names every character it cannot type. */
export function strokesFor(layout: Layout, text: string, layoutName = 'this layout'): KeyStroke[] {
  const missing = untypable(layout, text);
  if (missing.length)
    throw new KeymapError(
      'UNTYPABLE',
      `cannot type ${missing.map((c) => JSON.stringify(c)).join(' ')} on the ${layoutName} layout`,
    );
  return [...normalize(text)].flatMap((ch) => chordStrokes(layout.get(ch)!));
}
