import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, isVmsigError } from '../../shared/model';
import { FrameDecoder } from './frame-decoder';
import type { Frame } from './frame-header';

/** A frame built by hand, byte by byte: u32 len, u16 type, u16 flags, body. */
function rawFrame(type: number, body: number[], flags = 0, len = body.length): Uint8Array {
  return Uint8Array.from([
    len & 0xff,
    (len >> 8) & 0xff,
    (len >> 16) & 0xff,
    len >>> 24,
    type & 0xff,
    type >> 8,
    flags & 0xff,
    flags >> 8,
    ...body,
  ]);
}

function decodeAll(chunks: Uint8Array[], maxFrame = 1 << 20): { frames: Frame[]; error: number | null } {
  const d = new FrameDecoder(maxFrame);
  const frames: Frame[] = [];
  try {
    for (const c of chunks) d.push(c, (f) => frames.push({ type: f.type, body: Uint8Array.from(f.body) }));
  } catch (e) {
    if (!isVmsigError(e)) throw e;
    return { frames, error: e.code };
  }
  return { frames, error: null };
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

describe('FrameDecoder', () => {
  it('decodes a hand-built PING frame', () => {
    const { frames, error } = decodeAll([rawFrame(6, [1, 2, 3, 4, 5, 6, 7, 8])]);
    expect(error).toBeNull();
    expect(frames).toEqual([{ type: 6, body: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }]);
  });

  it('decodes frames delivered one byte at a time and many in one chunk', () => {
    const a = rawFrame(6, [9, 9, 9, 9, 9, 9, 9, 9]);
    const b = rawFrame(
      3,
      Array.from({ length: 96 }, (_, i) => i),
    );
    const c = rawFrame(7, [0, 0, 0, 0, 0, 0, 0, 1]);
    const all = Uint8Array.from([...a, ...b, ...c]);
    const bytewise = decodeAll([...all].map((x) => Uint8Array.of(x)));
    const whole = decodeAll([all]);
    expect(bytewise.frames.map((f) => f.type)).toEqual([6, 3, 7]);
    expect(whole.frames).toEqual(bytewise.frames);
    expect(whole.frames[1]!.body[95]).toBe(95);
  });

  it('accepts an empty body', () => {
    expect(decodeAll([rawFrame(4, [])]).frames).toEqual([{ type: 4, body: new Uint8Array(0) }]);
  });

  it('refuses a length above max_frame as TOO_LARGE from the header alone', () => {
    expect(decodeAll([rawFrame(3, [], 0, 1025)], 1024).error).toBe(ErrorCode.TOO_LARGE);
    expect(decodeAll([rawFrame(3, [], 0, 0xffffffff)]).error).toBe(ErrorCode.TOO_LARGE);
  });

  it('refuses non-zero flags and unknown types as BAD_FRAME', () => {
    expect(decodeAll([rawFrame(6, [0, 0, 0, 0, 0, 0, 0, 0], 1)]).error).toBe(ErrorCode.BAD_FRAME);
    expect(decodeAll([rawFrame(0, [])]).error).toBe(ErrorCode.BAD_FRAME);
    expect(decodeAll([rawFrame(8, [])]).error).toBe(ErrorCode.BAD_FRAME);
    // §10 reserves 16..31 for host requests; this implementation defines 16 and 17 only.
    for (const t of [15, 18, 31]) expect(decodeAll([rawFrame(t, [])]).error).toBe(ErrorCode.BAD_FRAME);
    expect(
      decodeAll([rawFrame(16, [0, 0, 0, 0]), rawFrame(17, [0, 0, 0, 0])]).frames.map((f) => f.type),
    ).toEqual([16, 17]);
    expect(decodeAll([rawFrame(0xffff, [])]).error).toBe(ErrorCode.BAD_FRAME);
  });

  it('delivers the frames before a bad header, then fails', () => {
    const r = decodeAll([Uint8Array.from([...rawFrame(6, [1, 1, 1, 1, 1, 1, 1, 1]), ...rawFrame(9, [])])]);
    expect(r.frames).toHaveLength(1);
    expect(r.error).toBe(ErrorCode.BAD_FRAME);
  });

  it('reports when the pending frame started, and clears it when complete', () => {
    let now = 100;
    const d = new FrameDecoder(1 << 20, () => now);
    expect(d.partialSince).toBeNull();
    d.push(Uint8Array.of(8, 0, 0), () => {});
    expect(d.partialSince).toBe(100);
    now = 200;
    d.push(Uint8Array.of(0, 6, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7), () => {});
    expect(d.partialSince).toBe(100);
    d.push(Uint8Array.of(8), () => {});
    expect(d.partialSince).toBeNull();
  });

  it('fuzz: any split of a valid stream yields the same frames (20 000 runs)', () => {
    const frameArb = fc.record({
      type: fc.integer({ min: 1, max: 7 }),
      body: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (frames, cuts) => {
          const bytes = Uint8Array.from(frames.flatMap((f) => [...rawFrame(f.type, [...f.body])]));
          const r = decodeAll(splitAt(bytes, cuts));
          expect(r.error).toBeNull();
          expect(r.frames).toEqual(frames.map((f) => ({ type: f.type, body: Uint8Array.from(f.body) })));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('fuzz: random and mutated bytes only ever yield frames or a typed error (100 000 runs)', () => {
    const valid = fc
      .array(fc.record({ type: fc.integer({ min: 1, max: 7 }), body: fc.uint8Array({ maxLength: 120 }) }), {
        maxLength: 4,
      })
      .map((fs) => Uint8Array.from(fs.flatMap((f) => [...rawFrame(f.type, [...f.body])])));
    const mutated = fc
      .tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }))
      .map(([b, muts]) => {
        const out = Uint8Array.from(b);
        for (const [at, v] of muts) if (out.length) out[at % out.length] = v;
        return out;
      });
    const input = fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated);
    fc.assert(
      fc.property(input, fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const r = decodeAll(splitAt(bytes, cuts), 4096);
        if (r.error !== null) expect([ErrorCode.BAD_FRAME, ErrorCode.TOO_LARGE]).toContain(r.error);
        for (const f of r.frames)
          expect((f.type >= 1 && f.type <= 7) || f.type === 16 || f.type === 17).toBe(true);
      }),
      { numRuns: 100_000 },
    );
  });
});
