/*
 * Decides between KVM and TCG by proof, not by the presence of /dev/kvm (which can exist
 * while KVM aborts or hangs): a throwaway QEMU must run SeaBIOS far enough to print its
 * banner under KVM within a short timeout. The verdict is cached per QEMU binary. It never
 * leaves the probe process running.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** The accelerator a VM will use. */
export type Accel = 'kvm' | 'tcg';

/** Outcome of the probe: the accelerator, why, and how long the probe took. */
export interface KvmProbeResult {
  accel: Accel;
  reason: string;
  ms: number;
}

const cache = new Map<string, Promise<KvmProbeResult>>();

/**
 * Probes KVM once per `qemu` binary (cached for the process). `VMSIG_ACCEL=kvm|tcg` skips the
 * probe. Never rejects: any failure means TCG, with the reason.
 */
export function probeKvm(
  qemu: string,
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<KvmProbeResult> {
  const forced = (options.env ?? process.env).VMSIG_ACCEL;
  if (forced === 'kvm' || forced === 'tcg')
    return Promise.resolve({ accel: forced, reason: `VMSIG_ACCEL=${forced}`, ms: 0 });
  let result = cache.get(qemu);
  if (!result) {
    result = hasKvmDevice()
      ? probeAccelerator(qemu, 'kvm', options.timeoutMs ?? 3000)
      : Promise.resolve(noDevice());
    cache.set(qemu, result);
  }
  return result;
}

/** Forgets cached verdicts (for tests). */
export function clearKvmProbeCache(): void {
  cache.clear();
}

function hasKvmDevice(): boolean {
  try {
    fs.accessSync('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function noDevice(): KvmProbeResult {
  return { accel: 'tcg', reason: '/dev/kvm is missing or not accessible', ms: 0 };
}

/**
 * Runs SeaBIOS under `accel` until it prints its banner: resolves `accel` when it does,
 * `tcg` with the reason when QEMU exits or stays silent for `timeoutMs`. Uncached.
 */
export function probeAccelerator(qemu: string, accel: Accel, timeoutMs: number): Promise<KvmProbeResult> {
  const started = Date.now();
  const done = (verdict: Accel, reason: string): KvmProbeResult => ({
    accel: verdict,
    reason,
    ms: Date.now() - started,
  });
  return new Promise((resolve) => {
    // SeaBIOS writes its banner to the debug console port 0x402 as its first act, so the
    // banner on stdout proves a vCPU really ran guest code under KVM.
    const child = spawn(
      qemu,
      [
        '-accel',
        accel,
        '-machine',
        'pc',
        '-m',
        '16',
        '-nodefaults',
        '-no-user-config',
        '-display',
        'none',
        '-chardev',
        'stdio,id=dbg',
        '-device',
        'isa-debugcon,iobase=0x402,chardev=dbg',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let settled = false;
    const finish = (accel: Accel, reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(done(accel, reason));
    };
    const timer = setTimeout(
      () => finish('tcg', `${accel} probe produced no BIOS output within ${timeoutMs} ms`),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.includes('SeaBIOS')) finish(accel, `${accel} probe ran SeaBIOS`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', (e) => finish('tcg', `${accel} probe could not start QEMU: ${e.message}`));
    child.on('exit', (code, signal) => {
      const firstLine = output.trim().split('\n').at(-1) ?? '';
      finish('tcg', `${accel} probe: QEMU exited (${signal ?? code}): ${firstLine.slice(0, 160)}`);
    });
  });
}
