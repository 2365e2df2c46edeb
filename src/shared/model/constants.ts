/*
 * Every enum and constant of seed/vmsig_event.h with the header's numbers, plus the
 * additions of protocol.md (capabilities, error codes, reasons). Names keep the header's
 * words without its prefix, so `Kind.CMD_INPUT` greps to `VMSIG_EV_CMD_INPUT`.
 * Never renumber; retired numbers stay retired (see RETIRED_KINDS).
 */

/** vmsig_dir: transfer direction relative to the control. */
export const Dir = { UP: 0, DOWN: 1 } as const;
export type Dir = (typeof Dir)[keyof typeof Dir];

/** vmsig_source: the logical seam an event crosses. */
export const Source = {
  NONE: 0,
  FRAME: 1,
  INPUT: 2,
  CONTROL: 3,
  CORE: 4,
  VMHOST: 5,
  MEMCTX: 6,
} as const;
export type Source = (typeof Source)[keyof typeof Source];
export const SOURCE_MAX = 7;

/** vmsig_prio: delivery class; a higher value is delivered earlier. */
export const Prio = { BULK: 0, NORMAL: 1, HIGH: 2, URGENT: 3 } as const;
export type Prio = (typeof Prio)[keyof typeof Prio];
export const PRIO_MAX = 4;

/** vmsig_kind: the neutral event taxonomy. */
export const Kind = {
  NONE: 0,
  SEAM_UP: 1,
  SEAM_DOWN: 2,
  ERROR: 3,
  CURSOR_STATE: 37,
  ACT_ACK: 48,
  VM_LIFECYCLE: 49,
  LEASE_GRANTED: 50,
  LEASE_DENIED: 51,
  LEASE_RELEASED: 52,
  LEASE_REVOKED: 53,
  LEASE_STATUS: 54,
  INPUT_HELD: 55,
  CMD_INPUT: 64,
  CMD_LIFECYCLE: 65,
  CMD_VM: 70,
  CMD_ACQUIRE: 73,
  CMD_RELEASE: 74,
  CMD_LEASE_STATUS: 75,
  CMD_QUERY_INPUT: 76,
  MEMCTX: 77,
  MEMCTX_INVALIDATED: 78,
  CMD_MEMWRITE: 79,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];
export const KIND_MAX = 80;

/** Kind numbers retired by the header; a codec refuses them instead of aliasing a new kind. */
export const RETIRED_KIND_RANGES: readonly (readonly [number, number])[] = [
  [16, 19], // STATE_* of the removed MEMSTATE seam
  [32, 36], // FRAME_READY/FRAME_STATE/BULK_* of the removed FRAME adapter
  [66, 66], // CMD_STREAM
  [67, 69], // CMD_QUERY/WATCH/UNWATCH
  [71, 72], // CMD_SUBSCRIBE_BULK/UNSUBSCRIBE_BULK
];

/** Every retired kind number, ascending. */
export const RETIRED_KINDS: readonly number[] = RETIRED_KIND_RANGES.flatMap(([lo, hi]) =>
  Array.from({ length: hi - lo + 1 }, (_, i) => lo + i),
);

/** Kinds that answer a command: addressed to its origin, carrying its `corr` (§9). */
export const COMMAND_REPLY_KINDS: ReadonlySet<number> = new Set<number>([
  Kind.ACT_ACK,
  Kind.LEASE_GRANTED,
  Kind.LEASE_DENIED,
  Kind.LEASE_RELEASED,
  Kind.LEASE_STATUS,
  Kind.INPUT_HELD,
]);

/** vmsig_lease_class: the exclusive resources. */
export const LeaseClass = { INPUT: 0, POWER: 1, MEMWRITE: 2 } as const;
export type LeaseClass = (typeof LeaseClass)[keyof typeof LeaseClass];
export const LEASE_CLASS_MAX = 3;

/** VMSIG_LEASE_DENY_*: reason in an UP LEASE_DENIED. */
export const LeaseDeny = { HELD: 0, NOCAP: 1, NOGRANT: 2, BADCLASS: 3, LOWER_PRIO: 4 } as const;
export type LeaseDeny = (typeof LeaseDeny)[keyof typeof LeaseDeny];

/** VMSIG_LIFE_*: CMD_LIFECYCLE operations (POWERDOWN/RESET are destructive). */
export const LifecycleOp = { POWERDOWN: 0, RESET: 1, WAKEUP: 2, PAUSE: 3, RESUME: 4 } as const;
export type LifecycleOp = (typeof LifecycleOp)[keyof typeof LifecycleOp];

