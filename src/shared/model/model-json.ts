/*
 * The whole model as one JSON-ready object, for client authors (`vmsig kinds --json`).
 * Built from the constants so the two can never disagree.
 */
import * as C from './constants';

/** NAME → number maps plus the retired kind list, keyed as documented in the README. */
export function modelAsJson(): Record<string, Readonly<Record<string, number>> | readonly number[]> {
  const { FRAME_TIMEOUT, ...rest } = C.ErrorCode;
  return {
    kinds: C.Kind,
    sources: C.Source,
    dirs: C.Dir,
    prios: C.Prio,
    leaseClasses: C.LeaseClass,
    leaseDeny: C.LeaseDeny,
    lifecycleOps: C.LifecycleOp,
    inputKinds: C.InputKind,
    vmStates: C.VmState,
    vmOps: C.VmOp,
    codecs: C.Codec,
    caps: C.Cap,
    // The protocol spells frame error 107 TIMEOUT; 8 is the command TIMEOUT. Both are listed.
    errors: { ...rest, FRAME_TIMEOUT },
    retired: C.RETIRED_KINDS,
  };
}
