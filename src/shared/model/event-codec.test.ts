import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, Kind, RETIRED_KINDS, isKnownKind } from './constants';
import { VmsigError, isVmsigError } from './errors';
import type { VmsigEvent } from './event';
import { checkKind, decodeEventBody, encodeEventBody, eventBodySize, writeEventBody } from './event-codec';
import { EVENT_BODY } from './layouts';

const u32 = fc.nat({ max: 0xffffffff });

const eventArb: fc.Arbitrary<VmsigEvent> = fc.record({
  kind: u32,
  source: u32,
  dir: u32,
  prio: u32,
  endpoint: u32,
  seq: u32,
  corr: u32,
  origin: u32,
  tsNs: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  inln: fc.uint8Array({ minLength: 48, maxLength: 48 }),
  payload: fc.option(
    fc
      .record({ bytes: fc.uint8Array({ maxLength: 300 }), codec: u32, flags: u32 })
      .filter((p) => p.bytes.length > 0 || p.codec !== 0 || p.flags !== 0),
  ),
});

describe('EVENT body codec (§4)', () => {
  it('round-trips every field but origin, which never reaches the wire', () => {
    fc.assert(
      fc.property(eventArb, (ev) => {
        const wire = encodeEventBody(ev);
        expect(wire.length).toBe(96 + (ev.payload?.bytes.length ?? 0));
        expect(new DataView(wire.buffer).getUint32(EVENT_BODY.reserved, true)).toBe(0);
        expect(decodeEventBody(wire)).toEqual({ ...ev, origin: 0 });
      }),
      { numRuns: 1000 },
    );
  });

  it('puts each field at the offset of the protocol table', () => {
    const ev: VmsigEvent = {
      kind: 0x11111111,
      source: 0x22222222,
      dir: 0x33333333,
      prio: 0x44444444,
      endpoint: 0x55555555,
      seq: 0x66666666,
      corr: 0x77777777,
      origin: 0x12345678,
      tsNs: 0x1_2345_6789_abcd,
      inln: Uint8Array.from({ length: 48 }, (_, i) => i + 1),
      payload: { bytes: Uint8Array.of(0xaa, 0xbb), codec: 0x88888888, flags: 0x99999999 },
    };
    const wire = encodeEventBody(ev);
    const v = new DataView(wire.buffer);
    const at = (field: keyof typeof EVENT_BODY) => v.getUint32(EVENT_BODY[field], true);
    expect([
      at('kind'),
      at('source'),
      at('dir'),
      at('prio'),
      at('endpoint'),
      at('seq'),
      at('corr'),
      at('reserved'),
    ]).toEqual([0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x55555555, 0x66666666, 0x77777777, 0]);
    expect(v.getBigUint64(EVENT_BODY.ts_ns, true)).toBe(0x1_2345_6789_abcdn);
    expect([at('payload_codec'), at('payload_flags')]).toEqual([0x88888888, 0x99999999]);
    expect([...wire.subarray(EVENT_BODY.inln, EVENT_BODY.inln + 48)]).toEqual([...ev.inln]);
    expect([...wire.subarray(96)]).toEqual([0xaa, 0xbb]);
    expect(eventBodySize(ev)).toBe(98);
  });

  it('writes at an offset inside a larger buffer and decodes from a sub-view', () => {
    const ev = decodeEventBody(new Uint8Array(96).fill(7));
    const out = new Uint8Array(200).fill(0xee);
    expect(writeEventBody(ev, out, 13)).toBe(96);
    expect(out[12]).toBe(0xee);
    expect(out[13 + 96]).toBe(0xee);
    expect(decodeEventBody(out.subarray(13, 13 + 96))).toEqual(ev);
  });

  it('decoded bytes are copies: mutating the input afterwards changes nothing', () => {
    const wire = new Uint8Array(100).fill(3);
    const ev = decodeEventBody(wire);
    wire.fill(9);
    expect(ev.inln.every((b) => b === 3)).toBe(true);
    expect([...ev.payload!.bytes]).toEqual([3, 3, 3, 3]);
  });

  it('refuses a body shorter than 96 bytes with BAD_FRAME', () => {
    for (const n of [0, 1, 48, 95]) {
      try {
        decodeEventBody(new Uint8Array(n));
        expect.unreachable(`a ${n}-byte body decoded`);
      } catch (e) {
        expect(e).toBeInstanceOf(VmsigError);
        expect((e as VmsigError).code).toBe(ErrorCode.BAD_FRAME);
      }
    }
  });

  it('turns random bytes into an event or a VmsigError, nothing else; a decoded body re-encodes to itself', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(7), (bytes, shift) => {
        const view = new Uint8Array(bytes.length + shift).fill(0x5a).subarray(shift);
        view.set(bytes);
        let ev: VmsigEvent;
        try {
          ev = decodeEventBody(view);
        } catch (e) {
          expect(isVmsigError(e), String(e)).toBe(true);
          return;
        }
        const again = view.slice();
        again.fill(0, EVENT_BODY.reserved, EVENT_BODY.reserved + 4);
        expect(encodeEventBody(ev)).toEqual(again);
        try {
          checkKind(ev.kind);
          expect(isKnownKind(ev.kind)).toBe(true);
        } catch (e) {
          expect(isVmsigError(e) && e.code === ErrorCode.KIND, String(e)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('checkKind', () => {
  it('refuses every retired kind with KIND, never aliasing it', () => {
    expect(RETIRED_KINDS).toEqual([16, 17, 18, 19, 32, 33, 34, 35, 36, 66, 67, 68, 69, 71, 72]);
    for (const k of RETIRED_KINDS)
      expect(() => checkKind(k)).toThrow(
        expect.objectContaining({ code: ErrorCode.KIND, message: expect.stringMatching(/retired/) }),
      );
  });

  it('refuses unknown kinds and NONE, accepts every live kind', () => {
    for (const k of [0, 4, 15, 20, 31, 38, 47, 56, 63, 80, 127, 0xffffffff])
      expect(() => checkKind(k), `kind ${k}`).toThrow(expect.objectContaining({ code: ErrorCode.KIND }));
    for (const k of Object.values(Kind)) if (k !== Kind.NONE) expect(() => checkKind(k)).not.toThrow();
  });
});
