import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClassQueue } from './class-queue';

describe('ClassQueue', () => {
  it('is a FIFO that never holds more than its capacity, across wrap-around', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.boolean(), { maxLength: 200 }), (cap, ops) => {
        const q = new ClassQueue<number>(cap);
        const ref: number[] = [];
        let next = 0;
        for (const push of ops) {
          if (push && !q.full) {
            q.push(next);
            ref.push(next++);
          } else expect(q.shift()).toBe(ref.shift());
          expect(q.size).toBe(ref.length);
          expect(q.full).toBe(ref.length === cap);
        }
      }),
    );
  });

  it('sums the sizes it holds and fits an item only within both bounds', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 100 }), (sizes) => {
        const q = new ClassQueue<number>(8, 100);
        const ref: number[] = [];
        for (const size of sizes) {
          while (!q.fits(size) && q.size > 0) {
            q.shift();
            ref.shift();
          }
          if (!q.fits(size)) continue;
          q.push(size, size);
          ref.push(size);
          expect(q.bytes).toBe(ref.reduce((a, b) => a + b, 0));
          expect(q.bytes).toBeLessThanOrEqual(100);
        }
      }),
    );
  });

  it('refuses a capacity below 1', () => {
    expect(() => new ClassQueue(0)).toThrow(RangeError);
    expect(() => new ClassQueue(1.5)).toThrow(RangeError);
    expect(() => new ClassQueue(1, 0)).toThrow(RangeError);
  });
});
