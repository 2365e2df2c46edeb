/*
 * Protocol v1 framing constants (§2) and the frame encoder: an 8-byte little-endian header
 * (`u32 len`, `u16 type`, `u16 flags`) then `len` body bytes. It never interprets bodies.
 */

/** Frame types of protocol §2. */
export const FrameType = {
  HELLO: 1,
  WELCOME: 2,
  EVENT: 3,
  SUBSCRIBE: 4,
  ERROR: 5,
  PING: 6,
  PONG: 7,
  /** Protocol §10's host request range (16–31): the two types this server defines, docs/protocol-host-frames.md. */
  HOST_REQUEST: 16,
  HOST_REPLY: 17,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** Bytes of the frame header. */
export const HEADER_SIZE = 8;

/** Default largest body a peer may send (1 MiB). */
export const DEFAULT_MAX_FRAME = 1 << 20;

/** A frame must arrive whole within this long after its first byte (§2). */
export const FRAME_DEADLINE_MS = 10_000;

/** HELLO must arrive within this long after connect (§3). */
export const HELLO_TIMEOUT_MS = 5_000;

/** The only protocol version this implementation speaks. */
export const PROTOCOL_VERSION = 1;

/** One decoded frame; `body` is a view that stays valid (the decoder never reuses it). */
export interface Frame {
  type: number;
  body: Uint8Array;
}

/** Whether `t` is a frame type of v1 (with the host request types this implementation defines; 18–31 are not). */
export function isFrameType(t: number): t is FrameType {
  return (
    (t >= FrameType.HELLO && t <= FrameType.PONG) ||
    t === FrameType.HOST_REQUEST ||
    t === FrameType.HOST_REPLY
  );
}

/** Writes the 8-byte header for a body of `len` bytes at `out[at..]`. */
export function writeHeader(out: Uint8Array, at: number, type: number, len: number): void {
  const v = new DataView(out.buffer, out.byteOffset + at, HEADER_SIZE);
  v.setUint32(0, len >>> 0, true);
  v.setUint16(4, type, true);
  v.setUint16(6, 0, true);
}

/** A whole frame (header + body) in a fresh Buffer. */
export function encodeFrame(type: number, body: Uint8Array = new Uint8Array(0)): Buffer {
  const out = Buffer.allocUnsafe(HEADER_SIZE + body.length);
  writeHeader(out, 0, type, body.length);
  out.set(body, HEADER_SIZE);
  return out;
}
