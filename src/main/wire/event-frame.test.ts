import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeEventBody, makeEvent } from '../../shared/model';
import { encodeFrame, FrameType } from './frame-header';
import { eventFrameSize, writeEventFrame } from './event-frame';

describe('writeEventFrame', () => {
  it('writes the same bytes as the shared codec behind a frame header, for any event', () => {
    fc.assert(
      fc.property(
        fc.record({
          kind: fc.nat(0xffffffff),
          source: fc.nat(0xffffffff),
          dir: fc.nat(0xffffffff),
          prio: fc.nat(0xffffffff),
          endpoint: fc.nat(0xffffffff),
          seq: fc.nat(0xffffffff),
          corr: fc.nat(0xffffffff),
          origin: fc.nat(0xffffffff),
          tsNs: fc.maxSafeNat(),
          inln: fc.uint8Array({ minLength: 48, maxLength: 48 }),
        }),
        fc.option(
          fc.record({
            bytes: fc.uint8Array({ maxLength: 64 }),
            codec: fc.nat(0xffffffff),
            flags: fc.nat(0xffffffff),
          }),
        ),
        (fields, payload) => {
          const ev = makeEvent({ ...fields, payload });
          const out = Buffer.alloc(eventFrameSize(ev) + 3, 0xaa);
          expect(writeEventFrame(out, 3, ev)).toBe(eventFrameSize(ev));
          expect(out.subarray(3)).toEqual(encodeFrame(FrameType.EVENT, encodeEventBody(ev)));
          expect(out.subarray(0, 3)).toEqual(Buffer.from([0xaa, 0xaa, 0xaa]));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
