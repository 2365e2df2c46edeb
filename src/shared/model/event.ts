/*
 * The transfer event as it lives in a process (vmsig_event). The core routes it by
 * kind/source/dir/prio/endpoint and never looks inside `inln` or `payload`.
 * `origin` is internal: set by the core for commands, never read from or written to the wire.
 */
import { INLINE_SIZE } from './constants';

/** A releasable opaque body; the core calls `release` exactly once, on last delivery or drop. */
export interface Payload {
  readonly bytes: Uint8Array;
  readonly codec: number;
  readonly flags: number;
  release?: () => void;
}

/** One transfer event (vmsig_event). */
export interface VmsigEvent {
  kind: number;
  source: number;
  dir: number;
  prio: number;
  endpoint: number;
  seq: number;
  corr: number;
  /** Control id of the initiator (0 = none/broadcast). Set by the core only. */
  origin: number;
  /** CLOCK_MONOTONIC nanoseconds at emit, as a safe integer (good for ~104 days of uptime). */
  tsNs: number;
  /** The 48-byte inline zone; layouts in `layouts.ts`. */
  inln: Uint8Array;
  payload: Payload | null;
}

/** Fields a producer supplies; the rest default to zero / empty. */
export type EventInit = Partial<VmsigEvent> & Pick<VmsigEvent, 'kind'>;

/** Builds an event with zeroed defaults and a fresh 48-byte inline zone. */
export function makeEvent(init: EventInit): VmsigEvent {
  return {
    kind: init.kind,
    source: init.source ?? 0,
    dir: init.dir ?? 0,
    prio: init.prio ?? 0,
    endpoint: init.endpoint ?? 0,
    seq: init.seq ?? 0,
    corr: init.corr ?? 0,
    origin: init.origin ?? 0,
    tsNs: init.tsNs ?? 0,
    inln: init.inln ?? new Uint8Array(INLINE_SIZE),
    payload: init.payload ?? null,
  };
}
