import { describe, expect, it } from 'vitest';
import { parseQemuKeymap } from '../../main/host/keymap';
import { keyCode } from './key-names';

// A two-key layout in QEMU's keymap format: names resolve through it, not through a table here.
const LAYOUT = parseQemuKeymap(
  '# evdev 16 (0x10), QKeyCode "q", number 0x10\nq 0x10\nQ 0x10 shift\n' +
    '# evdev 21 (0x15), QKeyCode "y", number 0x15\nz 0x15\nZ 0x15 shift\n',
  new Map([
    ['q', 'q'],
    ['Q', 'Q'],
    ['z', 'z'],
    ['Z', 'Z'],
  ]),
);

describe('key names', () => {
  it('resolves key names, single characters on the layout and evdev numbers', () => {
    expect(['Enter', 'esc', 'F12', 'up', 'SysRq', 'q', 'Z', '200'].map((n) => keyCode(n, LAYOUT))).toEqual([
      28, 1, 88, 103, 99, 16, 21, 200,
    ]);
  });

  it('knows no key it has no name or layout entry for', () => {
    expect(keyCode('nosuchkey', LAYOUT)).toBeUndefined();
    expect(keyCode('y', LAYOUT)).toBeUndefined();
    expect(keyCode('0', LAYOUT)).toBeUndefined();
  });
});
