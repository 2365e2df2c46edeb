/*
 * Body codecs of the non-EVENT frames (§3, §5, §2): HELLO, WELCOME, SUBSCRIBE, ERROR,
 * PING/PONG. Decoders check the exact size for the type and throw VmsigError BAD_FRAME,
 * never anything else; the EVENT body codec lives in shared/model/event-codec.
 */
import type { EndpointMask, SubscriptionFilter } from '../core';
import { maskFromBigInt, maskToBigInt } from '../core';
import { ErrorCode, VmsigError, utf8Decode, utf8Encode } from '../../shared/model';

/** Largest HELLO `name` in bytes (§3). */
export const HELLO_NAME_MAX = 64;
/** Size of the WELCOME and SUBSCRIBE bodies. */
export const WELCOME_SIZE = 40;
export const SUBSCRIBE_SIZE = 40;
/** Size of PING and PONG bodies. */
export const NONCE_SIZE = 8;

/** HELLO (§3). `token` stays bytes: the server compares it, never prints it. */
export interface Hello {
  versionMin: number;
  versionMax: number;
  token: Uint8Array;
  name: string;
}

/** WELCOME (§3). */
export interface Welcome {
  version: number;
  controlId: number;
  principal: number;
  caps: number;
  endpointMask: bigint;
  leasePrio: number;
  maxFrame: number;
  tsNs: bigint;
}

/** An ERROR frame (§2, §8). */
export interface ErrorFrame {
  code: number;
  msg: string;
}

const bad = (msg: string): VmsigError => new VmsigError(ErrorCode.BAD_FRAME, msg);
const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Encodes HELLO; throws RangeError when the token or name does not fit a u16 / 64 bytes. */
export function encodeHello(h: {
  versionMin: number;
  versionMax: number;
  token: Uint8Array | string;
  name: string;
}): Uint8Array {
  const token = typeof h.token === 'string' ? utf8Encode(h.token) : h.token;
  const name = utf8Encode(h.name);
  if (token.length > 0xffff) throw new RangeError('token longer than 65535 bytes');
  if (name.length > HELLO_NAME_MAX) throw new RangeError(`name longer than ${HELLO_NAME_MAX} bytes`);
  const out = new Uint8Array(8 + token.length + name.length);
  const v = view(out);
  v.setUint16(0, h.versionMin, true);
  v.setUint16(2, h.versionMax, true);
  v.setUint16(4, token.length, true);
  v.setUint16(6, name.length, true);
  out.set(token, 8);
  out.set(name, 8 + token.length);
  return out;
}

/** Decodes HELLO; BAD_FRAME when the lengths do not add up or the name exceeds 64 bytes. */
export function decodeHello(b: Uint8Array): Hello {
  if (b.length < 8) throw bad(`HELLO body is ${b.length} bytes, needs at least 8`);
  const v = view(b);
  const tokenLen = v.getUint16(4, true);
  const nameLen = v.getUint16(6, true);
  if (b.length !== 8 + tokenLen + nameLen)
    throw bad(`HELLO body is ${b.length} bytes, its lengths say ${8 + tokenLen + nameLen}`);
  if (nameLen > HELLO_NAME_MAX) throw bad(`HELLO name is ${nameLen} bytes, at most ${HELLO_NAME_MAX}`);
  return {
    versionMin: v.getUint16(0, true),
    versionMax: v.getUint16(2, true),
    token: b.slice(8, 8 + tokenLen),
    name: utf8Decode(b.subarray(8 + tokenLen)),
  };
}

/** Encodes the 40-byte WELCOME. */
export function encodeWelcome(w: Welcome): Uint8Array {
  const out = new Uint8Array(WELCOME_SIZE);
  const v = view(out);
  v.setUint16(0, w.version, true);
  v.setUint32(4, w.controlId >>> 0, true);
  v.setUint32(8, w.principal >>> 0, true);
  v.setUint32(12, w.caps >>> 0, true);
  v.setBigUint64(16, BigInt.asUintN(64, w.endpointMask), true);
  v.setUint32(24, w.leasePrio >>> 0, true);
  v.setUint32(28, w.maxFrame >>> 0, true);
  v.setBigUint64(32, BigInt.asUintN(64, w.tsNs), true);
  return out;
}

