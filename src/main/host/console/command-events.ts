/*
 * Turns validated console requests into DOWN command events for Core.submit. It only
 * builds events: every permission, grant and lease decision stays with the core.
 */
import {
  Dir,
  InputKind,
  Kind,
  LeaseClass,
  Prio,
  VmOp,
  type VmsigEvent,
  encodeInput,
  encodeLeaseReq,
  encodeOp,
  makeEvent,
} from '../../../shared/model';
import type { InputRequest, LeaseClassName, VmOpName } from '../../../shared/ipc';

const VM_OPS: Record<VmOpName, number> = {
  pause: VmOp.STOP,
  resume: VmOp.CONT,
  reset: VmOp.RESET,
  powerdown: VmOp.POWERDOWN,
  quit: VmOp.QUIT,
};

/** Whether an op is destructive (needs the POWER lease). */
export const isDestructiveOp = (op: VmOpName): boolean =>
  op === 'reset' || op === 'powerdown' || op === 'quit';

/** CMD_VM for a named op. */
export function vmOpEvent(endpoint: number, op: VmOpName, corr: number): VmsigEvent {
  return makeEvent({
    kind: Kind.CMD_VM,
    dir: Dir.DOWN,
    prio: Prio.HIGH,
    endpoint,
    corr,
    inln: encodeOp({ op: VM_OPS[op] }),
  });
}

/** CMD_ACQUIRE / CMD_RELEASE for a lease class. */
export function leaseEvent(
  kind: typeof Kind.CMD_ACQUIRE | typeof Kind.CMD_RELEASE,
  endpoint: number,
  cls: LeaseClassName,
  corr: number,
): VmsigEvent {
  return makeEvent({
    kind,
    dir: Dir.DOWN,
    prio: Prio.HIGH,
    endpoint,
    corr,
    inln: encodeLeaseReq({ cls: LeaseClass[cls], reason: 0 }),
  });
}

/** CMD_QUERY_INPUT. */
export function queryInputEvent(endpoint: number, corr: number): VmsigEvent {
  return makeEvent({ kind: Kind.CMD_QUERY_INPUT, dir: Dir.DOWN, prio: Prio.HIGH, endpoint, corr });
}

/** CMD_INPUT events for one request: a pointer move is two axis events (code 0 = x, 1 = y); the wheel is the y axis. */
export function inputEvents(req: InputRequest, corr: number): VmsigEvent[] {
  const ev = (kind: number, code: number, value: number, scroll = 0): VmsigEvent =>
    makeEvent({
      kind: Kind.CMD_INPUT,
      dir: Dir.DOWN,
      prio: Prio.HIGH,
      endpoint: req.endpoint,
      corr,
      inln: encodeInput({ kind, code, value, scroll }),
    });
  switch (req.type) {
    case 'key':
      return [ev(InputKind.KEY, req.code, req.down ? 1 : 0)];
    case 'button':
      return [ev(InputKind.BTN, req.code, req.down ? 1 : 0)];
    case 'abs':
      return [ev(InputKind.ABS, 0, req.x), ev(InputKind.ABS, 1, req.y)];
    case 'rel':
      return [ev(InputKind.REL, 0, req.dx), ev(InputKind.REL, 1, req.dy)];
    case 'scroll':
      return [ev(InputKind.SCROLL, 1, 0, req.delta)];
  }
}
