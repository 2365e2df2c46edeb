import { describe, expect, it } from 'vitest';
import { isReleaseCombo, setReleaseCombo, useReleaseCombo } from './release-combo';

const held = (...codes: string[]) => new Set(codes);

describe('release combo', () => {
  it('is Ctrl+Alt by default, either hand', () => {
    expect(useReleaseCombo.getState().combo).toBe('Ctrl+Alt');
    expect(isReleaseCombo(held('ControlLeft', 'AltRight'))).toBe(true);
    expect(isReleaseCombo(held('ControlLeft'))).toBe(false);
  });

  it('follows the operator’s choice, so Ctrl+Alt+<key> can reach the guest', () => {
    setReleaseCombo('Right Ctrl');
    expect(isReleaseCombo(held('ControlLeft', 'AltLeft', 'Delete'))).toBe(false);
    expect(isReleaseCombo(held('ControlRight'))).toBe(true);
    setReleaseCombo('Ctrl+Alt+G');
    expect(isReleaseCombo(held('ControlLeft', 'AltLeft'))).toBe(false);
    expect(isReleaseCombo(held('ControlLeft', 'AltLeft', 'KeyG'))).toBe(true);
    setReleaseCombo('no such combo');
    expect(useReleaseCombo.getState().combo).toBe('Ctrl+Alt+G');
    setReleaseCombo('Ctrl+Alt');
  });
});
