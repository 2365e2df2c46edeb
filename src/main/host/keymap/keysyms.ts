/*
 * X11 keysym names to the characters they type, read from the system's keysymdef.h
 * (Debian: x11proto-dev), the same names QEMU's keymap files use. Parsing the real header
 * keeps us from hand-writing a table that would drift from xkb's.
 */
import fs from 'node:fs';
import { KeymapError } from './keymap-error';

/** Where Debian installs the keysym definitions. */
export const KEYSYMDEF_PATH = '/usr/include/X11/keysymdef.h';

/** Keysyms that type a control character (their header line has no U+ comment). */
const CONTROL: Readonly<Record<string, string>> = { Return: '\n', Tab: '\t', KP_Enter: '\n' };

const DEFINE = /^#define XK_([A-Za-z0-9_]+)\s+0x([0-9a-fA-F]+)\s*(?:\/\*\s*(?:\(?U\+([0-9A-Fa-f]{4,6}))?)?/;

/** The character a keysym value types when its header line names none (Latin-1, 0x1000000+U). */
function charOfValue(v: number): string | undefined {
  if ((v >= 0x20 && v <= 0x7e) || (v >= 0xa0 && v <= 0xff)) return String.fromCodePoint(v);
  if (v >= 0x1000100 && v <= 0x110ffff) return String.fromCodePoint(v - 0x1000000);
  return undefined;
}

/** keysym name → the one character it types, from keysymdef.h text (pure). */
export function parseKeysymdef(text: string): Map<string, string> {
  const out = new Map<string, string>(Object.entries(CONTROL));
  for (const line of text.split('\n')) {
    const m = DEFINE.exec(line);
    if (!m) continue;
    const [, name, hex, uplus] = m;
    const ch = uplus ? String.fromCodePoint(parseInt(uplus, 16)) : charOfValue(parseInt(hex!, 16));
    // The first definition wins: later ones are deprecated aliases of the same name space.
    if (ch !== undefined && !out.has(name!)) out.set(name!, ch);
  }
  return out;
}

let cached: { path: string; map: Map<string, string> } | undefined;

/** The keysym table from `path` (cached); a KeymapError says which package provides it. */
export function loadKeysyms(path = process.env.VMSIG_KEYSYMDEF ?? KEYSYMDEF_PATH): Map<string, string> {
  if (cached?.path === path) return cached.map;
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    throw new KeymapError(
      'NO_KEYSYMS',
      `cannot read the X11 keysym names at ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}): ` +
        'install Debian package x11proto-dev (scripts/setup.sh does)',
    );
  }
  cached = { path, map: parseKeysymdef(text) };
  return cached.map;
}
