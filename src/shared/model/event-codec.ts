/*
 * The 96-byte EVENT body of protocol §4 plus its optional payload. `origin` is never
 * written or read here: the wire has a reserved zero where the header keeps it.
 */
import { ErrorCode, INLINE_SIZE, isKnownKind, isRetiredKind } from './constants';
import { VmsigError } from './errors';
import type { VmsigEvent } from './event';
import { EVENT_BODY } from './layouts';

const TWO_32 = 0x1_0000_0000;

/** Bytes the body of `ev` occupies on the wire (96 + payload). */
export function eventBodySize(ev: VmsigEvent): number {
  return EVENT_BODY.size + (ev.payload ? ev.payload.bytes.length : 0);
}

/** Writes `ev`'s body at `out[at..]`; returns the number of bytes written. `origin` stays off the wire. */
export function writeEventBody(ev: VmsigEvent, out: Uint8Array, at = 0): number {
  const v = new DataView(out.buffer, out.byteOffset + at, EVENT_BODY.size);
  v.setUint32(0, ev.kind >>> 0, true);
  v.setUint32(4, ev.source >>> 0, true);
  v.setUint32(8, ev.dir >>> 0, true);
  v.setUint32(12, ev.prio >>> 0, true);
  v.setUint32(16, ev.endpoint >>> 0, true);
  v.setUint32(20, ev.seq >>> 0, true);
  v.setUint32(24, ev.corr >>> 0, true);
  v.setUint32(28, 0, true);
  const ts = ev.tsNs > 0 ? ev.tsNs : 0;
  v.setUint32(32, ts % TWO_32, true);
  v.setUint32(36, Math.floor(ts / TWO_32), true);
  v.setUint32(40, ev.payload ? ev.payload.codec >>> 0 : 0, true);
  v.setUint32(44, ev.payload ? ev.payload.flags >>> 0 : 0, true);
  out.set(ev.inln.subarray(0, INLINE_SIZE), at + EVENT_BODY.inln);
  if (ev.payload) out.set(ev.payload.bytes, at + EVENT_BODY.size);
  return eventBodySize(ev);
}

/** Encodes `ev` into a fresh buffer. */
export function encodeEventBody(ev: VmsigEvent): Uint8Array {
  const out = new Uint8Array(eventBodySize(ev));
  writeEventBody(ev, out);
  return out;
}

/**
 * Decodes an EVENT body. Throws VmsigError BAD_FRAME when shorter than 96 bytes; any
 * 96+ bytes decode (kind validity is a separate, non-fatal check: `checkKind`).
 * The result owns copies of the bytes; `origin` is always 0.
 */
export function decodeEventBody(body: Uint8Array): VmsigEvent {
  if (body.length < EVENT_BODY.size) {
    throw new VmsigError(ErrorCode.BAD_FRAME, `EVENT body is ${body.length} bytes, needs at least 96`);
  }
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const codec = v.getUint32(40, true);
  const flags = v.getUint32(44, true);
  const payloadBytes = body.length > EVENT_BODY.size ? body.slice(EVENT_BODY.size) : null;
  return {
    kind: v.getUint32(0, true),
    source: v.getUint32(4, true),
    dir: v.getUint32(8, true),
    prio: v.getUint32(12, true),
    endpoint: v.getUint32(16, true),
    seq: v.getUint32(20, true),
    corr: v.getUint32(24, true),
    origin: 0,
    tsNs: v.getUint32(32, true) + v.getUint32(36, true) * TWO_32,
    inln: body.slice(EVENT_BODY.inln, EVENT_BODY.size),
    payload:
      payloadBytes || codec || flags ? { bytes: payloadBytes ?? new Uint8Array(0), codec, flags } : null,
  };
}

/** Throws VmsigError KIND for a retired or unknown kind: those are refused, never aliased. */
export function checkKind(kind: number): void {
  if (isRetiredKind(kind)) throw new VmsigError(ErrorCode.KIND, `kind ${kind} is retired`);
  if (!isKnownKind(kind)) throw new VmsigError(ErrorCode.KIND, `kind ${kind} is unknown`);
}
