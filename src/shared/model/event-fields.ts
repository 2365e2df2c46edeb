/*
 * Reads single fields of a packed EVENT body (protocol §4) by name, without decoding the
 * whole event: consoles look at kind, endpoint or seq of every event they route, and a
 * full decode (or a DataView) per event is garbage at tens of thousands of events a second.
 */
import { EVENT_BODY } from './layouts';

/** The u32 fields of the EVENT body. */
export type EventU32Field = 'kind' | 'source' | 'dir' | 'prio' | 'endpoint' | 'seq' | 'corr';

/** The little-endian u32 `field` of the body that starts at `bytes[at]`. */
export function eventU32(bytes: Uint8Array, field: EventU32Field, at = 0): number {
  const o = at + EVENT_BODY[field];
  return (bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24)) >>> 0;
}

/** The 48-byte inline zone of a body (a view, not a copy). */
export function eventInline(body: Uint8Array): Uint8Array {
  return body.subarray(EVENT_BODY.inln, EVENT_BODY.size);
}
