/*
 * Starts a managed VM's qemu-system-x86_64 and hands back a handle that owns it: pid,
 * runtime paths (its VNC a Unix socket among them), exit promise, stop() and restart(). It never
 * leaves a process or a runtime file behind once stop() resolved, and it signals only the PID it spawned.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { ErrorCode } from '../../../shared/model/constants';
import type { Log } from '../../core/ports';
import { createPrivateFile, ensurePrivateDir, withUmask } from '../../platform';
import { requireGuest } from './guest-paths';
import { probeKvm, type Accel, type KvmProbeResult } from './kvm-probe';
import { LauncherError } from './launcher-errors';
import { buildQemuArgs } from './qemu-args';
import { findQemu } from './qemu-binary';
import { vmRuntimePaths, type VmRuntimePaths } from './runtime-paths';
import { explainLockFailure } from './disk-images';
import { prepareLaunch, type LaunchPrep } from './launch-prep';
import type { SerialLog } from './serial-log';
import { bootsTestGuest, validateSpec, type ManagedVmSpec } from './vm-spec';

/** How to launch: where runtime files go and what to override. */
export interface LaunchOptions {
  /** Directory for vm<id>.{qmp,ram,serial,stderr}; created (0700) when missing. */
  runtimeDir: string;
  log?: Log;
  /** QEMU binary; default findQemu(). */
  qemu?: string;
  /** Force an accelerator; default: the cached KVM probe decides. */
  accel?: Accel;
  /** Why `accel` is forced, kept as the handle's probe reason (default "forced by the caller"). */
  accelReason?: string;
  /** How long QEMU may take to open its QMP socket (default 10 s). */
  startTimeoutMs?: number;
}

/** How the QEMU process ended. */
export interface VmExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running managed VM. */
export interface VmHandle {
  readonly spec: ManagedVmSpec;
  readonly pid: number;
  readonly accel: Accel;
  readonly probe: KvmProbeResult;
  readonly paths: VmRuntimePaths;
  readonly serial: SerialLog;
  /** Resolves once when QEMU exits, for whatever reason. */
  readonly exited: Promise<VmExit>;
  /** Whether QEMU is still running. */
  readonly running: boolean;
  /** SIGTERM, then SIGKILL after `graceMs` (default 3000); removes the runtime files. Idempotent. */
  stop(options?: { graceMs?: number }): Promise<VmExit>;
  /** stop(), then launch the same spec with the same options (the accelerator overridable); resolves with the new handle. */
  restart(overrides?: Pick<LaunchOptions, 'accel' | 'accelReason'>): Promise<VmHandle>;
}

const START_ATTEMPTS = 3;

/**
 * Launches `spec`. Throws LauncherError: `invalid-spec`, `missing-qemu`, `missing-guest`
 * (no kernel given and the test guest is not built), `start-failed` (QEMU exited, its
 * stderr tail quoted, or a live VM already owns this id's QMP socket).
 */
export async function launchVm(spec: ManagedVmSpec, options: LaunchOptions): Promise<VmHandle> {
  const valid = validateSpec(spec);
  const log = options.log ?? (() => {});
  const qemu = options.qemu ?? findQemu();
  // A VM with a disk or CD-ROM of its own boots through its firmware, not the test guest.
  const guest = bootsTestGuest(valid) ? requireGuest() : undefined;
  const kernel = valid.kernel ?? guest?.kernel;
  const initrd = valid.kernel === undefined ? guest?.initrd : valid.initrd;
  for (const file of [kernel, initrd]) {
    if (file !== undefined && !fs.existsSync(file)) {
      throw new LauncherError('invalid-spec', ErrorCode.NOENT, `VM ${valid.id}: file not found: ${file}`);
    }
  }
  // Sockets, guest RAM and logs go here: a directory others own or can enter is refused.
  ensurePrivateDir(options.runtimeDir);
  const runtimePaths = vmRuntimePaths(options.runtimeDir, valid.id);
  if (await socketIsLive(runtimePaths.qmp)) {
    throw new LauncherError(
      'start-failed',
      ErrorCode.BUSY,
      `VM ${valid.id} is already running (live QMP socket ${runtimePaths.qmp})`,
    );
  }
  removeFiles(runtimePaths);
  const probe: KvmProbeResult = options.accel
    ? { accel: options.accel, reason: options.accelReason ?? 'forced by the caller', ms: 0 }
    : await probeKvm(qemu);
  // After the probe: from here on every exit path releases what the preparation made.
  const prep = await prepareLaunch(valid, { runtimeDir: options.runtimeDir, paths: runtimePaths });
  const paths: VmRuntimePaths = { ...runtimePaths, ram: prep.ramFile };

  for (let attempt = 1; ; attempt++) {
    const args = buildQemuArgs(valid, {
      accel: probe.accel,
      paths,
      kernel,
      initrd,
      serialSocket: prep.serial.socketPath,
      devices: prep.devices,
    });
    log(
      'info',
      `launcher: starting VM ${valid.id} (${probe.accel}, ${valid.memoryMiB} MiB, vnc ${paths.vnc})`,
    );
    const started = await startQemu(qemu, args, paths, options.startTimeoutMs ?? 10_000);
    if ('pid' in started) {
      return makeHandle(valid, options, started, probe, paths, prep, log);
    }
    removeFiles(paths);
    if (attempt >= START_ATTEMPTS || !started.stderr.includes('Address already in use')) await prep.release();
    // Another process took the port between our check and QEMU's bind: try new ports.
    if (started.stderr.includes('Address already in use') && attempt < START_ATTEMPTS) continue;
    const locked = explainLockFailure(started.stderr, valid);
    if (locked) throw locked;
    throw new LauncherError(
      'start-failed',
      ErrorCode.IO,
      `QEMU for VM ${valid.id} failed to start: ${started.stderr.trim().slice(-600) || started.why}`,
    );
  }
}

