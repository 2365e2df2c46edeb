// The KVM probe against stand-in QEMUs (shell scripts under test/helpers/qemu-stand-ins) and
// injected device paths: each kind of machine gets its verdict and reason, and no probe
// process outlives the verdict.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { clearKvmProbeCache, probeKvm, type ProbeKernel } from './kvm-probe';
import { platformArgs } from './qemu-args';
import { alive } from '../../../../test/helpers/process';

const standIns = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../test/helpers/qemu-stand-ins',
);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-probe-'));
// A readable, writable file stands in for a present /dev/kvm.
const device = path.join(tmp, 'kvm');
fs.writeFileSync(device, '');
const kernel: ProbeKernel = { kernel: path.join(tmp, 'vmlinuz'), initrd: path.join(tmp, 'initrd') };
const argsFile = path.join(tmp, 'args');
const cacheFile = path.join(tmp, 'kvm-verdict.json');
// The machine's own VMSIG_ACCEL (set while KVM was unproven) must not decide these tests.
const env: NodeJS.ProcessEnv = { ...process.env, VMSIG_ACCEL: undefined, VMSIG_STAND_IN_ARGS: argsFile };

/** PIDs of the stand-ins' guests, read from /proc (the stand-ins exec into `sleep 300`). */
function sleepers(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/cmdline`, 'utf8') === 'sleep\x00300\x00';
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('probeKvm', () => {
  beforeEach(() => {
    clearKvmProbeCache();
    fs.rmSync(argsFile, { force: true });
    fs.rmSync(cacheFile, { force: true });
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a QEMU that hangs without kernel output means TCG, with the budget and its warning as reason', async () => {
    const before = sleepers();
    const r = await probeKvm(path.join(standIns, 'qemu-hang'), {
      device,
      kernel,
      env,
      cacheFile,
      timeoutMs: 400,
    });
    expect(r.accel).toBe('tcg');
    expect(r.reason).toMatch(/^kvm probe: no kernel output within 400 ms/);
    expect(r.reason).toContain('CPUID.01H:ECX.pni');
    expect(r.ms).toBeGreaterThanOrEqual(390);
    expect(sleepers().filter((p) => !before.includes(p) && alive(p))).toEqual([]);
  });

  it('a QEMU that aborts means TCG, quoting QEMU', async () => {
    const r = await probeKvm(path.join(standIns, 'qemu-abort-msr'), {
      device,
      kernel,
      env,
      cacheFile,
      timeoutMs: 5000,
    });
    expect(r.accel).toBe('tcg');
    expect(r.reason).toBe('kvm: QEMU exited (signal SIGABRT): error: failed to set MSR 0x10a to 0x0');
    expect(r.ms).toBeLessThan(5000);
  });

  it('an absent device means TCG without starting QEMU', async () => {
    const r = await probeKvm(path.join(standIns, 'qemu-kernel-ok'), {
      device: path.join(tmp, 'no-such-kvm'),
      kernel,
      env,
    });
    expect(r).toEqual({ accel: 'tcg', reason: `${path.join(tmp, 'no-such-kvm')} missing`, ms: 0 });
    expect(fs.existsSync(argsFile)).toBe(false);
  });

  it('kernel output on the serial port proves KVM; the probe used the VMs’ -accel/-machine/-cpu and is reaped', async () => {
    const before = sleepers();
    const qemu = path.join(standIns, 'qemu-kernel-ok');
    const r = await probeKvm(qemu, { device, kernel, env, cacheFile, timeoutMs: 5000 });
    expect(r.accel).toBe('kvm');
    expect(r.reason).toMatch(/kernel printed "Linux version"/);
    const args = fs.readFileSync(argsFile, 'utf8').trim().split('\n');
    const platform = platformArgs('kvm');
    const at = args.indexOf('-accel');
    expect(args.slice(at, at + platform.length)).toEqual(platform);
    expect(args).toContain(kernel.kernel);
    expect(args[args.indexOf('-append') + 1]).not.toMatch(/\bquiet\b/);
    expect(sleepers().filter((p) => !before.includes(p) && alive(p))).toEqual([]);
    // Cached: the same promise's value, no second QEMU.
    fs.rmSync(argsFile);
    expect(await probeKvm(qemu, { device, kernel, env, cacheFile })).toBe(r);
    expect(fs.existsSync(argsFile)).toBe(false);
  });

  it('another process reuses the verdict kept on disk for the same QEMU, device and kernel, and only those', async () => {
    fs.writeFileSync(kernel.kernel, 'kernel v1');
    const hang = path.join(standIns, 'qemu-hang');
    const first = await probeKvm(hang, { device, kernel, env, cacheFile, timeoutMs: 300 });
    expect(first.accel).toBe('tcg');
    clearKvmProbeCache(); // as a new process would start
    const reused = await probeKvm(hang, { device, kernel, env, cacheFile, timeoutMs: 300 });
    expect(reused).toEqual({ accel: 'tcg', reason: `${first.reason} (verdict cached this boot)`, ms: 0 });
    expect(fs.statSync(cacheFile).mode & 0o777).toBe(0o600);
    // A rebuilt kernel (or another binary or device) is probed again: the stand-in now proves KVM.
    clearKvmProbeCache();
    fs.writeFileSync(kernel.kernel, 'kernel v2, rebuilt');
    const ok = path.join(standIns, 'qemu-kernel-ok');
    expect((await probeKvm(ok, { device, kernel, env, cacheFile })).accel).toBe('kvm');
    clearKvmProbeCache();
    expect((await probeKvm(hang, { device, kernel, env, cacheFile, timeoutMs: 300 })).reason).not.toMatch(
      /cached/,
    );
    // Both binaries' verdicts are kept side by side.
    clearKvmProbeCache();
    expect((await probeKvm(ok, { device, kernel, env, cacheFile })).reason).toMatch(/cached this boot/);
  });

  it('a damaged cache file is ignored and replaced', async () => {
    fs.writeFileSync(cacheFile, '{"id": 1, "verdict": {"accel": "kvm"');
    const r = await probeKvm(path.join(standIns, 'qemu-abort-msr'), { device, kernel, env, cacheFile });
    expect(r.accel).toBe('tcg');
    clearKvmProbeCache();
    const again = await probeKvm(path.join(standIns, 'qemu-abort-msr'), { device, kernel, env, cacheFile });
    expect(again.reason).toBe(`${r.reason} (verdict cached this boot)`);
  });

  it('VMSIG_KVM_DEVICE names the device, so a whole test run can play a machine without KVM', async () => {
    const gone = path.join(tmp, 'kvm-gone');
    const r = await probeKvm(path.join(standIns, 'qemu-kernel-ok'), {
      kernel,
      env: { ...env, VMSIG_KVM_DEVICE: gone },
      cacheFile,
    });
    expect(r).toEqual({ accel: 'tcg', reason: `${gone} missing`, ms: 0 });
  });

  it('without a guest kernel nothing can be proven: TCG, saying so', async () => {
    const r = await probeKvm(path.join(standIns, 'qemu-kernel-ok'), { device, kernel: null, env, cacheFile });
    expect(r.accel).toBe('tcg');
    expect(r.reason).toMatch(/no guest kernel to boot/);
  });

  it('a QEMU that cannot be started means TCG with the reason', async () => {
    const r = await probeKvm(path.join(tmp, 'no-such-qemu'), { device, kernel, env, cacheFile });
    expect(r.accel).toBe('tcg');
    expect(r.reason).toMatch(/could not start QEMU: .*ENOENT/);
  });

  it('VMSIG_ACCEL overrides the probe both ways', async () => {
    const hang = path.join(standIns, 'qemu-hang');
    expect(await probeKvm(hang, { device, kernel, env: { VMSIG_ACCEL: 'kvm' } })).toEqual({
      accel: 'kvm',
      reason: 'VMSIG_ACCEL=kvm',
      ms: 0,
    });
    const ok = path.join(standIns, 'qemu-kernel-ok');
    expect((await probeKvm(ok, { device, kernel, env: { VMSIG_ACCEL: 'tcg' } })).accel).toBe('tcg');
  });
});
