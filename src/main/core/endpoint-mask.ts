/*
 * Endpoint masks (bit n = endpoint n, 0..63) split into two u32 words, so the routing loop
 * tests a bit without BigInt arithmetic.
 */

/** A 64-bit endpoint set as two 32-bit words. */
export interface EndpointMask {
  lo: number;
  hi: number;
}

/** Every endpoint 0..63. */
export const ALL_ENDPOINTS: EndpointMask = { lo: 0xffffffff, hi: 0xffffffff };

/** Converts the wire/config form (u64 bigint) into words. */
export function maskFromBigInt(m: bigint): EndpointMask {
  return { lo: Number(m & 0xffffffffn) >>> 0, hi: Number((m >> 32n) & 0xffffffffn) >>> 0 };
}

/** Converts words back to the u64 form. */
export function maskToBigInt(m: EndpointMask): bigint {
  return (BigInt(m.hi >>> 0) << 32n) | BigInt(m.lo >>> 0);
}

/** Builds a mask from endpoint ids; ids outside 0..63 (or not integers) are ignored. */
export function maskOf(ids: readonly number[]): EndpointMask {
  const m = { lo: 0, hi: 0 };
  for (const id of ids) {
    // `1 << -1` is bit 31: without this guard a bad id would grant endpoint 31.
    if (!Number.isInteger(id) || id < 0) continue;
    if (id < 32) m.lo = (m.lo | (1 << id)) >>> 0;
    else if (id < 64) m.hi = (m.hi | (1 << (id - 32))) >>> 0;
  }
  return m;
}

/** Intersection of two masks. */
export function maskAnd(a: EndpointMask, b: EndpointMask): EndpointMask {
  return { lo: (a.lo & b.lo) >>> 0, hi: (a.hi & b.hi) >>> 0 };
}

/** Whether endpoint `ep` is in the mask (ids outside 0..63 never are). */
export function maskHas(m: EndpointMask, ep: number): boolean {
  if (ep < 32) return ep >= 0 && ((m.lo >>> ep) & 1) === 1;
  if (ep < 64) return ((m.hi >>> (ep - 32)) & 1) === 1;
  return false;
}
