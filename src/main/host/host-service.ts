/*
 * The composition both shells use (Electron main and `vmsig serve`): configuration → core
 * (monotonic clock) → endpoints → VMs (managed: QEMU via the launcher; attached: the given
 * QMP socket) with their adapters → control socket server. It owns every process and file
 * it starts and removes them on stop; it never touches Electron or a shell's UI.
 */
import path from 'node:path';
import { type Clock, type ControlSpec, Core, type Log } from '../core';
import { ErrorCode, VmsigError } from '../../shared/model';
import { ControlServer, type HostRequestHandler, tokenAuthenticator } from '../wire';
import type { VmsigConfig } from './config';
import type { ConsoleHostPort, HostVm } from './console/host-port';
import { type Accel, findQemu, guestPaths, stopOrphanQemus, probeKvm } from './launcher';
import { type Journal, type JournalOptions, lockJournalDir, openJournal } from './journal';
import { VmRunner } from './vm-runner';
import { VmRoster } from './vm-roster';
import { type ImageEntry, type ManagedVmEntry, listImages } from './managed-vms';
import type { AttachedVmEntry } from './attached-vms';
import type { SerialLog } from './launcher';
import { type AttachedVmChange, HostOps, type HostOpRequest } from './host-ops';
import { hostRequestHandler } from './host-requests';
import { type PointerStatus, captureScreenshot, queryPointer } from './display';

/** How to start the host. */
export interface HostServiceOptions {
  config: VmsigConfig;
  log: Log;
  /** Where managed VMs' runtime files go; default `<socket dir>/vms`. */
  runtimeDir?: string;
  /** Start managed VMs at once (default true). */
  startManaged?: boolean;
  /** Force the accelerator of managed VMs (tests). */
  accel?: Accel;
  /** QEMU binary of managed VMs (tests); default: found on PATH. */
  qemu?: string;
  /** How long a guest under KVM may stay silent before its restart under TCG (default 20 s). */
  bootBudgetMs?: number;
  /** Protocol timeouts, shortened by tests (defaults: 5 s HELLO, 10 s whole frame). */
  helloTimeoutMs?: number;
  frameDeadlineMs?: number;
  /**
   * The durable journal of commands, acks, leases and lifecycle (none when absent). A
   * directory another live host is writing to is not shared: start() then rejects BUSY
   * (a host never acknowledges commands it cannot record).
   */
  journal?: Omit<JournalOptions, 'log' | 'now'>;
}

/** A VM as the host reports it (the console's HostVm plus paths). */
export interface HostVmInfo extends HostVm {
  qmpPath: string | null;
  ramFile: string | null;
  /** QEMU's PID for a running managed VM. */
  pid: number | null;
}

/** The running host: core, VMs, control socket. Create with `HostService.start`. */
export class HostService implements ConsoleHostPort {
  /** The core's clock: CLOCK_MONOTONIC in ns (process.hrtime). */
  static readonly clock: Clock = { nowNs: () => Number(process.hrtime.bigint()) };
  readonly core: Core;
  private server: ControlServer | null = null;
  /** Its VMs: a runner per id, and how that set changes. */
  private readonly roster: VmRoster;
  private stopping: Promise<void> | null = null;
  private readonly runtimeDir: string;
  private journalHandle: { journal: Journal; unlock: () => Promise<void> } | null = null;
  /** The only way a control (console or socket) starts, stops, adds or removes a VM. */
  private readonly hostOps: HostOps;
  /** Answers host requests (§10) for any transport: the socket, and the fleet bridge's sessions. */
  hostRequests: HostRequestHandler | undefined = undefined;

  private constructor(
    readonly config: VmsigConfig,
    private readonly opts: HostServiceOptions,
  ) {
    this.core = new Core({ clock: HostService.clock, log: opts.log });
    this.hostOps = new HostOps({
      core: this.core,
      journal: () => this.journal(),
      targets: this,
      nowNs: HostService.clock.nowNs,
      log: opts.log,
    });
    this.runtimeDir = opts.runtimeDir ?? path.join(path.dirname(config.socket), 'vms');
    this.roster = new VmRoster(this.core, config.path, (cfg) => new VmRunner(cfg, this.runnerDeps()));
  }

