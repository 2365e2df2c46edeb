/*
 * The host's answer to host request frames (§10, docs/protocol-host-frames.md): checks each
 * op's arguments, then runs it as the requesting control. `vms` reports only VMs in the
 * control's grant and never a host path (`vm.settings`, gated as `vm.edit`, shows the paths a
 * VM's editor set); start/stop/add/remove/create/edit go through HostOps (gate, journal, run).
 * It never trusts an argument it did not check.
 */
import { type Core, maskHas } from '../core';
import { Cap, ENDPOINT_MAX, ErrorCode, VmsigError, nameOf } from '../../shared/model';
import { HostOpUnsupported, type HostRequestHandler } from '../wire';
import type { AttachedVmEntry } from './attached-vms';
import type { HostVm } from './console/host-port';
import type { AttachedVmChange, HostOps } from './host-ops';
import { type JournalEventsSource, journalEvents } from './journal-events';

/** What the handler needs from the host. */
export interface HostRequestDeps {
  core: Core;
  ops: HostOps;
  vms(): HostVm[];
  /** PNG of a VM's display; absent while the host has no screenshot source. */
  screenshot?: (id: number) => Promise<Buffer>;
  /** A managed VM's name and `managed` as configured (paths absolute), or null; absent: `vm.settings` is KIND. */
  managedSettings?: (id: number) => { name: string; managed: Record<string, unknown> } | null;
  /** An attached VM's entry as the Add/Edit form shows it, or null. */
  attachedSettings?: (id: number) => AttachedVmEntry | null;
  /** This host run's journal, for `journal.events` (a fleet console filling a gap in its feed). */
  journal?: Omit<JournalEventsSource, 'core'>;
}

/** `vm.settings`' answer: the entry a `vm.edit` would send back, so a client edits what is there. */
export type VmSettings =
  | { name: string; managed: Record<string, unknown> }
  | { name: string; attached: AttachedVmChange & { ramFile?: string } };

/**
 * The HostVm fields a control sees over the socket. A list of what is shown, not of what is
 * hidden: a field added to HostVm later (a path, a PID) stays on the host until named here.
 */
const PUBLIC_FIELDS: readonly string[] = [
  'id',
  'name',
  'kind',
  'state',
  'error',
  'accel',
  'accelReason',
  'bootStatus',
  'silentForS',
];

function bad(msg: string): VmsigError {
  return new VmsigError(ErrorCode.INVAL, msg);
}

function onlyKeys(args: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(args))
    if (!allowed.includes(k)) throw bad(`unknown argument "${k.slice(0, 32)}"`);
}

function vmArg(args: Record<string, unknown>): number {
  const v = args.vm;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > ENDPOINT_MAX)
    throw bad(`vm must be an integer in 1..${ENDPOINT_MAX}`);
  return v;
}

function strArg(args: Record<string, unknown>, k: string, max: number): string {
  const v = args[k];
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > max)
    throw bad(`${k} must be a non-empty string of at most ${max} characters`);
  return v;
}

function pathArg(args: Record<string, unknown>, k: string): string {
  const v = strArg(args, k, 4096);
  if (!v.startsWith('/')) throw bad(`${k} must be an absolute path`);
  return v;
}

/** vm.edit's `attached`: `qmp` (absolute), `vnc`? and `serial`? as text; checked by the file's rules behind the gate. */
function attachedArg(args: Record<string, unknown>): AttachedVmChange {
  const a = args.attached;
  if (typeof a !== 'object' || a === null || Array.isArray(a))
    throw bad('attached must be an object { qmp, vnc?, serial? }');
  const o = a as Record<string, unknown>;
  onlyKeys(o, ['qmp', 'vnc', 'serial']);
  return { qmp: pathArg(o, 'qmp'), ...addressArgs(o) };
}

/** `vnc` and `serial` when given: a Unix path or host:port each, checked by the file's rules behind the gate. */
function addressArgs(o: Record<string, unknown>): { vnc?: string; serial?: string } {
  return {
    ...(o.vnc !== undefined && { vnc: strArg(o, 'vnc', 4096) }),
    ...(o.serial !== undefined && { serial: strArg(o, 'serial', 4096) }),
  };
}

/** VM `vm`'s settings as `vm.edit` takes them back; KIND when the host reports none, NOENT when it has none. */
function settingsOf(deps: HostRequestDeps, vm: number): VmSettings {
  if (!deps.managedSettings || !deps.attachedSettings)
    throw new VmsigError(ErrorCode.KIND, 'this host does not report VM settings');
  const m = deps.managedSettings(vm);
  if (m) return m;
  const a = deps.attachedSettings(vm);
  if (!a) throw new VmsigError(ErrorCode.NOENT, `no VM ${vm} with settings`);
  const { id: _id, name, ...attached } = a;
  return { name, attached };
}

