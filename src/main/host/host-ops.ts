/*
 * Runs host operations on a control's behalf (protocol §10): the core's gate first, then a
 * write-ahead record with the control's principal, then the operation, then a record of
 * its outcome. A refused operation is recorded and never reaches a VM; an operation the
 * journal could not record is refused IO. The console and the control socket both come
 * through here: nothing else starts, stops, adds or removes a VM for a control.
 */
import type { Core, Log } from '../core';
import { ErrorCode, VmsigError, isVmsigError, nameOf } from '../../shared/model';
import type { HostOpBody, Journal } from './journal';

/** A gated host operation with checked arguments. */
export type HostOpRequest =
  | { op: 'vm.start' | 'vm.stop' | 'vm.remove'; vm: number }
  /** An attached VM; `vnc` and `serial` as the configuration file spells them (checked behind the gate). */
  | { op: 'vm.add'; vm: number; name: string; qmp: string; ramFile?: string; vnc?: string; serial?: string }
  /** A managed VM written to the configuration file and started; `managed` as in the file. */
  | { op: 'vm.create'; vm: number; name: string; managed: Record<string, unknown> }
  | { op: 'vm.edit'; vm: number; name?: string; managed: Record<string, unknown> }
  /** An attached VM's QMP socket, display and serial port, as `vm.add` takes them. */
  | { op: 'vm.edit'; vm: number; name?: string; attached: AttachedVmChange };

/** What an edit of an attached VM sets (absent `vnc` / `serial`: none). */
export interface AttachedVmChange {
  qmp: string;
  vnc?: string;
  serial?: string;
}

/** What the operations act on (the host's VM runners). */
export interface HostOpTargets {
  startVm(id: number): Promise<void>;
  stopVm(id: number): Promise<void>;
  addAttachedVm(vm: {
    id: number;
    name: string;
    qmp: string;
    ramFile?: string;
    vnc?: string;
    serial?: string;
  }): Promise<void>;
  removeVm(id: number): Promise<void>;
  /** Managed VMs from the console's form; a host without them refuses vm.create/vm.edit KIND. */
  createVm?(vm: { id: number; name: string; managed: Record<string, unknown> }): Promise<void>;
  editVm?(id: number, change: { name?: string; managed: Record<string, unknown> }): Promise<void>;
  /** Re-attaches an attached VM with new settings; a host without it refuses KIND. */
  editAttachedVm?(id: number, change: { name?: string } & AttachedVmChange): Promise<void>;
}

/** Where HostOps gets its gate, journal and clock. */
export interface HostOpsDeps {
  core: Core;
  /** The open journal, or null when the host keeps none (then nothing is recorded). */
  journal: () => Pick<Journal, 'recordHostOp'> | null;
  targets: HostOpTargets;
  nowNs: () => number;
  log: Log;
}

/** The gate-record-run sequence for host operations. */
export class HostOps {
  constructor(private readonly deps: HostOpsDeps) {}

  /**
   * Runs `req` for control `controlId`. Rejects VmsigError PERM / GRANT / NOENT / LEASE
   * (the gate), IO (the journal could not record it), or the operation's own error; each
   * outcome is journaled with the control's principal.
   */
  async run(controlId: number, req: HostOpRequest): Promise<void> {
    const { core, log } = this.deps;
    const verdict = core.gateHostOp(controlId, req.op, req.vm);
    const journal = this.deps.journal();
    const args = argsOf(req);
    const recorded =
      journal?.recordHostOp(controlId, verdict === ErrorCode.OK ? null : verdict, this.body(req, args)) ??
      true;
    if (verdict !== ErrorCode.OK)
      throw new VmsigError(verdict, `${req.op} on VM ${req.vm} refused: ${nameOf(ErrorCode, verdict)}`);
    if (!recorded)
      throw new VmsigError(
        ErrorCode.IO,
        `${req.op} on VM ${req.vm} refused: the journal could not record it`,
      );
    let err: number = ErrorCode.OK;
    let message: string | undefined;
    try {
      await this.exec(req);
    } catch (e) {
      err = isVmsigError(e) ? e.code : ErrorCode.IO;
      message = e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      const done = { ...this.body(req, args), phase: 'done' as const, err, message };
      if (journal && !journal.recordHostOp(controlId, null, done))
        log('warn', `journal: the outcome of ${req.op} on VM ${req.vm} was not recorded`);
    }
  }

  private exec(req: HostOpRequest): Promise<void> {
    const t = this.deps.targets;
    switch (req.op) {
      case 'vm.start':
        return t.startVm(req.vm);
      case 'vm.stop':
        return t.stopVm(req.vm);
      case 'vm.remove':
        return t.removeVm(req.vm);
      case 'vm.add': {
        const { vm: id, name, qmp, ramFile, vnc, serial } = req;
        return t.addAttachedVm({ id, name, qmp, ramFile, vnc, serial });
      }
      case 'vm.create':
        if (!t.createVm) throw new VmsigError(ErrorCode.KIND, 'this host does not create VMs');
        return t.createVm({ id: req.vm, name: req.name, managed: req.managed });
      case 'vm.edit':
        if ('attached' in req) {
          if (!t.editAttachedVm) throw new VmsigError(ErrorCode.KIND, 'this host does not edit attached VMs');
          return t.editAttachedVm(req.vm, { name: req.name, ...req.attached });
        }
        if (!t.editVm) throw new VmsigError(ErrorCode.KIND, 'this host does not edit VMs');
        return t.editVm(req.vm, { name: req.name, managed: req.managed });
    }
  }

  private body(req: HostOpRequest, args: Record<string, unknown>): HostOpBody {
    return { op: req.op, vm: req.vm, phase: 'requested', err: 0, tsNs: this.deps.nowNs(), args };
  }
}

/** The arguments worth recording (everything but the op and the endpoint, which have fields). */
function argsOf(req: HostOpRequest): Record<string, unknown> {
  const { op: _op, vm: _vm, ...rest } = req;
  return rest;
}
