import { describe, expect, it } from 'vitest';
import { evdevButton, evdevForCode, fKey, keyName } from './evdev-keys';
import { ABS_MAX, toAbs, wheelNotches } from './pointer';

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

describe('pointer scaling', () => {
  const r = { left: 100, top: 50, width: 800, height: 600 };
  it('maps the corners of the drawn framebuffer to 0 and 32767', () => {
    expect(toAbs(100, 50, r)).toEqual({ x: 0, y: 0 });
    expect(toAbs(900, 650, r)).toEqual({ x: ABS_MAX, y: ABS_MAX });
    expect(toAbs(500, 350, r)).toEqual({ x: 16384, y: 16384 });
  });
  it('clamps points outside the framebuffer', () => {
    expect(toAbs(0, 1000, r)).toEqual({ x: 0, y: ABS_MAX });
  });
  it('turns a wheel step down into a negative notch', () => {
    expect(wheelNotches(100, 0)).toBe(-1);
    expect(wheelNotches(-3, 1)).toBeCloseTo(0.99);
  });
});
