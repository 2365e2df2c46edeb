/*
 * The host's VMs as a set: one runner per VM id beside its core endpoint, and the changes to
 * that set (add an attached VM, create a managed one, edit, remove) with the configuration
 * file kept in step. It runs no gate: HostOps decides who may change it, HostService owns it.
 */
import path from 'node:path';
import type { Core } from '../core';
import { ErrorCode, VmsigError } from '../../shared/model';
import type { VmConfig } from './config';
import type { VmRunner } from './vm-runner';
import { editConfigVms, fileListsVm } from './config/config-writer';
import { type ManagedVmEntry, checkManagedVm } from './managed-vms';
import {
  type AttachedVmEntry,
  appendAttachedEntry,
  attachedEntryOf,
  checkAttachedVm,
  writeAttachedEntry,
} from './attached-vms';
import type { AttachedVmChange } from './host-ops';

/** The VMs of one host, by id. */
export class VmRoster {
  private readonly runners = new Map<number, VmRunner>();

  /**
   * `configPath`: the configuration file kept in step (none: changes last for this run);
   * `newRunner` builds a VM's runner, not yet started.
   */
  constructor(
    private readonly core: Core,
    private readonly configPath: string | null,
    private readonly newRunner: (cfg: VmConfig) => VmRunner,
  ) {}

  /** Every runner, ascending by VM id. */
  all(): VmRunner[] {
    return [...this.runners.values()].sort((a, b) => a.cfg.id - b.cfg.id);
  }

  /** VM `id`'s runner, or undefined. */
  get(id: number): VmRunner | undefined {
    return this.runners.get(id);
  }

  /** VM `id`'s runner; throws VmsigError NOENT for an unknown id. */
  runner(id: number): VmRunner {
    const r = this.runners.get(id);
    if (!r) throw new VmsigError(ErrorCode.NOENT, `no VM with id ${id}`);
    return r;
  }

  /** Declares a configured VM (its endpoint and a runner), not started. */
  declare(cfg: VmConfig): void {
    this.core.addEndpoint(cfg.id, cfg.name);
    this.runners.set(cfg.id, this.newRunner(cfg));
  }

  /**
   * Adds and attaches a VM someone else started, its fields checked by the configuration
   * file's rules, and appends its entry to the configuration file (when there is one), so it
   * is attached again after a restart. Rejects BUSY for an id used here or in the file,
   * ConfigError INVAL naming the field (`vnc`, `serial`, ...), or the attach's own error
   * (a serial socket that is not there: NOENT with field `serial`). A VM that could not be
   * attached is neither kept nor written, so the form can fix it and add it again.
   */
  async addAttached(vm: AttachedVmEntry): Promise<void> {
    if (this.runners.has(vm.id)) throw new VmsigError(ErrorCode.BUSY, `VM id ${vm.id} is already used`);
    const file = this.configPath;
    if (file && fileListsVm(file, vm.id))
      throw new VmsigError(ErrorCode.BUSY, `VM id ${vm.id} is already in ${file}`);
    const r = this.newRunner(checkAttachedVm(vm, this.configDir()));
    this.core.addEndpoint(vm.id, vm.name);
    this.runners.set(vm.id, r);
    try {
      await r.start();
      // Written only once attached: the file never lists a VM the form is still correcting.
      if (file) appendAttachedEntry(file, vm);
    } catch (e) {
      await r.stop();
      this.runners.delete(vm.id);
      this.core.removeEndpoint(vm.id);
      throw e;
    }
  }

  /**
   * Stops VM `id` and forgets it: its endpoint is removed (leases freed, state dropped), and
   * so is its entry in the configuration file when the file lists it (other entries stay).
   */
  async remove(id: number): Promise<void> {
    const r = this.runner(id);
    await r.stop();
    const file = this.configPath;
    if (file && fileListsVm(file, id)) editConfigVms(file, (vms) => vms.filter((v) => v.id !== id));
    this.runners.delete(id);
    this.core.removeEndpoint(id);
  }

