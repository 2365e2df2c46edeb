import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_ENDPOINTS, maskAnd, maskFromBigInt, maskHas, maskOf, maskToBigInt } from './endpoint-mask';

describe('endpoint masks', () => {
  it('hold exactly the ids they were built from, across both words', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 63 })), (ids) => {
        const m = maskOf(ids);
        for (let ep = 0; ep < 64; ep++) expect(maskHas(m, ep)).toBe(ids.includes(ep));
        expect(maskToBigInt(m)).toBe(ids.reduce((acc, id) => acc | (1n << BigInt(id)), 0n));
      }),
    );
  });

  it('round-trip the wire u64 and intersect bitwise', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        (a, b) => {
          expect(maskToBigInt(maskFromBigInt(a))).toBe(a);
          expect(maskToBigInt(maskAnd(maskFromBigInt(a), maskFromBigInt(b)))).toBe(a & b);
        },
      ),
    );
  });

  it('never contain ids outside 0..63', () => {
    for (const ep of [-1, 64, 100, 2 ** 32, Number.NaN]) expect(maskHas(ALL_ENDPOINTS, ep)).toBe(false);
    expect(maskToBigInt(maskOf([64, -1, 200, 1.5, -33]))).toBe(0n);
  });
});
