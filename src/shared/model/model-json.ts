/*
 * The whole model as one JSON-ready object, for client authors (`vmsig kinds --json`).
 * Built from the constants so the two can never disagree.
 */
import {
  Cap,
  Codec,
  Dir,
  ErrorCode,
  InputKind,
  Kind,
  LeaseClass,
  LeaseDeny,
  LifecycleOp,
  Prio,
  RETIRED_KINDS,
  Source,
  VmOp,
  VmState,
} from './constants';

/** NAME → number maps plus the retired kind list, keyed as documented in the README. */
export function modelAsJson(): Record<string, Readonly<Record<string, number>> | readonly number[]> {
  const { FRAME_TIMEOUT, ...rest } = ErrorCode;
  return {
    kinds: Kind,
    sources: Source,
    dirs: Dir,
    prios: Prio,
    leaseClasses: LeaseClass,
    leaseDeny: LeaseDeny,
    lifecycleOps: LifecycleOp,
    inputKinds: InputKind,
    vmStates: VmState,
    vmOps: VmOp,
    codecs: Codec,
    caps: Cap,
    // The protocol spells frame error 107 TIMEOUT; 8 is the command TIMEOUT. Both are listed.
    errors: { ...rest, FRAME_TIMEOUT },
    retired: RETIRED_KINDS,
  };
}
