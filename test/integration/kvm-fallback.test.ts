// A managed VM whose KVM leaves the guest silent is restarted once under TCG and really
// boots, with its adapters working after the restart; the boot watchdog reports silence
// with the seconds, never flags the booted idle guest, and counts again after a RESET.
// Real QEMU and the real test guest; the stalling KVM is a wrapper around the real QEMU
// (test/helpers/qemu-stand-ins/qemu-kvm-stalls) so this holds on any machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Source } from '../../src/shared/model';
import type { Core } from '../../src/main/core';
import type { Log } from '../../src/main/core/ports';
import type { ManagedVmConfig } from '../../src/main/host/config/config-types';
import { findQemu } from '../../src/main/host/launcher';
import { VmRunner } from '../../src/main/host/vm-runner';
import { realCore } from '../helpers/adapters-harness';
import { ensureGuest, GUEST_READY } from '../helpers/guest';
import { until } from '../helpers/until';
import { alive } from '../helpers/process';

const guest = ensureGuest();
const stallingQemu = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../helpers/qemu-stand-ins/qemu-kvm-stalls',
);

function kvmUsable(): boolean {
  try {
    fs.accessSync(process.env.VMSIG_KVM_DEVICE ?? '/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

// Without `quiet`, so the guest's kernel shows life on serial soon after every start and RESET.
const vmConfig: ManagedVmConfig = {
  kind: 'managed',
  id: 3,
  name: 'kvm-fallback',
  managed: { memoryMiB: 128, append: 'console=ttyS0 panic=-1' },
};

describe.skipIf(!guest.ok)('KVM fallback and boot watchdog (real QEMU)', () => {
  let runner: VmRunner | undefined;
  let runtimeDir = '';
  let core: Core;
  const logged: string[] = [];
  const log: Log = (level, msg) => {
    logged.push(`${level}: ${msg}`);
    if (level !== 'debug') console.info(`[kvm-fallback] ${level}: ${msg}`);
  };

  function makeRunner(deps: { qemu?: string; bootBudgetMs: number }): VmRunner {
    runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-kvmfb-'));
    core = realCore();
    core.addEndpoint(vmConfig.id, vmConfig.name);
    runner = new VmRunner(vmConfig, { core, log, runtimeDir, accel: 'kvm', ...deps });
    return runner;
  }

  afterEach(async () => {
    const pid = runner?.qemu?.pid;
    await runner?.stop();
    if (pid !== undefined) expect(alive(pid)).toBe(false);
    // Nothing left: no socket, RAM, serial log or screendump.
    expect(fs.readdirSync(runtimeDir)).toEqual([]);
    fs.rmSync(runtimeDir, { recursive: true, force: true });
    runner = undefined;
    logged.length = 0;
  });

  it('restarts a guest KVM leaves silent under TCG once, which boots; silence shown until then, never after', async () => {
    const r = makeRunner({ qemu: stallingQemu, bootBudgetMs: 4000 });
    const started = Date.now();
    await r.start();
    expect(r.accel).toEqual({ accel: 'kvm', reason: 'forced by the caller' });
    const stalledPid = r.qemu?.pid as number;
    await new Promise((res) => setTimeout(res, 2200));
    expect(r.boot?.state).toBe('silent');
    expect(r.boot?.silentForS).toBeGreaterThanOrEqual(2);

    await until(() => r.accel?.accel === 'tcg' && r.state === 'running', 20_000, 'the restart under TCG');
    const restartMs = Date.now() - started;
    expect(r.accel?.reason).toMatch(/^kvm: no guest output within \d+ s under KVM; restarted under TCG$/);
    expect(logged.some((l) => l.startsWith('warn:') && l.includes('restarted under TCG'))).toBe(true);
    expect(alive(stalledPid)).toBe(false);
    expect(r.state).toBe('running');
    const qemu = r.qemu;
    if (!qemu) throw new Error('no QEMU after the restart');
    expect(qemu.pid).not.toBe(stalledPid);

    await qemu.serial.waitFor(GUEST_READY, { timeoutMs: 60_000, abort: qemu.exited });
    const bootMs = Date.now() - started;
    console.info(`[kvm-fallback] restarted under TCG after ${restartMs} ms; guest ready after ${bootMs} ms`);
    expect(r.boot).toEqual({ state: 'progressed', silentForS: null });

    // The adapters were re-attached to the new QEMU: QMP answers, the VMHOST seam is up.
    const status = await r.qmpClient?.execute<{ running: boolean }>('query-status');
    expect(status?.running).toBe(true);
    await until(() => core.seamUp(vmConfig.id, Source.VMHOST), 5000, 'VMHOST seam up');

    // Booted and idle at its shell past the budget: never flagged, never restarted again.
    await new Promise((res) => setTimeout(res, 5000));
    expect(r.boot).toEqual({ state: 'progressed', silentForS: null });
    expect(r.qemu?.pid).toBe(qemu.pid);

    // A RESET makes it silent again until the guest writes once more; under TCG it is not restarted.
    const since = qemu.serial.size();
    await r.qmpClient?.execute('system_reset');
    await until(() => r.boot?.state === 'silent', 5000, 'silent after RESET');
    const resetAt = Date.now();
    await until(() => r.boot?.state === 'progressed', 60_000, 'progress after RESET');
    console.info(`[kvm-fallback] after RESET: progress in ${Date.now() - resetAt} ms`);
    // The progress was the rebooted kernel's own log (its first bytes may be all that arrived yet).
    await qemu.serial.waitFor('Linux version', { timeoutMs: 30_000, since, abort: qemu.exited });
    expect(r.qemu?.pid).toBe(qemu.pid);
    expect(r.accel?.accel).toBe('tcg');
  }, 150_000);

  it('a restart under TCG that fails leaves the VM failed with QEMU’s reason and no QEMU running', async () => {
    process.env.VMSIG_STAND_IN_TCG_FAILS = '1';
    try {
      const r = makeRunner({ qemu: stallingQemu, bootBudgetMs: 2000 });
      await r.start();
      const stalledPid = r.qemu?.pid as number;
      await until(() => r.state === 'failed', 20_000, 'the failed restart');
      expect(r.error).toMatch(/TCG refused for this test/);
      expect(r.qemu).toBeNull();
      expect(r.accel).toBeNull();
      expect(r.boot).toBeNull();
      expect(alive(stalledPid)).toBe(false);
      expect(logged.some((l) => l.startsWith('error:') && l.includes('restart under TCG failed'))).toBe(true);
    } finally {
      delete process.env.VMSIG_STAND_IN_TCG_FAILS;
    }
  }, 60_000);

  it.skipIf(!kvmUsable())(
    'on this machine’s own /dev/kvm, a VM forced to KVM either boots under it or is restarted under TCG and boots',
    async () => {
      const r = makeRunner({ qemu: findQemu(), bootBudgetMs: 8000 });
      const started = Date.now();
      await r.start();
      await until(
        () => r.qemu !== null && r.qemu.serial.text().includes(GUEST_READY),
        90_000,
        'the guest ready marker',
      );
      const accel = r.accel;
      console.info(
        `[kvm-fallback] real KVM: ready after ${Date.now() - started} ms under ${accel?.accel} (${accel?.reason})`,
      );
      if (accel?.accel === 'tcg') expect(accel.reason).toMatch(/no guest output within \d+ s under KVM/);
      else expect(accel?.reason).toBe('forced by the caller');
      expect(r.boot?.state).toBe('progressed');
    },
    150_000,
  );
});
