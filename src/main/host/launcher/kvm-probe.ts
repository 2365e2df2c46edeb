/*
 * Decides between KVM and TCG by proof, not by the presence of /dev/kvm (which can exist
 * while KVM hangs or aborts on a Linux kernel): a throwaway QEMU with the VMs' own -cpu and
 * -machine must boot the project's guest kernel far enough that the kernel itself prints
 * "Linux version" on the serial port within a short budget. The verdict is cached per QEMU
 * binary, device and kernel. The probe process is always killed and reaped before it resolves.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { guestPaths } from './guest-paths';
import { defaultVerdictFile, readVerdict, writeVerdict } from './kvm-verdict-cache';
import { platformArgs } from './qemu-args';

/** The accelerator a VM will use. */
export type Accel = 'kvm' | 'tcg';

/** Outcome of the probe: the accelerator, why, and how long the probe took. */
export interface KvmProbeResult {
  accel: Accel;
  reason: string;
  ms: number;
}

/** The kernel the probe boots. */
export interface ProbeKernel {
  kernel: string;
  initrd?: string;
}

/** What the probe looks at; every part is injectable so tests can stage any machine. */
export interface KvmProbeOptions {
  /** How long the kernel may take to print its banner under KVM (default 5000 ms). */
  timeoutMs?: number;
  /** Read for VMSIG_ACCEL=kvm|tcg (the override) and the guest's location; QEMU's environment. */
  env?: NodeJS.ProcessEnv;
  /** The KVM device (default $VMSIG_KVM_DEVICE, else /dev/kvm: a test run can play a machine without KVM). */
  device?: string;
  /** The kernel to boot; default the project's test guest; null = none available. */
  kernel?: ProbeKernel | null;
  /** Where a proven verdict is kept for this boot (default defaultVerdictFile()); null = memory only. */
  cacheFile?: string | null;
}

/** The kernel's first console line; printed by the kernel itself, not by the firmware. */
export const KERNEL_BANNER = 'Linux version';
/** The probe's default budget: KVM prints the banner within a few hundred ms when it works. */
export const PROBE_TIMEOUT_MS = 5000;
/** No `quiet`: the banner must reach the serial port; earlyprintk makes it the first thing written. */
const PROBE_APPEND = 'console=ttyS0 earlyprintk=serial panic=-1';

const cache = new Map<string, Promise<KvmProbeResult>>();

/**
 * The accelerator for VMs run by `qemu`: `VMSIG_ACCEL=kvm|tcg` decides when set; otherwise
 * KVM only when the probe boot proves it, once per binary, device and kernel (cached for
 * the process). Never rejects: any failure means TCG, with the reason.
 */
export function probeKvm(qemu: string, options: KvmProbeOptions = {}): Promise<KvmProbeResult> {
  const env = options.env ?? process.env;
  const forced = env.VMSIG_ACCEL;
  if (forced === 'kvm' || forced === 'tcg')
    return Promise.resolve({ accel: forced, reason: `VMSIG_ACCEL=${forced}`, ms: 0 });
  const device = options.device ?? env.VMSIG_KVM_DEVICE ?? '/dev/kvm';
  const kernel = options.kernel === undefined ? defaultKernel(env) : options.kernel;
  const key = [qemu, device, kernel?.kernel ?? ''].join('\0');
  let result = cache.get(key);
  if (!result) {
    const missing = deviceProblem(device);
    if (missing) result = Promise.resolve({ accel: 'tcg', reason: missing, ms: 0 });
    else if (!kernel)
      result = Promise.resolve({
        accel: 'tcg',
        reason:
          'kvm probe: no guest kernel to boot (test guest not built: run npm run guest), so KVM is unproven',
        ms: 0,
      });
    else result = probeOrReuse(qemu, device, kernel, options, env);
    cache.set(key, result);
  }
  return result;
}

/** Forgets cached verdicts (for tests). */
export function clearKvmProbeCache(): void {
  cache.clear();
}