  /**
   * Creates managed VM `vm.id` (checked like the configuration file: INVAL naming
   * `managed.<field>`; BUSY for a used id), writes it to the configuration file when there is
   * one, and starts it. A start failure (missing disk, locked image) leaves the VM listed as
   * failed, and rejects with the launcher's error.
   */
  async create(vm: ManagedVmEntry): Promise<void> {
    if (this.runners.has(vm.id)) throw new VmsigError(ErrorCode.BUSY, `VM id ${vm.id} is already used`);
    const cfg = checkManagedVm(vm, this.configDir());
    const file = this.configPath;
    if (file) {
      if (fileListsVm(file, vm.id))
        throw new VmsigError(ErrorCode.BUSY, `VM id ${vm.id} is already in ${file}`);
      editConfigVms(file, (vms) => [...vms, { id: vm.id, name: vm.name, managed: vm.managed }]);
    }
    const r = this.newRunner(cfg);
    this.core.addEndpoint(vm.id, vm.name);
    this.runners.set(vm.id, r);
    await r.start();
  }

  /**
   * Replaces managed VM `id`'s settings (and name) in the configuration file and the host;
   * a VM that ran is stopped and started again with them. Rejects INVAL for an attached VM
   * or a setting the file's rules refuse (nothing is changed then), NOENT for an unknown id.
   */
  async editManaged(id: number, change: { name?: string; managed: Record<string, unknown> }): Promise<void> {
    const old = this.runner(id);
    if (old.cfg.kind !== 'managed')
      throw new VmsigError(ErrorCode.INVAL, `VM ${id} is attached: only managed VMs can be edited`);
    const name = change.name ?? old.cfg.name;
    const cfg = checkManagedVm({ id, name, managed: change.managed }, this.configDir());
    const file = this.configPath;
    if (file && fileListsVm(file, id))
      editConfigVms(file, (vms) =>
        vms.map((v) => (v.id === id ? { ...v, name, managed: change.managed } : v)),
      );
    const wasRunning = old.state === 'running' || old.state === 'starting';
    await this.replace(id, old, cfg, name, wasRunning);
  }

  /**
   * Re-attaches attached VM `id` with a new QMP socket, display and serial port (and name),
   * checked by the file's rules (ConfigError naming the field; nothing changes then); its RAM
   * file and layout stay. The file's entry is rewritten when the file lists it. Rejects INVAL
   * for a managed VM, NOENT for an unknown id, or the attach's error (the VM is then listed
   * failed with the new settings, and can be edited again).
   */
  async editAttached(id: number, change: { name?: string } & AttachedVmChange): Promise<void> {
    const old = this.runner(id);
    if (old.cfg.kind !== 'attached')
      throw new VmsigError(ErrorCode.INVAL, `VM ${id} is managed: edit its managed settings`);
    const name = change.name ?? old.cfg.name;
    const entry = { id, name, qmp: change.qmp, vnc: change.vnc, serial: change.serial };
    const checked = checkAttachedVm({ ...entry, ramFile: old.cfg.ramFile }, this.configDir());
    const cfg = old.cfg.layout ? { ...checked, layout: old.cfg.layout } : checked;
    if (this.configPath) writeAttachedEntry(this.configPath, entry);
    await this.replace(id, old, cfg, name, true);
  }

  /** Stops VM `id`'s runner and puts one for `cfg` in its place (the endpoint renamed with it), started when `start`. */
  private async replace(
    id: number,
    old: VmRunner,
    cfg: VmRunner['cfg'],
    name: string,
    start: boolean,
  ): Promise<void> {
    await old.stop();
    if (name !== old.cfg.name) {
      this.core.removeEndpoint(id);
      this.core.addEndpoint(id, name);
    }
    const r = this.newRunner(cfg);
    this.runners.set(id, r);
    if (start) await r.start();
  }

  /** Attached VM `id`'s settings as the Add/Edit form shows them (paths absolute), or null. */
  attachedSettings(id: number): AttachedVmEntry | null {
    const cfg = this.runners.get(id)?.cfg;
    return cfg?.kind === 'attached' ? attachedEntryOf(cfg) : null;
  }

  /** Managed VM `id`'s name and settings as configured (paths absolute), or null. */
  managedSettings(id: number): { name: string; managed: Record<string, unknown> } | null {
    const cfg = this.runners.get(id)?.cfg;
    return cfg?.kind === 'managed' ? { name: cfg.name, managed: { ...cfg.managed } } : null;
  }

  private configDir(): string {
    return this.configPath ? path.dirname(this.configPath) : process.cwd();
  }
}
