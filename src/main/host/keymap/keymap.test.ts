import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  KEYMAPS_DIR,
  KeymapError,
  layoutNames,
  loadLayout,
  parseKeysymdef,
  parseQemuKeymap,
  strokesFor,
  untypable,
} from '.';
import { KEYSYMDEF_PATH } from './keysyms';

const s = (strokes: { code: number; down: boolean }[]): string =>
  strokes.map((k) => `${k.code}${k.down ? 'v' : '^'}`).join(' ');

describe('keysymdef.h parsing', () => {
  it('takes the U+ comment, Latin-1 values and 0x1000000+U values; skips dead keys', () => {
    const m = parseKeysymdef(
      [
        '#define XK_exclam                        0x0021  /* U+0021 EXCLAMATION MARK */',
        '#define XK_adiaeresis                    0x00e4',
        '#define XK_EuroSign                      0x20ac  /* U+20AC EURO SIGN */',
        '#define XK_Armenian_at                0x100055e  /* U+055E ARMENIAN QUESTION MARK */',
        '#define XK_dead_circumflex               0xfe52',
      ].join('\n'),
    );
    expect([m.get('exclam'), m.get('adiaeresis'), m.get('EuroSign'), m.get('Armenian_at')]).toEqual([
      '!',
      'ä',
      '€',
      '\u055e',
    ]);
    expect(m.has('dead_circumflex')).toBe(false);
    expect(m.get('Return')).toBe('\n');
  });
});

describe('QEMU keymap parsing', () => {
  const syms = new Map([
    ['a', 'a'],
    ['A', 'A'],
    ['at', '@'],
    ['q', 'q'],
    ['KP_1', '1'],
    ['1', '1'],
  ]);
  const text = [
    '# evdev 16 (0x10), QKeyCode "q", number 0x10',
    'q 0x10',
    'at 0x10 altgr',
    '# evdev 79 (0x4f), QKeyCode "kp_1", number 0x4f',
    'KP_1 0x4f numlock',
    '# evdev 2 (0x2), QKeyCode "1", number 0x2',
    '1 0x02',
    '# evdev 30 (0x1e), QKeyCode "a", number 0x1e',
    'a 0x1e addupper',
    'unknownsym 0x1e shift',
  ].join('\n');
  const layout = parseQemuKeymap(text, syms);

  it('maps characters to evdev keys with their modifiers, fewest modifiers first', () => {
    expect(layout.get('@')).toEqual({ code: 16, shift: false, altgr: true });
    expect(layout.get('1')).toEqual({ code: 2, shift: false, altgr: false });
    expect(layout.get('A')).toEqual({ code: 30, shift: true, altgr: false });
    expect(layout.size).toBe(5); // q @ 1 a A: the numlock keypad entry is not text
  });

  it('types with modifiers held around the key and names what it cannot type', () => {
    expect(s(strokesFor(layout, 'A@'))).toBe('42v 30v 30^ 42^ 100v 16v 16^ 100^');
    expect(untypable(layout, 'aäbä')).toEqual(['ä', 'b']);
    expect(() => strokesFor(layout, 'ab', 'tiny')).toThrow(/cannot type "b" on the tiny layout/);
  });
});

describe.skipIf(!fs.existsSync(KEYMAPS_DIR) || !fs.existsSync(KEYSYMDEF_PATH))("Debian's layouts", () => {
  it('lists the generated layouts and types German and French text', () => {
    expect(layoutNames()).toEqual(expect.arrayContaining(['de', 'en-us', 'fr']));
    const de = loadLayout('de');
    expect(untypable(de, 'Grüße aus Köln: 10 € @ {x} | y\n')).toEqual([]);
    expect(de.get('z')!.code).toBe(21); // QWERTZ: z where US has y
    expect(s(strokesFor(de, '@'))).toBe('100v 16v 16^ 100^');
    const fr = loadLayout('fr');
    expect(untypable(fr, 'Où est la gare ? « déjà » ç à é è ù 1 2\n')).toEqual([]);
    expect(fr.get('a')!.code).toBe(16); // AZERTY
    expect(untypable(loadLayout('en-us'), 'é')).toEqual(['é']);
  });

  it('says which layouts exist when the name is unknown, and what is missing when the directory is', () => {
    expect(() => loadLayout('xx')).toThrow(/unknown layout "xx" \(one of: .*de.*\)/);
    try {
      layoutNames('/nonexistent/keymaps');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KeymapError);
      expect((e as KeymapError).code).toBe('NO_KEYMAPS');
      expect((e as Error).message).toMatch(/qemu-system-data/);
    }
  });
});
