/*
 * What each DOWN command requires (protocol §6): capability, lease class and the seam that
 * executes it. Pure table lookups; the order of the checks lives in the core's gate.
 */
import { Cap, Kind, LeaseClass, LifecycleOp, Prio, Source, VmOp, decodeOp } from '../../shared/model';

/** Requirements of one command, or an INVAL/KIND verdict. */
export type CommandRule =
  | { ok: true; cap: number; lease: LeaseClass | null; seam: Source; defaultPrio: Prio }
  | { ok: false; err: 'KIND' | 'INVAL' };

const DESTRUCTIVE_LIFE = new Set<number>([LifecycleOp.POWERDOWN, LifecycleOp.RESET]);
const SAFE_LIFE = new Set<number>([LifecycleOp.WAKEUP, LifecycleOp.PAUSE, LifecycleOp.RESUME]);
const DESTRUCTIVE_VM = new Set<number>([VmOp.RESET, VmOp.POWERDOWN, VmOp.QUIT]);
const SAFE_VM = new Set<number>([VmOp.QUERY, VmOp.CONT, VmOp.STOP]);

/** Lease commands the core answers itself; never forwarded to an adapter. */
export const LEASE_COMMANDS = new Set<number>([Kind.CMD_ACQUIRE, Kind.CMD_RELEASE, Kind.CMD_LEASE_STATUS]);

/** The capability that allows a lease class; undefined for a bad class. */
export function capForLeaseClass(cls: number): number | undefined {
  switch (cls) {
    case LeaseClass.INPUT:
      return Cap.INPUT;
    case LeaseClass.POWER:
      return Cap.POWER;
    case LeaseClass.MEMWRITE:
      return Cap.MEMWRITE;
    default:
      return undefined;
  }
}

/** Requirements of a forwarded DOWN command (not lease commands). */
export function ruleFor(kind: number, inln: Uint8Array): CommandRule {
  switch (kind) {
    case Kind.CMD_INPUT:
      return {
        ok: true,
        cap: Cap.INPUT,
        lease: LeaseClass.INPUT,
        seam: Source.INPUT,
        defaultPrio: Prio.HIGH,
      };
    case Kind.CMD_QUERY_INPUT:
      return { ok: true, cap: Cap.INPUT, lease: null, seam: Source.INPUT, defaultPrio: Prio.HIGH };
    case Kind.CMD_LIFECYCLE: {
      const { op } = decodeOp(inln);
      if (DESTRUCTIVE_LIFE.has(op))
        return {
          ok: true,
          cap: Cap.POWER,
          lease: LeaseClass.POWER,
          seam: Source.INPUT,
          defaultPrio: Prio.HIGH,
        };
      if (SAFE_LIFE.has(op))
        return { ok: true, cap: Cap.LIFECYCLE, lease: null, seam: Source.INPUT, defaultPrio: Prio.HIGH };
      return { ok: false, err: 'INVAL' };
    }
    case Kind.CMD_VM: {
      const { op } = decodeOp(inln);
      if (DESTRUCTIVE_VM.has(op))
        return {
          ok: true,
          cap: Cap.POWER,
          lease: LeaseClass.POWER,
          seam: Source.VMHOST,
          defaultPrio: Prio.NORMAL,
        };
      if (SAFE_VM.has(op))
        return { ok: true, cap: Cap.VM, lease: null, seam: Source.VMHOST, defaultPrio: Prio.NORMAL };
      return { ok: false, err: 'INVAL' };
    }
    case Kind.CMD_MEMWRITE:
      return {
        ok: true,
        cap: Cap.MEMWRITE,
        lease: LeaseClass.MEMWRITE,
        seam: Source.MEMCTX,
        defaultPrio: Prio.HIGH,
      };
    default:
      return { ok: false, err: 'KIND' };
  }
}

/** A client's prio may lower its command's default and raise it at most to HIGH (§7). */
export function clampClientPrio(requested: number): Prio {
  if (!Number.isInteger(requested) || requested < Prio.BULK) return Prio.BULK;
  return requested > Prio.HIGH ? Prio.HIGH : (requested as Prio);
}
