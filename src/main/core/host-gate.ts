/*
 * What each host operation requires (protocol §10): the HOST capability for operations that
 * create, change or forget a VM; POWER on the endpoint for starting and stopping one, and
 * its POWER lease when another control holds it. Pure table and checks; the core applies
 * them to a control it knows, in the order of §6, and never runs the operation itself.
 */
import { Cap, ErrorCode, LeaseClass } from '../../shared/model';
import type { Control } from './control';
import { maskHas } from './endpoint-mask';
import type { LeaseArbiter } from './lease-arbiter';

/** Host operations that change a VM; `vms` and other reads are not gated here. */
export const HOST_OPS = ['vm.start', 'vm.stop', 'vm.add', 'vm.remove', 'vm.create', 'vm.edit'] as const;
export type HostOpName = (typeof HOST_OPS)[number];

/** Requirements of one host operation. */
export interface HostOpRule {
  cap: number;
  /** Whether the endpoint must already exist (NOENT otherwise). */
  existing: boolean;
  /** A lease class that must not be held by another control, or null. */
  lease: LeaseClass | null;
}

const RULES: Readonly<Record<HostOpName, HostOpRule>> = {
  'vm.start': { cap: Cap.POWER, existing: true, lease: LeaseClass.POWER },
  'vm.stop': { cap: Cap.POWER, existing: true, lease: LeaseClass.POWER },
  // A new id must be inside the grant too: a control never names an endpoint it may not address.
  'vm.add': { cap: Cap.HOST, existing: false, lease: null },
  'vm.create': { cap: Cap.HOST, existing: false, lease: null },
  'vm.remove': { cap: Cap.HOST, existing: true, lease: null },
  'vm.edit': { cap: Cap.HOST, existing: true, lease: null },
};

/** Whether `op` names a gated host operation. */
export function isHostOp(op: string): op is HostOpName {
  return (HOST_OPS as readonly string[]).includes(op);
}

/** The requirements of `op`. */
export function hostOpRule(op: HostOpName): HostOpRule {
  return RULES[op];
}

/**
 * The verdict for control `c` running `op` on `endpoint`: OK, or the first failing check
 * of §6 (PERM, GRANT, NOENT, LEASE), so a control learns nothing about endpoints outside
 * its grant. A lease held by `c` itself, or by nobody, lets the operation through.
 */
export function hostOpVerdict(
  c: Control,
  op: HostOpName,
  endpoint: number,
  endpointExists: boolean,
  arbiter: LeaseArbiter,
): number {
  const rule = RULES[op];
  if ((c.spec.caps & rule.cap) === 0) return ErrorCode.PERM;
  if (endpoint === 0 || !maskHas(c.spec.grant, endpoint)) return ErrorCode.GRANT;
  if (rule.existing && !endpointExists) return ErrorCode.NOENT;
  if (rule.lease !== null) {
    const holder = arbiter.holder(endpoint, rule.lease);
    if (holder !== undefined && holder.controlId !== c.id) return ErrorCode.LEASE;
  }
  return ErrorCode.OK;
}