/** A HostVm as a control may see it: PUBLIC_FIELDS only, so never a host path. */
export function publicVm(vm: HostVm): Record<string, unknown> {
  return Object.fromEntries(Object.entries(vm).filter(([k]) => PUBLIC_FIELDS.includes(k)));
}

/** Builds the control socket's host request handler. */
export function hostRequestHandler(deps: HostRequestDeps): HostRequestHandler {
  const control = (id: number) => {
    const c = deps.core.control(id);
    if (!c) throw new VmsigError(ErrorCode.PERM, 'unknown control');
    return c;
  };
  return async (controlId, op, args) => {
    switch (op) {
      case 'vms': {
        onlyKeys(args, []);
        const c = control(controlId);
        if ((c.spec.caps & (Cap.OBSERVE | Cap.HOST)) === 0)
          throw new VmsigError(ErrorCode.PERM, 'vms needs OBSERVE or HOST');
        return {
          vms: deps
            .vms()
            .filter((vm) => maskHas(c.spec.grant, vm.id))
            .map(publicVm),
        };
      }
      case 'vm.start':
      case 'vm.stop':
      case 'vm.remove': {
        onlyKeys(args, ['vm']);
        const vm = vmArg(args);
        await deps.ops.run(controlId, { op, vm });
        return { vm };
      }
      case 'vm.add': {
        onlyKeys(args, ['vm', 'name', 'qmp', 'ramFile', 'vnc', 'serial']);
        const vm = vmArg(args);
        const name = strArg(args, 'name', 64);
        const qmp = pathArg(args, 'qmp');
        const ramFile = args.ramFile === undefined ? undefined : pathArg(args, 'ramFile');
        await deps.ops.run(controlId, {
          op,
          vm,
          name,
          qmp,
          ...(ramFile ? { ramFile } : {}),
          ...addressArgs(args),
        });
        return { vm };
      }
      case 'vm.create':
      case 'vm.edit': {
        // An attached VM's edit takes its QMP socket, display and serial port instead.
        if (op === 'vm.edit' && args.attached !== undefined) {
          onlyKeys(args, ['vm', 'name', 'attached']);
          const vm = vmArg(args);
          const name = args.name === undefined ? undefined : strArg(args, 'name', 64);
          await deps.ops.run(controlId, { op, vm, ...(name ? { name } : {}), attached: attachedArg(args) });
          return { vm };
        }
        onlyKeys(args, ['vm', 'name', 'managed']);
        const vm = vmArg(args);
        const name = op === 'vm.edit' && args.name === undefined ? undefined : strArg(args, 'name', 64);
        const managed = args.managed;
        // Its fields are checked by the configuration file's rules behind the gate (HostService).
        if (typeof managed !== 'object' || managed === null || Array.isArray(managed))
          throw bad('managed must be an object (the fields of vms[].managed)');
        const m = managed as Record<string, unknown>;
        if (op === 'vm.create') await deps.ops.run(controlId, { op, vm, name: name as string, managed: m });
        else await deps.ops.run(controlId, { op, vm, ...(name ? { name } : {}), managed: m });
        return { vm };
      }
      case 'vm.settings': {
        onlyKeys(args, ['vm']);
        const vm = vmArg(args);
        // Who may edit a VM may read what they edit (HOST, grant, exists), and nobody else:
        // unlike `vms`, the answer holds host paths.
        const verdict = deps.core.gateHostOp(controlId, 'vm.edit', vm);
        if (verdict !== ErrorCode.OK)
          throw new VmsigError(verdict, `vm.settings on VM ${vm} refused: ${nameOf(ErrorCode, verdict)}`);
        return { vm, ...settingsOf(deps, vm) };
      }
      case 'vm.screenshot': {
        onlyKeys(args, ['vm']);
        const vm = vmArg(args);
        const c = control(controlId);
        // The same rule as a live viewer of the display: OBSERVE and the endpoint in the grant.
        if ((c.spec.caps & Cap.OBSERVE) === 0)
          throw new VmsigError(ErrorCode.PERM, 'screenshots need OBSERVE');
        if (!maskHas(c.spec.grant, vm))
          throw new VmsigError(ErrorCode.GRANT, `VM ${vm} is outside the grant`);
        if (!deps.core.endpoints().some((e) => e.id === vm))
          throw new VmsigError(ErrorCode.NOENT, `no VM ${vm}`);
        if (!deps.screenshot) throw new HostOpUnsupported('this host has no screenshot source');
        const png = await deps.screenshot(vm);
        return { vm, format: 'png', base64: png.toString('base64') };
      }
      case 'journal.events':
        if (!deps.journal) throw new HostOpUnsupported('this host keeps no journal');
        return journalEvents({ core: deps.core, ...deps.journal }, controlId, args);
      default:
        throw new VmsigError(ErrorCode.KIND, `unknown host op "${op}"`);
    }
  };
}
