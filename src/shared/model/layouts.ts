/*
 * Inline layouts of protocol §9 (48 bytes, little-endian, zero-padded): one encoder and one
 * decoder per struct, plus the offsets as data so a test can hold them against the C header.
 * Decoders never throw on short input: the zone is always 48 bytes.
 */
import {
  INLINE_SIZE,
  INPUT_HELD_CAPACITY,
  INPUT_HELD_TRUNC,
  MEMWRITE_INLINE,
  MemWriteFlag,
} from './constants';
import { utf8Decode, utf8Encode } from './utf8';

/** Field offsets and sizes of the header's structs, as the C compiler lays them out. */
export const STRUCT_LAYOUTS = {
  vmsig_lease_req: { size: 8, fields: { cls: 0, reason: 4 } },
  vmsig_lease_status: { size: 12, fields: { cls: 0, busy: 4, owner_principal: 8 } },
  vmsig_input: { size: 24, fields: { kind: 0, code: 4, value: 8, scroll: 16 } },
  vmsig_memwrite: { size: 16, fields: { gva: 0, len: 8, flags: 12 } },
  vmsig_cursor: { size: 16, fields: { x: 0, y: 4, visible: 8, seq: 12 } },
  vmsig_input_held: { size: 48, fields: { count: 0, flags: 4, ent: 8 } },
  vmsig_vm_state: { size: 8, fields: { state: 0, detail: 4 } },
  vmsig_vm_cmd: { size: 4, fields: { op: 0 } },
} as const;

/** Offsets of the fixed 96-byte EVENT body (protocol §4). */
export const EVENT_BODY = {
  size: 96,
  kind: 0,
  source: 4,
  dir: 8,
  prio: 12,
  endpoint: 16,
  seq: 20,
  corr: 24,
  reserved: 28,
  ts_ns: 32,
  payload_codec: 40,
  payload_flags: 44,
  inln: 48,
} as const;

function view(inln: Uint8Array): DataView {
  return new DataView(inln.buffer, inln.byteOffset, inln.byteLength);
}

function zone(): Uint8Array {
  return new Uint8Array(INLINE_SIZE);
}

/** Writes `words` as consecutive u32s from offset 0 of a fresh zone. */
function u32s(...words: number[]): Uint8Array {
  const z = zone();
  const v = view(z);
  words.forEach((w, i) => v.setUint32(i * 4, w >>> 0, true));
  return z;
}

function readU32(inln: Uint8Array, at: number): number {
  return view(inln).getUint32(at, true);
}

/** vmsig_lease_req. */
export interface LeaseReq {
  cls: number;
  reason: number;
}
export const encodeLeaseReq = (r: LeaseReq): Uint8Array => u32s(r.cls, r.reason);
export const decodeLeaseReq = (z: Uint8Array): LeaseReq => ({ cls: readU32(z, 0), reason: readU32(z, 4) });

/** vmsig_lease_status. */
export interface LeaseStatus {
  cls: number;
  busy: number;
  ownerPrincipal: number;
}
export const encodeLeaseStatus = (s: LeaseStatus): Uint8Array => u32s(s.cls, s.busy, s.ownerPrincipal);
export const decodeLeaseStatus = (z: Uint8Array): LeaseStatus => ({
  cls: readU32(z, 0),
  busy: readU32(z, 4),
  ownerPrincipal: readU32(z, 8),
});

/** vmsig_input (kind u32, code i32, value i32, 4 bytes padding, scroll f64). */
export interface InputEv {
  kind: number;
  code: number;
  value: number;
  scroll: number;
}
export function encodeInput(i: InputEv): Uint8Array {
  const z = zone();
  const v = view(z);
  v.setUint32(0, i.kind >>> 0, true);
  v.setInt32(4, i.code | 0, true);
  v.setInt32(8, i.value | 0, true);
  v.setFloat64(16, i.scroll, true);
  return z;
}
export function decodeInput(z: Uint8Array): InputEv {
  const v = view(z);
  return {
    kind: v.getUint32(0, true),
    code: v.getInt32(4, true),
    value: v.getInt32(8, true),
    scroll: v.getFloat64(16, true),
  };
}

