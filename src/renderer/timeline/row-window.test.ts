import { describe, expect, it } from 'vitest';
import { atBottom, rowWindow } from './row-window';

describe('rowWindow', () => {
  it('renders the rows under the viewport plus overscan', () => {
    expect(rowWindow(220, 110, 1000, 22, 2, false)).toEqual({ start: 8, end: 18, totalHeight: 22000 });
  });
  it('pins to the last rows when following', () => {
    expect(rowWindow(0, 110, 1000, 22, 2, true)).toEqual({ start: 992, end: 1000, totalHeight: 22000 });
  });
  it('handles lists shorter than the viewport and empty lists', () => {
    expect(rowWindow(0, 500, 3, 22, 2, true)).toEqual({ start: 0, end: 3, totalHeight: 66 });
    expect(rowWindow(0, 500, 0, 22, 2, false)).toEqual({ start: 0, end: 0, totalHeight: 0 });
  });
  it('knows the bottom within one row', () => {
    expect(atBottom(890, 110, 1000, 22)).toBe(true);
    expect(atBottom(500, 110, 1000, 22)).toBe(false);
  });
});
