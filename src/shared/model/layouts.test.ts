import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INPUT_HELD_TRUNC, MemWriteFlag } from './constants';
import {
  STRUCT_LAYOUTS,
  decodeActAck,
  decodeCursor,
  decodeErrorInl,
  decodeInput,
  decodeInputHeld,
  decodeLeaseReq,
  decodeLeaseStatus,
  decodeMemCtx,
  decodeMemCtxInvalidated,
  decodeMemCtxPayload,
  decodeMemWrite,
  decodeOp,
  decodeSeam,
  decodeVmState,
  encodeActAck,
  encodeCursor,
  encodeErrorInl,
  encodeInput,
  encodeInputHeld,
  encodeLeaseReq,
  encodeLeaseStatus,
  encodeMemCtx,
  encodeMemCtxInvalidated,
  encodeMemCtxPayload,
  encodeMemWrite,
  encodeOp,
  encodeSeam,
  encodeVmState,
} from './layouts';
import { utf8Encode } from './utf8';

const u32 = fc.nat({ max: 0xffffffff });
const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const u16 = fc.nat({ max: 0xffff });

/** A layout: an arbitrary value, its codec, and how many bytes of the zone it may use. */
interface Case<T> {
  name: string;
  arb: fc.Arbitrary<T>;
  encode: (v: T) => Uint8Array;
  decode: (z: Uint8Array) => T;
  bytes: number;
}
const layout = <T>(c: Case<T>) => c as Case<unknown>;

const CASES: Case<unknown>[] = [
  layout({
    name: 'vmsig_lease_req',
    arb: fc.record({ cls: u32, reason: u32 }),
    encode: encodeLeaseReq,
    decode: decodeLeaseReq,
    bytes: STRUCT_LAYOUTS.vmsig_lease_req.size,
  }),
  layout({
    name: 'vmsig_lease_status',
    arb: fc.record({ cls: u32, busy: u32, ownerPrincipal: u32 }),
    encode: encodeLeaseStatus,
    decode: decodeLeaseStatus,
    bytes: STRUCT_LAYOUTS.vmsig_lease_status.size,
  }),
  layout({
    name: 'vmsig_input',
    arb: fc.record({ kind: u32, code: i32, value: i32, scroll: fc.double({ noNaN: true }) }),
    encode: encodeInput,
    decode: decodeInput,
    bytes: STRUCT_LAYOUTS.vmsig_input.size,
  }),
  layout({
    name: 'vmsig_cursor',
    arb: fc.record({ x: i32, y: i32, visible: u32, seq: u32 }),
    encode: encodeCursor,
    decode: decodeCursor,
    bytes: STRUCT_LAYOUTS.vmsig_cursor.size,
  }),
  layout({
    name: 'vmsig_vm_state',
    arb: fc.record({ state: u32, detail: u32 }),
    encode: encodeVmState,
    decode: decodeVmState,
    bytes: STRUCT_LAYOUTS.vmsig_vm_state.size,
  }),
  layout({
    name: 'vmsig_vm_cmd / lifecycle op',
    arb: fc.record({ op: u32 }),
    encode: encodeOp,
    decode: decodeOp,
    bytes: STRUCT_LAYOUTS.vmsig_vm_cmd.size,
  }),
  layout({
    name: 'ACT_ACK',
    arb: fc.record({ ok: u32, err: u32, cmdKind: u32, detail: u32 }),
    encode: encodeActAck,
    decode: decodeActAck,
    bytes: 16,
  }),
  layout({
    name: 'SEAM_UP/DOWN',
    arb: fc.record({ seam: u32, reason: u32 }),
    encode: encodeSeam,
    decode: decodeSeam,
    bytes: 8,
  }),
  layout({
    name: 'MEMCTX',
    arb: fc.record({ epoch: u32, nseg: u32, kcr3: u64, ramSize: u64, levels: u32, flags: u32 }),
    encode: encodeMemCtx,
    decode: decodeMemCtx,
    bytes: 32,
  }),
  layout({
    name: 'MEMCTX_INVALIDATED',
    arb: fc.record({ epoch: u32, reason: u32 }),
    encode: encodeMemCtxInvalidated,
    decode: decodeMemCtxInvalidated,
    bytes: 8,
  }),
  layout({
    name: 'vmsig_memwrite (inline tail)',
    arb: fc.nat({ max: 32 }).chain((len) =>
      fc.record({
        gva: u64,
        len: fc.constant(len),
        flags: fc.constant(MemWriteFlag.SRC_INLINE),
        inlineData: fc.uint8Array({ minLength: len, maxLength: len }),
      }),
    ),
    encode: encodeMemWrite,
    decode: decodeMemWrite,
    bytes: 48,
  }),
  layout({
    name: 'vmsig_memwrite (payload)',
    arb: fc.record({
      gva: u64,
      len: fc.integer({ min: 1, max: 65536 }),
      flags: fc.constant(MemWriteFlag.SRC_PAYLOAD),
      inlineData: fc.constant(new Uint8Array(0)),
    }),
    encode: encodeMemWrite,
    decode: decodeMemWrite,
    bytes: STRUCT_LAYOUTS.vmsig_memwrite.size,
  }),
  layout({
    name: 'ERROR event',
    arb: fc.record({
      code: u32,
      detail: u32,
      msg: fc.string({ maxLength: 40 }).filter((s) => !s.includes('\0') && utf8Encode(s).length <= 40),
    }),
    encode: encodeErrorInl,
    decode: decodeErrorInl,
    bytes: 48,
  }),
];