/** vmsig_memwrite header plus, with SRC_INLINE, up to 32 bytes of tail. */
export interface MemWrite {
  gva: bigint;
  len: number;
  flags: number;
  /** The inline tail bytes (first `len` of them) when flags has SRC_INLINE, else empty. */
  inlineData: Uint8Array;
}
export function encodeMemWrite(m: MemWrite): Uint8Array {
  const z = zone();
  const v = view(z);
  v.setBigUint64(0, m.gva, true);
  v.setUint32(8, m.len >>> 0, true);
  v.setUint32(12, m.flags >>> 0, true);
  z.set(m.inlineData.subarray(0, MEMWRITE_INLINE), 16);
  return z;
}
export function decodeMemWrite(z: Uint8Array): MemWrite {
  const v = view(z);
  const len = v.getUint32(8, true);
  const flags = v.getUint32(12, true);
  const inline = (flags & MemWriteFlag.SRC_INLINE) !== 0;
  return {
    gva: v.getBigUint64(0, true),
    len,
    flags,
    inlineData: inline ? z.slice(16, 16 + Math.min(len, MEMWRITE_INLINE)) : new Uint8Array(0),
  };
}

/** vmsig_cursor. */
export interface Cursor {
  x: number;
  y: number;
  visible: number;
  seq: number;
}
export function encodeCursor(c: Cursor): Uint8Array {
  const z = zone();
  const v = view(z);
  v.setInt32(0, c.x | 0, true);
  v.setInt32(4, c.y | 0, true);
  v.setUint32(8, c.visible >>> 0, true);
  v.setUint32(12, c.seq >>> 0, true);
  return z;
}
export function decodeCursor(z: Uint8Array): Cursor {
  const v = view(z);
  return {
    x: v.getInt32(0, true),
    y: v.getInt32(4, true),
    visible: v.getUint32(8, true),
    seq: v.getUint32(12, true),
  };
}

/** vmsig_input_held: up to 10 held KEY/BTN entries, TRUNC when more are held. */
export interface InputHeld {
  flags: number;
  entries: { kind: number; code: number }[];
}
/** Encodes the held set; more than 10 entries are cut and flagged TRUNC. */
export function encodeInputHeld(entries: readonly { kind: number; code: number }[]): Uint8Array {
  const z = zone();
  const v = view(z);
  const n = Math.min(entries.length, INPUT_HELD_CAPACITY);
  v.setUint32(0, n, true);
  v.setUint32(4, entries.length > INPUT_HELD_CAPACITY ? INPUT_HELD_TRUNC : 0, true);
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    v.setUint16(8 + i * 4, e.kind, true);
    v.setUint16(10 + i * 4, e.code, true);
  }
  return z;
}
export function decodeInputHeld(z: Uint8Array): InputHeld {
  const v = view(z);
  const n = Math.min(v.getUint32(0, true), INPUT_HELD_CAPACITY);
  const entries = Array.from({ length: n }, (_, i) => ({
    kind: v.getUint16(8 + i * 4, true),
    code: v.getUint16(10 + i * 4, true),
  }));
  return { flags: v.getUint32(4, true), entries };
}

/** vmsig_vm_state (VM_LIFECYCLE). */
export interface VmStateInl {
  state: number;
  detail: number;
}
export const encodeVmState = (s: VmStateInl): Uint8Array => u32s(s.state, s.detail);
export const decodeVmState = (z: Uint8Array): VmStateInl => ({ state: readU32(z, 0), detail: readU32(z, 4) });

/** vmsig_vm_cmd (CMD_VM) and `u32 op` of CMD_LIFECYCLE share one shape. */
export interface OpCmd {
  op: number;
}
export const encodeOp = (c: OpCmd): Uint8Array => u32s(c.op);
export const decodeOp = (z: Uint8Array): OpCmd => ({ op: readU32(z, 0) });

/** ACT_ACK: `u32 ok`, `u32 err`, `u32 cmd_kind`, `u32 detail`. */
export interface ActAck {
  ok: number;
  err: number;
  cmdKind: number;
  detail: number;
}
export const encodeActAck = (a: ActAck): Uint8Array => u32s(a.ok, a.err, a.cmdKind, a.detail);
export const decodeActAck = (z: Uint8Array): ActAck => ({
  ok: readU32(z, 0),
  err: readU32(z, 4),
  cmdKind: readU32(z, 8),
  detail: readU32(z, 12),
});