  /**
   * Builds the core, attaches/starts the configured VMs (a VM that fails to start is
   * reported in `vms()` and logged; the host still starts), then listens on the control
   * socket. Throws VmsigError BUSY when another server is live on the socket.
   */
  static async start(opts: HostServiceOptions): Promise<HostService> {
    const host = new HostService(opts.config, opts);
    try {
      // Before the socket opens: the journal is a core tap, written ahead of every delivery.
      if (opts.journal) await host.openJournal(opts.journal);
      host.server = await ControlServer.start({
        core: host.core,
        clock: HostService.clock,
        log: opts.log,
        socketPath: opts.config.socket,
        authenticate: tokenAuthenticator(opts.config.controls.map((c) => ({ token: c.token, spec: c.spec }))),
        helloTimeoutMs: opts.helloTimeoutMs,
        frameDeadlineMs: opts.frameDeadlineMs,
        hostRequests: (host.hostRequests = hostRequestHandler({
          core: host.core,
          ops: host.hostOps,
          vms: () => host.vms(),
          // The display relay's one-shot capture (managed and attached VMs alike).
          screenshot: (id) => host.screenshot(id),
          managedSettings: (id) => host.managedSettings(id),
          attachedSettings: (id) => host.attachedSettings(id),
          // Opened above, before any event of this run: its next record is the run's first.
          journal: { journal: () => host.journal(), runStartRec: host.journal()?.nextRec() ?? 0 },
        })),
      });
      // The socket is ours, so no live host shares this runtime directory: any QEMU still
      // running from it was left by a host that crashed, and is stopped before ours start.
      await stopOrphanQemus(host.runtimeDir, opts.log);
      for (const vm of opts.config.vms) {
        host.roster.declare(vm);
      }
      if (opts.startManaged !== false && opts.config.vms.some((vm) => vm.kind === 'managed'))
        await host.logAccelVerdict();
      await Promise.all(
        host.roster
          .all()
          .filter((r) => r.cfg.kind === 'attached' || opts.startManaged !== false)
          .map((r) =>
            r
              .start()
              .catch((e: unknown) =>
                opts.log('error', `VM ${r.cfg.id} (${r.cfg.name}) did not start: ${String(e)}`),
              ),
          ),
      );
    } catch (e) {
      await host.stop();
      throw e;
    }
    return host;
  }

  /** The control socket path. */
  get socketPath(): string {
    return this.config.socket;
  }

  /** Every VM, ascending by id. */
  vms(): HostVmInfo[] {
    return this.roster.all().map((r) => ({
      id: r.cfg.id,
      name: r.cfg.name,
      kind: r.cfg.kind,
      state: r.state,
      error: r.error,
      vnc: r.vncTarget,
      // A managed QEMU's log, or an attached VM's while its `serial` port is read.
      serialPath: r.serialFeed?.log.path ?? null,
      accel: r.accel?.accel ?? null,
      accelReason: r.accel?.reason ?? null,
      bootStatus: r.boot?.state ?? null,
      silentForS: r.boot?.silentForS ?? null,
      qmpPath: r.qmpPath,
      ramFile: r.ramFile,
      pid: r.qemu?.pid ?? null,
      layout: r.cfg.layout ?? 'en-us',
    }));
  }

  /**
   * Runs host operation `req` as control `controlId`: gated by the core (§10), journaled with
   * the control's principal, then run. Rejects like HostOps.run.
   */
  hostOp(controlId: number, req: HostOpRequest): Promise<void> {
    return this.hostOps.run(controlId, req);
  }

  /**
   * Starts (managed) or re-attaches (attached) VM `id`, ungated: the host's own call (and
   * HostOps' after its gate). Rejects VmsigError NOENT for an unknown id, or the launcher's error.
   */
  async startVm(id: number): Promise<void> {
    return this.roster.runner(id).start();
  }

  /** Stops QEMU (managed) or detaches (attached) VM `id`; the endpoint stays declared. */
  async stopVm(id: number): Promise<void> {
    return this.roster.runner(id).stop();
  }

  /** Adds and attaches a VM someone else started, and lists it in the configuration file (VmRoster.addAttached). */
  addAttachedVm(vm: AttachedVmEntry): Promise<void> {
    return this.roster.addAttached(vm);
  }

  /** Stops VM `id` and forgets it, here and in the configuration file (VmRoster.remove). */
  removeVm(id: number): Promise<void> {
    return this.roster.remove(id);
  }

  /** Creates, lists and starts managed VM `vm.id` (VmRoster.create). */
  createVm(vm: ManagedVmEntry): Promise<void> {
    return this.roster.create(vm);
  }

  /** Replaces managed VM `id`'s settings and name, restarting it if it ran (VmRoster.editManaged). */
  editVm(id: number, change: { name?: string; managed: Record<string, unknown> }): Promise<void> {
    return this.roster.editManaged(id, change);
  }

  /** Re-attaches attached VM `id` with new settings (VmRoster.editAttached). */
  editAttachedVm(id: number, change: { name?: string } & AttachedVmChange): Promise<void> {
    return this.roster.editAttached(id, change);
  }

  /** Attached VM `id`'s settings as the Add/Edit form shows them (paths absolute), or null. */
  attachedSettings(id: number): AttachedVmEntry | null {
    return this.roster.attachedSettings(id);
  }