/** The verdict another process proved this boot on the same files, else a fresh probe (then kept). */
function probeOrReuse(
  qemu: string,
  device: string,
  kernel: ProbeKernel,
  options: KvmProbeOptions,
  env: NodeJS.ProcessEnv,
): Promise<KvmProbeResult> {
  const file = options.cacheFile === undefined ? defaultVerdictFile(env) : options.cacheFile;
  const key = { qemu, device, kernel: kernel.kernel };
  const cached = file ? readVerdict(file, key) : null;
  if (cached) return Promise.resolve(cached);
  return probeAccelerator(qemu, 'kvm', options.timeoutMs ?? PROBE_TIMEOUT_MS, kernel, env).then((verdict) => {
    // A QEMU that could not even be started proves nothing about KVM: not kept.
    if (file && !verdict.reason.includes('could not start QEMU')) writeVerdict(file, key, verdict);
    return verdict;
  });
}

function defaultKernel(env: NodeJS.ProcessEnv): ProbeKernel | null {
  const g = guestPaths(env);
  return g.built ? { kernel: g.kernel, initrd: g.initrd } : null;
}

function deviceProblem(device: string): string | null {
  try {
    fs.accessSync(device, fs.constants.R_OK | fs.constants.W_OK);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${device} missing` : `${device} not usable (${code ?? String(e)})`;
  }
}

/**
 * Boots `kernel` under `accel` with the VMs' platform arguments: resolves `accel` when the
 * kernel prints its banner on the serial port, `tcg` with the reason when QEMU exits or
 * stays silent for `timeoutMs`. Uncached; the QEMU it starts has exited when it resolves.
 */
export function probeAccelerator(
  qemu: string,
  accel: Accel,
  timeoutMs: number,
  kernel: ProbeKernel,
  env: NodeJS.ProcessEnv = process.env,
): Promise<KvmProbeResult> {
  const started = Date.now();
  const args = [
    ...platformArgs(accel),
    '-m',
    '128',
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-monitor',
    'none',
    '-serial',
    'stdio',
    '-no-reboot',
    '-kernel',
    kernel.kernel,
    ...(kernel.initrd ? ['-initrd', kernel.initrd] : []),
    '-append',
    PROBE_APPEND,
  ];
  return new Promise((resolve) => {
    const child = spawn(qemu, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let serial = '';
    let stderr = '';
    let verdict: KvmProbeResult | undefined;
    const exited = new Promise<void>((r) => child.once('close', () => r()));
    const finish = (result: Accel, reason: string): void => {
      if (verdict) return;
      verdict = { accel: result, reason, ms: Date.now() - started };
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      // Resolve only once the process is gone, so no caller ever sees a probe QEMU alive.
      void exited.then(() => resolve(verdict as KvmProbeResult));
    };
    const said = (): string => {
      const lines = stderr.split('\n').map((l) => l.replace(/^[^:]*qemu[^:]*: /, '').trim());
      return (lines.find((l) => /error|failed|assert/i.test(l)) ?? lines.filter(Boolean).at(-1) ?? '').slice(
        0,
        200,
      );
    };
    const timer = setTimeout(() => {
      const extra = said();
      finish(
        'tcg',
        `${accel} probe: no kernel output within ${timeoutMs} ms${extra ? ` (QEMU said: ${extra})` : ''}`,
      );
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      serial = (serial + chunk.toString('latin1')).slice(-4096);
      if (serial.includes(KERNEL_BANNER))
        finish(
          accel,
          `${accel} probe: the kernel printed "${KERNEL_BANNER}" after ${Date.now() - started} ms`,
        );
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4096);
    });
    child.on('error', (e) => {
      verdict ??= { accel: 'tcg', reason: `${accel} probe could not start QEMU: ${e.message}`, ms: 0 };
      clearTimeout(timer);
      resolve(verdict);
    });
    child.on('exit', (code, signal) => {
      const how = signal ? `signal ${signal}` : `code ${code}`;
      finish('tcg', `${accel}: QEMU exited (${how}): ${said() || 'no message'}`);
    });
  });
}
