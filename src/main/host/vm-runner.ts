/*
 * One configured VM as the host runs it: for a managed VM, its QEMU (through the launcher)
 * plus its adapters; for an attached VM, only its adapters. It owns the QEMU process it
 * started and nothing else; it never touches another VM's files.
 */
import path from 'node:path';
import type { Core, Log } from '../core';
import { type VmAttachment, attachVm } from '../adapters/attach-vm';
import type { VmConfig } from './config';
import { type VmHandle, launchVm } from './launcher';
import type { Accel } from './launcher';
import { type BootStatus, BootWatchdog } from './launcher/boot-watchdog';
import { readDisplayMode } from './launcher/display-mode';
import type { QmpClient } from '../adapters/qmp';
import { type VncTarget, describeVncTarget } from './display/vnc-target';
import { type SerialClient, connectSerial } from './launcher/serial-client';
import { vmRuntimePaths } from './launcher/runtime-paths';
import type { SerialLog } from './launcher';

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
  /** QEMU binary of managed VMs (tests); default: the launcher finds it. */
  qemu?: string;
  /** How long a guest under KVM may show no sign of life before it is restarted under TCG (default 20 s). */
  bootBudgetMs?: number;
}

/** Runs one VM. */
export class VmRunner {
  state: VmRunState = 'stopped';
  error: string | null = null;
  private handle: VmHandle | null = null;
  private attachment: VmAttachment | null = null;
  /** An attached VM's serial reader (its `serial` field), while attached. */
  private serialClient: { client: SerialClient; run: number } | null = null;
  private busy: Promise<void> = Promise.resolve();
  private watchdog: BootWatchdog | null = null;
  private unwatch: (() => void) | null = null;
  /** Set once KVM left a guest silent past its budget: later starts of this VM use TCG. */
  private kvmFallback: string | null = null;

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

  /** The running QEMU's accelerator and why it was chosen (probe verdict or fallback notice); null while none runs. */
  get accel(): { accel: Accel; reason: string } | null {
    return this.handle ? { accel: this.handle.accel, reason: this.handle.probe.reason } : null;
  }

  /** Whether the running guest has shown life since its start or last reset; null while none is watched. */
  get boot(): BootStatus | null {
    return this.handle && this.watchdog ? this.watchdog.status() : null;
  }

  /**
   * The serial log the pane shows and which run wrote it: a managed VM's QEMU (its PID) or an
   * attached VM's reader (a negative number, never a PID); null when neither runs.
   */
  get serialFeed(): { log: SerialLog; run: number; source: string } | null {
    if (this.handle)
      return { log: this.handle.serial, run: this.handle.pid, source: `QEMU pid ${this.handle.pid}` };
    if (this.serialClient && this.cfg.kind === 'attached' && this.cfg.serial)
      return {
        log: this.serialClient.client.log,
        run: this.serialClient.run,
        source: describeVncTarget(this.cfg.serial),
      };
    return null;
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
          // The serial port first: a bad or missing socket fails this VM alone, with its field named.
          if (this.cfg.serial)
            this.serialClient = {
              client: await connectSerial(
                this.cfg.serial,
                vmRuntimePaths(this.deps.runtimeDir, this.cfg.id).serial,
                {
                  log,
                  at: `VM ${this.cfg.id} (${this.cfg.name}) "serial"`,
                  field: 'serial',
                },
              ),
              run: nextAttachedRun--,
            };
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
          { id: this.cfg.id, name: this.cfg.name, ...m },
          {
            runtimeDir: this.deps.runtimeDir,
            log,
            qemu: this.deps.qemu,
            ...(this.kvmFallback
              ? { accel: 'tcg', accelReason: this.kvmFallback }
              : { accel: this.deps.accel }),
          },
        );
        await this.adopt(handle);
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