interface Started {
  pid: number;
  exited: Promise<VmExit>;
  isRunning: () => boolean;
}

async function startQemu(
  qemu: string,
  args: string[],
  paths: VmRuntimePaths,
  timeoutMs: number,
): Promise<Started | { stderr: string; why: string }> {
  // Our own file of a previous run goes; a link planted at the name is never followed.
  fs.rmSync(paths.stderr, { force: true });
  const stderrFd = createPrivateFile(paths.stderr);
  // QEMU creates the QMP/VNC sockets, the RAM file and the serial log itself: under umask
  // 077 they are the user's alone (the RAM file was 0644 before).
  const child = withUmask(() => spawn(qemu, args, { stdio: ['ignore', 'ignore', stderrFd] }));
  fs.closeSync(stderrFd);
  let running = true;
  const exited = new Promise<VmExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
    child.once('error', () => {
      running = false;
      resolve({ code: null, signal: null });
    });
  });
  const deadline = Date.now() + timeoutMs;
  while (running && Date.now() < deadline) {
    if (fs.existsSync(paths.qmp)) return { pid: child.pid as number, exited, isRunning: () => running };
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20))]);
  }
  const readStderr = (): string => (fs.existsSync(paths.stderr) ? fs.readFileSync(paths.stderr, 'utf8') : '');
  if (!running) return { stderr: readStderr(), why: 'QEMU exited' };
  if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  await exited;
  return { stderr: readStderr(), why: `no QMP socket within ${timeoutMs} ms` };
}

function makeHandle(
  spec: ManagedVmSpec,
  options: LaunchOptions,
  started: Started,
  probe: KvmProbeResult,
  paths: VmRuntimePaths,
  prep: LaunchPrep,
  log: Log,
): VmHandle {
  let stopping: Promise<VmExit> | undefined;
  const stop = (stopOptions?: { graceMs?: number }): Promise<VmExit> => {
    stopping ??= (async () => {
      if (started.isRunning()) {
        signal(started.pid, 'SIGTERM');
        const grace = new Promise<'grace'>((r) =>
          setTimeout(() => r('grace'), stopOptions?.graceMs ?? 3000).unref(),
        );
        if ((await Promise.race([started.exited, grace])) === 'grace') {
          log('warn', `launcher: VM ${spec.id} ignored SIGTERM; sending SIGKILL to pid ${started.pid}`);
          signal(started.pid, 'SIGKILL');
        }
      }
      const exit = await started.exited;
      removeFiles(paths);
      await prep.release();
      log('info', `launcher: VM ${spec.id} stopped (${exit.signal ?? exit.code})`);
      return exit;
    })();
    return stopping;
  };
  return {
    spec,
    pid: started.pid,
    accel: probe.accel,
    probe,
    paths,
    serial: prep.serial.log,
    exited: started.exited,
    get running() {
      return started.isRunning();
    },
    stop,
    async restart(overrides) {
      await stop();
      return launchVm(spec, { ...options, ...overrides });
    },
  };
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (e) {
    // ESRCH: it exited between our check and the signal, which is what we wanted.
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

function removeFiles(paths: VmRuntimePaths): void {
  for (const file of [paths.qmp, paths.vnc, paths.ram, paths.serial, paths.stderr])
    fs.rmSync(file, { force: true });
}

function socketIsLive(path: string): Promise<boolean> {
  if (!fs.existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.createConnection({ path });
    const done = (live: boolean): void => {
      socket.destroy();
      resolve(live);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    setTimeout(() => done(false), 500).unref();
  });
}
