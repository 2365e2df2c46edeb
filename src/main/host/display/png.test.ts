import { describe, expect, it } from 'vitest';
import { decodePng, encodePng } from './png';

describe('encodePng', () => {
  it('round-trips pixels through a valid PNG (signature, CRCs, zlib)', () => {
    const rgb = Buffer.alloc(5 * 3 * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37) & 0xff;
    const png = encodePng(5, 3, rgb);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(decodePng(png)).toEqual({ width: 5, height: 3, rgb });
  });

  it('refuses a pixel buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, Buffer.alloc(11))).toThrow(RangeError);
  });
});
