import { describe, expect, it } from 'vitest';
import { ABS_MAX, toAbs, wheelNotches } from './pointer';

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
