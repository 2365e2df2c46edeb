/*
 * Writes an EVENT frame (header + the 96-byte body of protocol §4 + payload) straight into
 * a Buffer with Buffer's own little-endian writers. It is the delivery hot path: the shared
 * codec (writeEventBody) allocates a DataView per event, which at 8 clients cost more than
 * the socket writes; the frame-bytes test keeps the two byte-identical.
 */
import { INLINE_SIZE, type VmsigEvent } from '../../shared/model';
import { FrameType, HEADER_SIZE } from './frame-header';

const TWO_32 = 0x1_0000_0000;

/** Bytes the EVENT frame of `ev` occupies (8 + 96 + payload). */
export function eventFrameSize(ev: VmsigEvent): number {
  return HEADER_SIZE + 96 + (ev.payload ? ev.payload.bytes.length : 0);
}

/** Writes the whole EVENT frame of `ev` at `out[at..]`; returns the bytes written. `origin` stays off the wire. */
export function writeEventFrame(out: Buffer, at: number, ev: VmsigEvent): number {
  const size = eventFrameSize(ev);
  out.writeUInt32LE(size - HEADER_SIZE, at);
  out.writeUInt32LE(FrameType.EVENT, at + 4); // u16 type + u16 flags (0)
  const b = at + HEADER_SIZE;
  out.writeUInt32LE(ev.kind >>> 0, b);
  out.writeUInt32LE(ev.source >>> 0, b + 4);
  out.writeUInt32LE(ev.dir >>> 0, b + 8);
  out.writeUInt32LE(ev.prio >>> 0, b + 12);
  out.writeUInt32LE(ev.endpoint >>> 0, b + 16);
  out.writeUInt32LE(ev.seq >>> 0, b + 20);
  out.writeUInt32LE(ev.corr >>> 0, b + 24);
  out.writeUInt32LE(0, b + 28);
  const ts = ev.tsNs > 0 ? ev.tsNs : 0;
  out.writeUInt32LE(ts % TWO_32, b + 32);
  out.writeUInt32LE(Math.floor(ts / TWO_32), b + 36);
  out.writeUInt32LE(ev.payload ? ev.payload.codec >>> 0 : 0, b + 40);
  out.writeUInt32LE(ev.payload ? ev.payload.flags >>> 0 : 0, b + 44);
  const inln = ev.inln;
  if (inln.length >= INLINE_SIZE)
    out.set(inln.length === INLINE_SIZE ? inln : inln.subarray(0, INLINE_SIZE), b + 48);
  else {
    out.fill(0, b + 48, b + 96);
    out.set(inln, b + 48);
  }
  if (ev.payload) out.set(ev.payload.bytes, b + 96);
  return size;
}
