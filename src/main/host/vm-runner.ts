/*
 * One configured VM as the host runs it: for a managed VM, its QEMU (through the launcher)
 * plus its adapters; for an attached VM, only its adapters. It owns the QEMU process it
 * started and nothing else; it never touches another VM's files.
 */
import type { Core, Log } from '../core';
import { type VmAttachment, attachVm } from '../adapters/attach-vm';
import type { VmConfig } from './config';
import { type VmHandle, launchVm } from './launcher';
import type { Accel } from './launcher';
import type { QmpClient } from '../adapters/qmp';
import type { VncTarget } from './display/vnc-target';

/** Host-side state of a VM. */
export type VmRunState = 'stopped' | 'starting' | 'running' | 'stopping' | 'failed' | 'attached';

/** What a runner needs. */
export interface VmRunnerDeps {
  core: Core;
  log: Log;
  /** Directory for managed VMs' runtime files (QMP socket, RAM file, serial log). */
  runtimeDir: string;
  /** Forces the accelerator of managed VMs (tests); default: the launcher probes KVM. */
  accel?: Accel;
}

/** Runs one VM. */
export class VmRunner {
  state: VmRunState = 'stopped';
  error: string | null = null;
  private handle: VmHandle | null = null;
  private attachment: VmAttachment | null = null;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    readonly cfg: VmConfig,
    private readonly deps: VmRunnerDeps,
  ) {}

  /** The running QEMU, for a managed VM that runs. */
  get qemu(): VmHandle | null {
    return this.handle;
  }

  /** QMP socket path (the launcher's for managed VMs, while running). */
  get qmpPath(): string | null {
    return this.cfg.kind === 'attached' ? this.cfg.qmp : (this.handle?.paths.qmp ?? null);
  }

  /** The VNC server the display relay opens: the launcher's Unix socket while QEMU runs, or the attached VM's `vnc`. */
  get vncTarget(): VncTarget | null {
    if (this.cfg.kind === 'attached') return this.cfg.vnc ?? null;
    return this.handle ? { kind: 'unix', path: this.handle.paths.vnc } : null;
  }

  /** The attached QMP client while attached (for queries such as `query-mice`; never open a second one). */
  get qmpClient(): QmpClient | null {
    return this.attachment?.qmp ?? null;
  }

  /** Guest RAM file, when there is one. */
  get ramFile(): string | null {
    return this.cfg.kind === 'attached' ? (this.cfg.ramFile ?? null) : (this.handle?.paths.ram ?? null);
  }

  /** Starts QEMU (managed) and attaches the adapters. Serialised with stop; rejects with the launcher's error. */
  start(): Promise<void> {
    return this.serial(async () => {
      if (this.state === 'running' || this.state === 'attached') return;
      // A QEMU that died on its own leaves its adapters registered and its files behind.
      await this.release();
      const { core, log } = this.deps;
      this.error = null;
      this.state = 'starting';
      try {
        if (this.cfg.kind === 'attached') {
          this.attachment = await attachVm(core, {
            endpoint: this.cfg.id,
            name: this.cfg.name,
            qmpPath: this.cfg.qmp,
            ramFile: this.cfg.ramFile,
            log,
          });
          this.state = 'attached';
          return;
        }
        const m = this.cfg.managed;
        const handle = await launchVm(
          {
            id: this.cfg.id,
            name: this.cfg.name,
            memoryMiB: m.memoryMiB,
            kernel: m.kernel,
            initrd: m.initrd,
            append: m.append,
            extraArgs: m.extraArgs,
          },
          { runtimeDir: this.deps.runtimeDir, log, accel: this.deps.accel },
        );
        this.handle = handle;
        void handle.exited.then((exit) => {
          if (this.handle !== handle || this.state === 'stopping') return;
          this.state = exit.code === 0 ? 'stopped' : 'failed';
          this.error = exit.code === 0 ? null : `QEMU exited (code ${exit.code}, signal ${exit.signal})`;
          log(
            exit.code === 0 ? 'info' : 'warn',
            `VM ${this.cfg.id} (${this.cfg.name}): QEMU exited, code ${exit.code} signal ${exit.signal}`,
          );
        });
        this.attachment = await attachVm(core, {
          endpoint: this.cfg.id,
          name: this.cfg.name,
          qmpPath: handle.paths.qmp,
          ramFile: handle.paths.ram,
          log,
        });
        if (this.state === 'starting') this.state = 'running';
      } catch (e) {
        this.state = 'failed';
        this.error = e instanceof Error ? e.message : String(e);
        await this.release();
        throw e;
      }
    });
  }

  /** Detaches the adapters and (managed) stops QEMU by its PID, removing its runtime files. Idempotent. */
  stop(): Promise<void> {
    return this.serial(async () => {
      if (this.state === 'stopped' && !this.handle && !this.attachment) return;
      this.state = 'stopping';
      await this.release();
      this.state = 'stopped';
    });
  }

  private async release(): Promise<void> {
    const attachment = this.attachment;
    const handle = this.handle;
    this.attachment = null;
    this.handle = null;
    if (attachment) await attachment.detach();
    if (handle) await handle.stop();
  }

  private serial(op: () => Promise<void>): Promise<void> {
    const next = this.busy.then(op, op);
    this.busy = next.catch(() => {}); // the caller of `next` gets the error; the queue only orders
    return next;
  }
}
