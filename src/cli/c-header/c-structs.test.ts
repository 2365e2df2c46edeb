/*
 * The struct table behind `vmsig kinds --c-header` against the model: the seed structs'
 * offsets are STRUCT_LAYOUTS', the EVENT body's are EVENT_BODY's, and every layout the model
 * only knows as an encoder puts each field's bytes where the table says.
 */
import { describe, expect, it } from 'vitest';
import {
  SUBSCRIBE_SIZE,
  WELCOME_SIZE,
  encodeFrame,
  encodeHello,
  encodeSubscribe,
  encodeWelcome,
} from '../../main/wire';
import {
  EVENT_BODY,
  STRUCT_LAYOUTS,
  encodeActAck,
  encodeErrorInl,
  encodeMemCtx,
  encodeMemCtxInvalidated,
  encodeMemCtxPayload,
  encodeOp,
  encodeSeam,
  makeEvent,
  writeEventBody,
} from '../../shared/model';
import { C_STRUCTS, type CStruct } from './c-structs';

const struct = (name: string): CStruct => {
  const s = C_STRUCTS.find((c) => c.name === name);
  if (!s) throw new Error(`no ${name} in C_STRUCTS`);
  return s;
};
const at = (name: string, field: string): number => {
  const f = struct(name).fields.find((x) => x.name === field);
  if (!f) throw new Error(`no ${name}.${field}`);
  return f.offset;
};
const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe('C_STRUCTS', () => {
  it('declares every seed struct with STRUCT_LAYOUTS sizes and exactly its fields and offsets', () => {
    for (const [name, layout] of Object.entries(STRUCT_LAYOUTS)) {
      const s = struct(name);
      expect(s.origin).toBe('seed');
      expect(s.size, name).toBe(layout.size);
      expect(Object.fromEntries(s.fields.map((f) => [f.name, f.offset])), name).toEqual(layout.fields);
    }
    expect(
      C_STRUCTS.filter((s) => s.origin === 'seed')
        .map((s) => s.name)
        .sort(),
    ).toEqual(Object.keys(STRUCT_LAYOUTS).sort());
  });

  it('vmsig_wire_event is the 96-byte EVENT body of EVENT_BODY', () => {
    const { size, ...offsets } = EVENT_BODY;
    const s = struct('vmsig_wire_event');
    expect(s.size).toBe(size);
    expect(Object.fromEntries(s.fields.map((f) => [f.name, f.offset]))).toEqual(offsets);
  });

  it('the EVENT body encoder writes each field where vmsig_wire_event puts it', () => {
    const out = new Uint8Array(96);
    const inln = new Uint8Array(48).fill(0xab);
    writeEventBody(
      makeEvent({ kind: 64, source: 3, dir: 1, prio: 2, endpoint: 5, seq: 6, corr: 7, tsNs: 8, inln }),
      out,
    );
    const v = dv(out);
    const want = { kind: 64, source: 3, dir: 1, prio: 2, endpoint: 5, seq: 6, corr: 7 };
    for (const [f, n] of Object.entries(want))
      expect(v.getUint32(at('vmsig_wire_event', f), true), f).toBe(n);
    expect(v.getBigUint64(at('vmsig_wire_event', 'ts_ns'), true)).toBe(8n);
    expect(out[at('vmsig_wire_event', 'inln')]).toBe(0xab);
  });

  it('the inline layouts protocol §9 adds sit where the encoders write them', () => {
    const ack = dv(encodeActAck({ ok: 1, err: 2, cmdKind: 3, detail: 4 }));
    expect(
      ['ok', 'err', 'cmd_kind', 'detail'].map((f) => ack.getUint32(at('vmsig_act_ack', f), true)),
    ).toEqual([1, 2, 3, 4]);
    const seam = dv(encodeSeam({ seam: 5, reason: 2 }));
    expect([
      seam.getUint32(at('vmsig_seam', 'seam'), true),
      seam.getUint32(at('vmsig_seam', 'reason'), true),
    ]).toEqual([5, 2]);
    const err = encodeErrorInl({ code: 9, detail: 10, msg: 'hi' });
    expect(dv(err).getUint32(at('vmsig_error_inl', 'detail'), true)).toBe(10);
    expect(err[at('vmsig_error_inl', 'msg')]).toBe('h'.charCodeAt(0));
    const ctx = dv(encodeMemCtx({ epoch: 1, nseg: 2, kcr3: 3n, ramSize: 4n, levels: 5, flags: 6 }));
    expect(ctx.getUint32(at('vmsig_memctx', 'nseg'), true)).toBe(2);
    expect(ctx.getBigUint64(at('vmsig_memctx', 'kcr3'), true)).toBe(3n);
    expect(ctx.getBigUint64(at('vmsig_memctx', 'ram_size'), true)).toBe(4n);
    expect(ctx.getUint32(at('vmsig_memctx', 'levels'), true)).toBe(5);
    expect(ctx.getUint32(at('vmsig_memctx', 'flags'), true)).toBe(6);
    const seg = dv(encodeMemCtxPayload([{ gpa: 7n, size: 8n, fileOff: 9n }], '/ram'));
    expect(['gpa', 'size', 'file_off'].map((f) => seg.getBigUint64(at('vmsig_memseg', f), true))).toEqual([
      7n,
      8n,
      9n,
    ]);
    expect(struct('vmsig_memseg').size).toBe(24);
    const inv = dv(encodeMemCtxInvalidated({ epoch: 11, reason: 3 }));
    expect(inv.getUint32(at('vmsig_memctx_inv', 'reason'), true)).toBe(3);
    expect(dv(encodeOp({ op: 4 })).getUint32(at('vmsig_lifecycle_cmd', 'op'), true)).toBe(4);
  });

  it('the frame bodies sit where the wire encoders write them', () => {
    const head = encodeFrame(6, new Uint8Array(8));
    expect(dv(head).getUint32(at('vmsig_frame_header', 'len'), true)).toBe(8);
    expect(dv(head).getUint16(at('vmsig_frame_header', 'type'), true)).toBe(6);
    const hello = dv(encodeHello({ versionMin: 1, versionMax: 2, token: 'abc', name: 'xy' }));
    expect(
      ['version_min', 'version_max', 'token_len', 'name_len'].map((f) =>
        hello.getUint16(at('vmsig_hello', f), true),
      ),
    ).toEqual([1, 2, 3, 2]);
    const welcome = encodeWelcome({
      version: 1,
      controlId: 2,
      principal: 3,
      caps: 4,
      endpointMask: 5n,
      leasePrio: 6,
      maxFrame: 7,
      tsNs: 8n,
    });
    expect(struct('vmsig_welcome').size).toBe(WELCOME_SIZE);
    const w = dv(welcome);
    expect(
      ['control_id', 'principal', 'caps', 'lease_prio', 'max_frame'].map((f) =>
        w.getUint32(at('vmsig_welcome', f), true),
      ),
    ).toEqual([2, 3, 4, 6, 7]);
    expect(w.getBigUint64(at('vmsig_welcome', 'endpoint_mask'), true)).toBe(5n);
    expect(w.getBigUint64(at('vmsig_welcome', 'ts_ns'), true)).toBe(8n);
    const kinds = new Uint8Array(16);
    kinds[8] = 1;
    const sub = dv(
      encodeSubscribe({ kinds, sources: 9, dirs: 3, prioMin: 2, endpoints: { lo: 0x2, hi: 0x1 } }),
    );
    expect(struct('vmsig_subscribe').size).toBe(SUBSCRIBE_SIZE);
    expect(sub.getUint8(at('vmsig_subscribe', 'kinds') + 8)).toBe(1);
    expect(['sources', 'dirs', 'prio_min'].map((f) => sub.getUint32(at('vmsig_subscribe', f), true))).toEqual(
      [9, 3, 2],
    );
    expect(sub.getBigUint64(at('vmsig_subscribe', 'endpoint_mask'), true)).toBe((1n << 32n) | 2n);
  });
});
