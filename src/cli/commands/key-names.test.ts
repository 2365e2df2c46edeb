import { describe, expect, it } from 'vitest';
import { SHIFT, keyCode, strokesFor } from './us-keymap';

describe('US keymap', () => {
  it('types lower case, upper case with shift around it, and shifted symbols', () => {
    const s = (t: string): string =>
      strokesFor(t)
        .map((k) => `${k.code}${k.down ? 'v' : '^'}`)
        .join(' ');
    expect(s('a')).toBe('30v 30^');
    expect(s('A')).toBe(`${SHIFT}v 30v 30^ ${SHIFT}^`);
    expect(s('1!')).toBe(`2v 2^ ${SHIFT}v 2v 2^ ${SHIFT}^`);
    expect(s(' \n')).toBe('57v 57^ 28v 28^');
    expect(s('/?')).toBe(`53v 53^ ${SHIFT}v 53v 53^ ${SHIFT}^`);
    expect(s('|')).toBe(`${SHIFT}v 43v 43^ ${SHIFT}^`);
  });

  it('can type every printable ASCII character, each press followed by its release', () => {
    for (let c = 0x20; c < 0x7f; c++) {
      const strokes = strokesFor(String.fromCharCode(c));
      expect(strokes.filter((k) => k.down).length).toBe(strokes.filter((k) => !k.down).length);
    }
  });

  it('refuses what a US keyboard cannot type, naming the character', () => {
    expect(() => strokesFor('é')).toThrow(/cannot type "é"/);
  });

  it('resolves key names, single characters and evdev numbers', () => {
    expect([
      keyCode('Enter'),
      keyCode('esc'),
      keyCode('F12'),
      keyCode('up'),
      keyCode('q'),
      keyCode('200'),
    ]).toEqual([28, 1, 88, 103, 16, 200]);
    expect(keyCode('nosuchkey')).toBeUndefined();
  });
});
