/*
 * Subscription filters (protocol §5) and the capability view of what a control may
 * receive (§6). The effective filter is computed once per SUBSCRIBE, so routing an event
 * to a control costs a handful of bit tests.
 */
import { Cap, Dir, Kind, PRIO_MAX } from '../../shared/model';
import { type EndpointMask, maskAnd, maskHas } from './endpoint-mask';

/** A subscription as a control asks for it. */
export interface SubscriptionFilter {
  /** 128-bit kind set: bit k of byte k/8. */
  kinds: Uint8Array;
  /** Bit per vmsig_source. */
  sources: number;
  /** Bit 0 UP, bit 1 DOWN. */
  dirs: number;
  prioMin: number;
  endpoints: EndpointMask;
}

/** A filter admitting every kind, source, dir and prio on the given endpoints. */
export function allEvents(endpoints: EndpointMask): SubscriptionFilter {
  return { kinds: new Uint8Array(16).fill(0xff), sources: 0xffffffff, dirs: 0b11, prioMin: 0, endpoints };
}

/** Builds a kind bitset from kind numbers (0..127). */
export function kindSet(kinds: readonly number[]): Uint8Array {
  const set = new Uint8Array(16);
  for (const k of kinds) if (k >= 0 && k < 128) set[k >> 3]! |= 1 << (k & 7);
  return set;
}

/**
 * Kinds OBSERVE does not cover because they carry guest memory: the context (and its
 * invalidation) and other controls' memory writes, whose bytes ride inline. They need MEMREAD.
 */
const MEMREAD_KINDS = [Kind.MEMCTX, Kind.MEMCTX_INVALIDATED, Kind.CMD_MEMWRITE];

/** Kind bits a control with `caps` may receive at all (addressed replies aside). */
export function kindsAllowedByCaps(caps: number): Uint8Array {
  const set = new Uint8Array(16);
  if (caps & Cap.OBSERVE) set.fill(0xff);
  for (const k of MEMREAD_KINDS) {
    const bit = 1 << (k & 7);
    if (caps & Cap.MEMREAD) set[k >> 3]! |= bit;
    else set[k >> 3]! &= ~bit;
  }
  if (caps & (Cap.OBSERVE | Cap.INPUT)) set[Kind.CURSOR_STATE >> 3]! |= 1 << (Kind.CURSOR_STATE & 7);
  return set;
}

/** The filter a control actually gets: its request intersected with caps and grant. */
export function effectiveFilter(
  req: SubscriptionFilter,
  caps: number,
  grant: EndpointMask,
): SubscriptionFilter {
  const allowed = kindsAllowedByCaps(caps);
  const kinds = new Uint8Array(16);
  for (let i = 0; i < 16; i++) kinds[i] = req.kinds[i]! & allowed[i]!;
  // Endpoint 0 is the core itself: visible to anyone who asked for it.
  const endpoints = maskAnd(req.endpoints, { lo: (grant.lo | 1) >>> 0, hi: grant.hi });
  return {
    kinds,
    sources: req.sources >>> 0,
    dirs: req.dirs & 0b11,
    prioMin: Math.min(req.prioMin, PRIO_MAX),
    endpoints,
  };
}

/** Whether an (already effective) filter admits the event's routing fields. */
export function admits(
  f: SubscriptionFilter,
  kind: number,
  source: number,
  dir: number,
  prio: number,
  endpoint: number,
): boolean {
  return (
    kind < 128 &&
    ((f.kinds[kind >> 3]! >>> (kind & 7)) & 1) === 1 &&
    source < 32 &&
    ((f.sources >>> source) & 1) === 1 &&
    ((f.dirs >>> (dir === Dir.DOWN ? 1 : 0)) & 1) === 1 &&
    prio >= f.prioMin &&
    maskHas(f.endpoints, endpoint)
  );
}