/** Decodes WELCOME; BAD_FRAME unless exactly 40 bytes. */
export function decodeWelcome(b: Uint8Array): Welcome {
  if (b.length !== WELCOME_SIZE) throw bad(`WELCOME body is ${b.length} bytes, must be ${WELCOME_SIZE}`);
  const v = view(b);
  return {
    version: v.getUint16(0, true),
    controlId: v.getUint32(4, true),
    principal: v.getUint32(8, true),
    caps: v.getUint32(12, true),
    endpointMask: v.getBigUint64(16, true),
    leasePrio: v.getUint32(24, true),
    maxFrame: v.getUint32(28, true),
    tsNs: v.getBigUint64(32, true),
  };
}

/** Encodes a 40-byte SUBSCRIBE from a filter. */
export function encodeSubscribe(f: SubscriptionFilter): Uint8Array {
  const out = new Uint8Array(SUBSCRIBE_SIZE);
  const v = view(out);
  out.set(f.kinds.subarray(0, 16), 0);
  v.setUint32(16, f.sources >>> 0, true);
  v.setUint32(20, f.dirs >>> 0, true);
  v.setUint32(24, f.prioMin >>> 0, true);
  v.setBigUint64(32, maskToBigInt(f.endpoints), true);
  return out;
}

/** Decodes SUBSCRIBE; BAD_FRAME unless exactly 40 bytes. The reserved word is ignored. */
export function decodeSubscribe(b: Uint8Array): SubscriptionFilter {
  if (b.length !== SUBSCRIBE_SIZE)
    throw bad(`SUBSCRIBE body is ${b.length} bytes, must be ${SUBSCRIBE_SIZE}`);
  const v = view(b);
  const endpoints: EndpointMask = maskFromBigInt(v.getBigUint64(32, true));
  return {
    kinds: b.slice(0, 16),
    sources: v.getUint32(16, true),
    dirs: v.getUint32(20, true),
    prioMin: v.getUint32(24, true),
    endpoints,
  };
}

/** Encodes ERROR; a message longer than 65535 bytes is cut (the code is what matters). */
export function encodeError(e: ErrorFrame): Uint8Array {
  const msg = utf8Encode(e.msg).subarray(0, 0xffff);
  const out = new Uint8Array(6 + msg.length);
  const v = view(out);
  v.setUint32(0, e.code >>> 0, true);
  v.setUint16(4, msg.length, true);
  out.set(msg, 6);
  return out;
}

/** Decodes ERROR; BAD_FRAME when `msg_len` disagrees with the body size. */
export function decodeError(b: Uint8Array): ErrorFrame {
  if (b.length < 6) throw bad(`ERROR body is ${b.length} bytes, needs at least 6`);
  const v = view(b);
  const len = v.getUint16(4, true);
  if (b.length !== 6 + len) throw bad(`ERROR body is ${b.length} bytes, msg_len says ${6 + len}`);
  return { code: v.getUint32(0, true), msg: utf8Decode(b.subarray(6)) };
}

/** Encodes a PING/PONG nonce. */
export function encodeNonce(nonce: bigint): Uint8Array {
  const out = new Uint8Array(NONCE_SIZE);
  view(out).setBigUint64(0, BigInt.asUintN(64, nonce), true);
  return out;
}

/** Decodes a PING/PONG nonce; BAD_FRAME unless exactly 8 bytes. */
export function decodeNonce(b: Uint8Array): bigint {
  if (b.length !== NONCE_SIZE) throw bad(`PING/PONG body is ${b.length} bytes, must be ${NONCE_SIZE}`);
  return view(b).getBigUint64(0, true);
}
