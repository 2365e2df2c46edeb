import { describe, expect, it } from 'vitest';
import { KEY, codeForKeyName, evdevButton, evdevForCode, fKey, keyName } from '.';

describe('evdev key table', () => {
  it('maps physical keys to Linux KEY_* codes', () => {
    expect(evdevForCode('KeyA')).toBe(30);
    expect(evdevForCode('KeyQ')).toBe(16);
    expect(evdevForCode('KeyM')).toBe(50);
    expect(evdevForCode('Digit1')).toBe(2);
    expect(evdevForCode('Digit0')).toBe(11);
    expect(evdevForCode('Enter')).toBe(28);
    expect(evdevForCode('ControlRight')).toBe(97);
    expect(evdevForCode('F10')).toBe(68);
    expect(evdevForCode('F12')).toBe(88);
    expect(evdevForCode('toString')).toBeUndefined();
    expect(evdevForCode('Fn')).toBeUndefined();
  });
  it('names codes and function keys both ways', () => {
    expect(fKey(1)).toBe(59);
    expect(fKey(11)).toBe(87);
    expect(keyName(29)).toBe('ControlLeft');
    expect(keyName(999)).toBe('KEY #999');
    expect(evdevButton(0)).toBe(0x110);
    expect(evdevButton(2)).toBe(0x111);
  });
});
describe('evdev key names', () => {
  it('resolves Linux names and aliases in any case, and nothing else', () => {
    expect(['Enter', 'esc', 'F12', 'up', 'SysRq', 'super'].map(codeForKeyName)).toEqual([
      28, 1, 88, 103, 99, 125,
    ]);
    expect(codeForKeyName('nosuchkey')).toBeUndefined();
    expect(codeForKeyName('toString')).toBeUndefined();
  });
  it('names each KEY constant the same as the name table', () => {
    for (const [name, code] of Object.entries(KEY)) expect(codeForKeyName(name)).toBe(code);
  });
  it('agrees with the browser-code table on the keys both name', () => {
    expect(KEY.LEFTSHIFT).toBe(evdevForCode('ShiftLeft'));
    expect(KEY.RIGHTCTRL).toBe(evdevForCode('ControlRight'));
    expect(KEY.SYSRQ).toBe(evdevForCode('PrintScreen'));
    expect(KEY.F1).toBe(fKey(1));
  });
});