  /** Takes a freshly launched QEMU: its exit, its adapters, and the boot watchdog over its guest. */
  private async adopt(handle: VmHandle): Promise<void> {
    const { core, log } = this.deps;
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
    const attachment = await attachVm(core, {
      endpoint: this.cfg.id,
      name: this.cfg.name,
      qmpPath: handle.paths.qmp,
      ramFile: handle.paths.ram,
      log,
    });
    this.attachment = attachment;
    this.watch(handle, attachment);
  }

  /**
   * Watches the guest for signs of life after the start and every RESET. A guest left
   * silent past the budget under KVM is restarted once under TCG; under TCG it is only logged.
   */
  private watch(handle: VmHandle, attachment: VmAttachment): void {
    const label = `VM ${this.cfg.id} (${this.cfg.name})`;
    const screen = path.join(this.deps.runtimeDir, `vm${this.cfg.id}.screen.ppm`);
    const dog = new BootWatchdog(
      {
        serialBytes: () => handle.serial.size(),
        displayMode: () => readDisplayMode((command, args) => attachment.qmp.execute(command, args), screen),
      },
      {
        budgetMs: this.deps.bootBudgetMs ?? bootBudgetFromEnv(),
        onSilent: (ms) => {
          if (handle.accel === 'kvm') this.fallBackToTcg(handle, ms);
          else
            this.deps.log(
              'warn',
              `${label}: no guest output for ${Math.round(ms / 1000)} s under ${handle.accel}`,
            );
        },
        onProgress: (how) => this.deps.log('info', `${label}: the guest shows progress (${how})`),
      },
    );
    const offReset = attachment.qmp.onEvent('RESET', () => dog.begin());
    this.watchdog = dog;
    this.unwatch = () => {
      offReset();
      dog.dispose();
    };
    dog.begin();
  }

  /** Restarts a guest KVM left silent under TCG, once: this VM's later starts use TCG too. */
  private fallBackToTcg(handle: VmHandle, silentMs: number): void {
    const notice = `kvm: no guest output within ${Math.round(silentMs / 1000)} s under KVM; restarted under TCG`;
    void this.serial(async () => {
      // Stopped, failed or replaced while the notice was queued: nothing to restart.
      if (this.handle !== handle || this.state !== 'running') return;
      this.deps.log('warn', `VM ${this.cfg.id} (${this.cfg.name}): ${notice}`);
      this.kvmFallback = notice;
      this.state = 'starting';
      const attachment = this.attachment;
      this.unwatch?.();
      this.unwatch = null;
      this.watchdog = null;
      this.attachment = null;
      this.handle = null; // the old QEMU's exit is ours, not a failure
      try {
        if (attachment) await attachment.detach();
        await this.adopt(await handle.restart({ accel: 'tcg', accelReason: notice }));
        if (this.state === 'starting') this.state = 'running';
      } catch (e) {
        this.state = 'failed';
        this.error = e instanceof Error ? e.message : String(e);
        this.deps.log(
          'error',
          `VM ${this.cfg.id} (${this.cfg.name}): restart under TCG failed: ${this.error}`,
        );
        await handle.stop(); // idempotent: the stalled QEMU must not outlive a failed restart
        await this.release();
      }
    });
  }

  private async release(): Promise<void> {
    this.unwatch?.();
    this.unwatch = null;
    this.watchdog = null;
    const attachment = this.attachment;
    const handle = this.handle;
    const serial = this.serialClient;
    this.attachment = null;
    this.handle = null;
    this.serialClient = null;
    if (attachment) await attachment.detach();
    if (handle) await handle.stop();
    if (serial) await serial.client.close();
  }

  private serial(op: () => Promise<void>): Promise<void> {
    const next = this.busy.then(op, op);
    this.busy = next.catch(() => {}); // the caller of `next` gets the error; the queue only orders
    return next;
  }
}

/** Runs of attached VMs' serial readers count down from -1, so they never equal a QEMU PID. */
let nextAttachedRun = -1;

/** VMSIG_BOOT_BUDGET_S lengthens (or shortens) the default boot budget, e.g. on a slow CI machine. */
function bootBudgetFromEnv(): number | undefined {
  const seconds = Number(process.env.VMSIG_BOOT_BUDGET_S);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