describe('inline layouts (§9)', () => {
  for (const c of CASES) {
    it(`${c.name}: round-trips in a 48-byte zone, zero past its ${c.bytes} bytes`, () => {
      fc.assert(
        fc.property(c.arb, (v) => {
          const z = c.encode(v);
          expect(z.length).toBe(48);
          expect(z.subarray(c.bytes).every((b) => b === 0)).toBe(true);
          expect(c.decode(z)).toEqual(v);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('places vmsig_input scroll after 4 bytes of padding, as the C struct does', () => {
    const z = encodeInput({ kind: 1, code: -2, value: 3, scroll: 1.5 });
    const v = new DataView(z.buffer);
    const f = STRUCT_LAYOUTS.vmsig_input.fields;
    expect([
      v.getUint32(f.kind, true),
      v.getInt32(f.code, true),
      v.getInt32(f.value, true),
      v.getUint32(12, true),
      v.getFloat64(f.scroll, true),
    ]).toEqual([1, -2, 3, 0, 1.5]);
  });

  it('decodes from a zone that is a view into a larger buffer', () => {
    const big = new Uint8Array(100);
    big.set(encodeCursor({ x: -7, y: 8, visible: 1, seq: 9 }), 48);
    expect(decodeCursor(big.subarray(48, 96))).toEqual({ x: -7, y: 8, visible: 1, seq: 9 });
  });

  it('vmsig_input_held: up to 10 entries round-trip; more are cut and flagged TRUNC', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ kind: u16, code: u16 }), { maxLength: 14 }), (entries) => {
        const held = decodeInputHeld(encodeInputHeld(entries));
        expect(held.entries).toEqual(entries.slice(0, 10));
        expect(held.flags).toBe(entries.length > 10 ? INPUT_HELD_TRUNC : 0);
      }),
    );
    const z = encodeInputHeld([{ kind: 3, code: 30 }]);
    expect(new DataView(z.buffer).getUint16(STRUCT_LAYOUTS.vmsig_input_held.fields.ent + 2, true)).toBe(30);
  });

  it('vmsig_memwrite: the inline tail sits right after the 16-byte header and is ignored without SRC_INLINE', () => {
    const z = encodeMemWrite({
      gva: 0xffff_8000_0000_1000n,
      len: 3,
      flags: MemWriteFlag.SRC_INLINE,
      inlineData: Uint8Array.of(1, 2, 3),
    });
    expect([...z.subarray(16, 20)]).toEqual([1, 2, 3, 0]);
    z[12] = MemWriteFlag.SRC_PAYLOAD;
    expect(decodeMemWrite(z).inlineData.length).toBe(0);
  });

  it('ERROR msg is cut at 40 bytes without splitting a UTF-8 character, and NUL-padded', () => {
    const long = 'é'.repeat(30);
    const z = encodeErrorInl({ code: 12, detail: 4, msg: long });
    expect(decodeErrorInl(z).msg).toBe('é'.repeat(20));
    const odd = encodeErrorInl({ code: 1, detail: 0, msg: 'a' + 'é'.repeat(30) });
    expect(decodeErrorInl(odd).msg).toBe('a' + 'é'.repeat(19));
    expect(odd[47]).toBe(0);
  });

  it('MEMCTX payload: segments then the RAM path; too short for nseg decodes to null', () => {
    const segs = [
      { gpa: 0n, size: 0xa0000n, fileOff: 0n },
      { gpa: 0x100000n, size: 0x7f00000n, fileOff: 0x100000n },
    ];
    const bytes = encodeMemCtxPayload(segs, '/dev/shm/vm1-ram');
    expect(bytes.length).toBe(48 + 16);
    expect(decodeMemCtxPayload(bytes, 2)).toEqual({ segs, ramPath: '/dev/shm/vm1-ram' });
    expect(decodeMemCtxPayload(bytes.subarray(0, 47), 2)).toBeNull();
  });

  it('decoders never throw on any 48 bytes', () => {
    const decoders = [
      decodeLeaseReq,
      decodeLeaseStatus,
      decodeInput,
      decodeCursor,
      decodeVmState,
      decodeOp,
      decodeActAck,
      decodeSeam,
      decodeMemCtx,
      decodeMemCtxInvalidated,
      decodeMemWrite,
      decodeErrorInl,
      decodeInputHeld,
    ];
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 48, maxLength: 48 }), (z) => {
        for (const d of decoders) d(z);
      }),
    );
  });
});
