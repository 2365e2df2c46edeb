import { describe, expect, it } from 'vitest';
import { SEND_KEY_CHORDS, SYSRQ_COMMANDS, sysrqChord } from './send-keys';

describe('send-key chords', () => {
  it('has Ctrl+Alt+Del (confirmed), Ctrl+Alt+Backspace, F1..F12 and PrintScreen', () => {
    const by = Object.fromEntries(SEND_KEY_CHORDS.map((c) => [c.label, c]));
    expect(by['Ctrl+Alt+Del']).toMatchObject({ codes: [29, 56, 111], confirm: expect.any(String) });
    expect(by['Ctrl+Alt+Backspace']!.codes).toEqual([29, 56, 14]);
    expect(by['Ctrl+Alt+F1']!.codes).toEqual([29, 56, 59]);
    expect(by['Ctrl+Alt+F11']!.codes).toEqual([29, 56, 87]);
    expect(by['Ctrl+Alt+F12']!.codes).toEqual([29, 56, 88]);
    expect(by['PrintScreen']!.codes).toEqual([99]);
    expect(SEND_KEY_CHORDS.filter((c) => c.confirm).map((c) => c.label)).toEqual(['Ctrl+Alt+Del']);
  });

  it('builds Alt+SysRq+<key> by key position and refuses anything else', () => {
    expect(sysrqChord('h')).toEqual([56, 99, 35]);
    expect(sysrqChord('s')).toEqual([56, 99, 31]);
    expect(sysrqChord('7')).toEqual([56, 99, 8]);
    for (const { key } of SYSRQ_COMMANDS) expect(() => sysrqChord(key)).not.toThrow();
    expect(() => sysrqChord('H')).toThrow(RangeError);
    expect(() => sysrqChord('')).toThrow(RangeError);
  });
});