/** SEAM_UP / SEAM_DOWN: `u32 seam`, `u32 reason`; the payload carries the endpoint name. */
export interface SeamInl {
  seam: number;
  reason: number;
}
export const encodeSeam = (s: SeamInl): Uint8Array => u32s(s.seam, s.reason);
export const decodeSeam = (z: Uint8Array): SeamInl => ({ seam: readU32(z, 0), reason: readU32(z, 4) });

/** ERROR event: `u32 code`, `u32 detail`, `msg[40]` NUL-padded UTF-8. */
export interface ErrorInl {
  code: number;
  detail: number;
  msg: string;
}
export function encodeErrorInl(e: ErrorInl): Uint8Array {
  const z = u32s(e.code, e.detail);
  const bytes = utf8Encode(e.msg);
  z.set(truncateUtf8(bytes, 40), 8);
  return z;
}
export function decodeErrorInl(z: Uint8Array): ErrorInl {
  const raw = z.subarray(8, 48);
  const end = raw.indexOf(0);
  return {
    code: readU32(z, 0),
    detail: readU32(z, 4),
    msg: utf8Decode(end < 0 ? raw : raw.subarray(0, end)),
  };
}

/** Cuts UTF-8 bytes to at most `max` without splitting a character. */
function truncateUtf8(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** MEMCTX: epoch, nseg, kcr3, ram_size, levels, flags. */
export interface MemCtxInl {
  epoch: number;
  nseg: number;
  kcr3: bigint;
  ramSize: bigint;
  levels: number;
  flags: number;
}
export function encodeMemCtx(m: MemCtxInl): Uint8Array {
  const z = u32s(m.epoch, m.nseg);
  const v = view(z);
  v.setBigUint64(8, m.kcr3, true);
  v.setBigUint64(16, m.ramSize, true);
  v.setUint32(24, m.levels >>> 0, true);
  v.setUint32(28, m.flags >>> 0, true);
  return z;
}
export function decodeMemCtx(z: Uint8Array): MemCtxInl {
  const v = view(z);
  return {
    epoch: v.getUint32(0, true),
    nseg: v.getUint32(4, true),
    kcr3: v.getBigUint64(8, true),
    ramSize: v.getBigUint64(16, true),
    levels: v.getUint32(24, true),
    flags: v.getUint32(28, true),
  };
}

/** One guest-physical segment of the RAM file. */
export interface MemSeg {
  gpa: bigint;
  size: bigint;
  fileOff: bigint;
}

/** MEMCTX payload: `nseg` × {u64 gpa, u64 size, u64 file_off}, then the RAM file path. */
export function encodeMemCtxPayload(segs: readonly MemSeg[], ramPath: string): Uint8Array {
  const path = utf8Encode(ramPath);
  const out = new Uint8Array(segs.length * 24 + path.length);
  const v = new DataView(out.buffer);
  segs.forEach((s, i) => {
    v.setBigUint64(i * 24, s.gpa, true);
    v.setBigUint64(i * 24 + 8, s.size, true);
    v.setBigUint64(i * 24 + 16, s.fileOff, true);
  });
  out.set(path, segs.length * 24);
  return out;
}

/** Decodes a MEMCTX payload; returns null when it is shorter than `nseg` segments. */
export function decodeMemCtxPayload(
  bytes: Uint8Array,
  nseg: number,
): { segs: MemSeg[]; ramPath: string } | null {
  if (bytes.length < nseg * 24) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const segs = Array.from({ length: nseg }, (_, i) => ({
    gpa: v.getBigUint64(i * 24, true),
    size: v.getBigUint64(i * 24 + 8, true),
    fileOff: v.getBigUint64(i * 24 + 16, true),
  }));
  return { segs, ramPath: utf8Decode(bytes.subarray(nseg * 24)) };
}

/** MEMCTX_INVALIDATED: `u32 epoch` (now void), `u32 reason`. */
export interface MemCtxInvalidated {
  epoch: number;
  reason: number;
}
export const encodeMemCtxInvalidated = (m: MemCtxInvalidated): Uint8Array => u32s(m.epoch, m.reason);
export const decodeMemCtxInvalidated = (z: Uint8Array): MemCtxInvalidated => ({
  epoch: readU32(z, 0),
  reason: readU32(z, 4),
});