/** vmsig_input_kind. */
export const InputKind = { ABS: 0, REL: 1, BTN: 2, KEY: 3, SCROLL: 4 } as const;
export type InputKind = (typeof InputKind)[keyof typeof InputKind];

/** VMSIG_VM_*: VM state in VM_LIFECYCLE. */
export const VmState = {
  RUNNING: 0,
  PAUSED: 1,
  SHUTDOWN: 2,
  RESET: 3,
  POWERDOWN: 4,
  CRASHED: 5,
  UNKNOWN: 6,
} as const;
export type VmState = (typeof VmState)[keyof typeof VmState];

/** VMSIG_VMOP_*: CMD_VM operations (RESET/POWERDOWN/QUIT are destructive). */
export const VmOp = { QUERY: 0, CONT: 1, STOP: 2, RESET: 3, POWERDOWN: 4, QUIT: 5 } as const;
export type VmOp = (typeof VmOp)[keyof typeof VmOp];

/** vmsig_codec: which adapter owns a payload body. */
export const Codec = { NONE: 0, INPUT: 1, VMHOST: 2, MEMCTX: 3 } as const;
export type Codec = (typeof Codec)[keyof typeof Codec];

/** VMSIG_PL_*: payload ownership flags. */
export const PayloadFlag = { OWNED: 0x1, BORROWED: 0x2, INLINE: 0x4 } as const;

/** VMSIG_MW_* and memory-write limits (protocol §9 fixes MEMWRITE_MAX). */
export const MemWriteFlag = { SRC_INLINE: 0x1, SRC_PAYLOAD: 0x2 } as const;
export const MEMWRITE_INLINE = 32;
export const MEMWRITE_MAX = 65536;

/** VMSIG_INPUT_HELD_TRUNC and the entry capacity of vmsig_input_held. */
export const INPUT_HELD_TRUNC = 0x1;
export const INPUT_HELD_CAPACITY = 10;

/** Size of vmsig_event.inln. */
export const INLINE_SIZE = 48;

/** Capability bits (protocol §6). */
export const Cap = {
  OBSERVE: 0x01,
  INPUT: 0x02,
  LIFECYCLE: 0x04,
  POWER: 0x08,
  VM: 0x10,
  MEMWRITE: 0x20,
  MEMREAD: 0x40,
  SENSOR: 0x80,
  /** Host operations not bound to one existing endpoint: create, edit, add, remove VMs (§10). */
  HOST: 0x100,
} as const;
export type CapName = keyof typeof Cap;
export const ALL_CAPS = Object.values(Cap).reduce((a, b) => a | b, 0);

/** Error codes (protocol §8): command errors below 100, frame errors from 100. */
export const ErrorCode = {
  OK: 0,
  PERM: 1,
  GRANT: 2,
  LEASE: 3,
  INVAL: 4,
  NOENT: 5,
  SEAM: 6,
  IO: 7,
  TIMEOUT: 8,
  EXTENT: 9,
  KIND: 10,
  BUSY: 11,
  DROPPED: 12,
  BAD_FRAME: 100,
  TOO_LARGE: 101,
  BAD_VERSION: 102,
  AUTH: 103,
  HELLO_REQUIRED: 104,
  SLOW_CONSUMER: 105,
  SHUTDOWN: 106,
  FRAME_TIMEOUT: 107,
  TOO_MANY: 108,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Reason in SEAM_UP/SEAM_DOWN (protocol §9). */
export const SeamReason = { NORMAL: 0, HEARTBEAT_STALE: 1, CLOSED: 2, ERROR: 3 } as const;
export type SeamReason = (typeof SeamReason)[keyof typeof SeamReason];

/** Reason in MEMCTX_INVALIDATED (protocol §9). */
export const InvalidateReason = { RESET: 0, SHUTDOWN: 1, SEAM_DOWN: 2, CONTEXT_CHANGED: 3 } as const;

/** Endpoint ids a control may address: 1..63; 0 is the core itself. */
export const ENDPOINT_MAX = 63;

/** Whether `kind` is one of the retired numbers that must never be aliased. */
export function isRetiredKind(kind: number): boolean {
  return RETIRED_KIND_RANGES.some(([lo, hi]) => kind >= lo && kind <= hi);
}

const KNOWN_KINDS = new Set<number>(Object.values(Kind));

/** Whether `kind` names a live kind of this model (NONE excluded). */
export function isKnownKind(kind: number): boolean {
  return kind !== Kind.NONE && KNOWN_KINDS.has(kind);
}

/** Reverse lookup: the name of `value` in one of the maps above, or `#value` when unknown. */
export function nameOf(map: Readonly<Record<string, number>>, value: number): string {
  for (const [name, v] of Object.entries(map)) if (v === value) return name;
  return `#${value}`;
}