  /** Managed VM `id`'s name and settings as configured (paths absolute), or null. */
  managedSettings(id: number): { name: string; managed: Record<string, unknown> } | null {
    return this.roster.managedSettings(id);
  }

  /** The disk images and ISOs in the configured `imageDirs`, for the New VM form. */
  images(): ImageEntry[] {
    return listImages(this.config.imageDirs ?? []);
  }

  /** The serial log of VM `id` (its running QEMU's, or an attached VM's `serial` reader's) and which run wrote it, or null. */
  serialLog(id: number): { log: SerialLog; run: number; source: string } | null {
    return this.roster.get(id)?.serialFeed ?? null;
  }

  /**
   * PNG of VM `id`'s display, taken over its VNC (managed and attached VMs alike). Checks no
   * rights: callers gate it (the console's display relay by OBSERVE and grant). Rejects
   * NOENT for an unknown id or a VM without a display now, else as captureScreenshot.
   */
  async screenshot(id: number): Promise<Buffer> {
    const target = this.roster.runner(id).vncTarget;
    if (!target) throw new VmsigError(ErrorCode.NOENT, `VM ${id} has no display now`);
    return captureScreenshot(target);
  }

  /** Whether VM `id` has an absolute pointer (QMP query-mice); unknown while detached. */
  pointerStatus(id: number): Promise<PointerStatus> {
    return queryPointer(this.roster.get(id)?.qmpClient ?? null);
  }

  /** The identity of the configured control with `console: true`, or null. */
  consoleControl(): ControlSpec | null {
    return this.config.controls.find((c) => c.console)?.spec ?? null;
  }

  /** What is missing to run managed VMs (null = present). */
  readiness(): { qemu: string | null; guest: string | null } {
    let qemu: string | null = null;
    try {
      findQemu();
    } catch (e) {
      qemu = (e as Error).message;
    }
    const g = guestPaths();
    return { qemu, guest: g.built ? null : `test guest not built: run npm run guest (looked in ${g.dir})` };
  }

  /** The open journal, or null when the host runs without one. */
  journal(): Journal | null {
    return this.journalHandle?.journal ?? null;
  }

  /** The core's clock now, in ns. */
  nowNs(): number {
    return HostService.clock.nowNs();
  }

  /** Closes every control (SHUTDOWN), detaches adapters, stops QEMU by PID, removes socket and runtime files. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.server?.stop();
      const results = await Promise.allSettled(this.roster.all().map((r) => r.stop()));
      for (const r of results)
        if (r.status === 'rejected') this.opts.log('error', `stopping a VM failed: ${String(r.reason)}`);
      this.journalHandle?.journal.close();
      await this.journalHandle?.unlock();
      this.journalHandle = null;
    })();
    return this.stopping;
  }

  /**
   * Takes the journal directory's lock and opens the journal. A journal this host cannot
   * own is a refusal to start (BUSY), never a host that acknowledges commands unrecorded.
   */
  private async openJournal(jopts: Omit<JournalOptions, 'log' | 'now'>): Promise<void> {
    const { dir } = jopts;
    const lock = await lockJournalDir(dir);
    if (!lock) {
      throw new VmsigError(
        ErrorCode.BUSY,
        `the journal ${dir} is being written by another live vmsig host; refusing to start a host whose commands would go unrecorded (stop the other host, or give this one its own --journal DIR, or --no-journal)`,
      );
    }
    try {
      const journal = openJournal(this.core, { ...jopts, log: this.opts.log });
      this.journalHandle = { journal, unlock: () => lock.release() };
      this.opts.log('info', `journal: ${dir} (${jopts.durability ?? 'os'} durability)`);
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  /** Logs, once at start, which accelerator managed VMs get and why (the probe is cached for their launches). */
  private async logAccelVerdict(): Promise<void> {
    if (this.opts.accel)
      return this.opts.log('info', `accelerator: ${this.opts.accel} (forced by the host's options)`);
    let qemu: string;
    try {
      qemu = this.opts.qemu ?? findQemu();
    } catch {
      return; // readiness() reports the missing QEMU; each VM's start says so too
    }
    const verdict = await probeKvm(qemu);
    this.opts.log('info', `accelerator: ${verdict.accel} (${verdict.reason}; probe ${verdict.ms} ms)`);
  }

  private runnerDeps(): ConstructorParameters<typeof VmRunner>[1] {
    return {
      core: this.core,
      log: this.opts.log,
      runtimeDir: this.runtimeDir,
      accel: this.opts.accel,
      qemu: this.opts.qemu,
      bootBudgetMs: this.opts.bootBudgetMs,
    };
  }
}
