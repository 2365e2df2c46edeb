// The host on a machine where KVM cannot be proven (a stalling KVM, or no /dev/kvm): it logs
// the accelerator verdict once at start, runs the VM under TCG, and its HostVm records carry
// the accelerator, the reason and the boot status (silent with seconds, then progressed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostService } from '../../src/main/host/host-service';
import { ensureGuest } from '../helpers/guest';
import { control, managedVm, parseHostConfig } from '../helpers/host-config';
import { until } from '../helpers/until';

const guest = ensureGuest();
const stallingQemu = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../helpers/qemu-stand-ins/qemu-kvm-stalls',
);

describe.skipIf(!guest.ok)('the host’s accelerator verdict and boot status', () => {
  let dir: string;
  let host: HostService;
  const logged: string[] = [];
  let savedAccel: string | undefined;
  let startMs = 0;

  beforeAll(async () => {
    // As on a fresh machine: the probe decides, not a VMSIG_ACCEL left in the environment.
    savedAccel = process.env.VMSIG_ACCEL;
    delete process.env.VMSIG_ACCEL;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-kvmhost-'));
    const config = parseHostConfig(dir, {
      vms: [managedVm(1, 'demo')],
      // leasePrio 0: the parser's default, as when the file leaves it out.
      controls: [control('op', 1, 'kvm-host-op', ['OBSERVE'], { leasePrio: 0, console: true })],
    });
    const started = Date.now();
    host = await HostService.start({
      config,
      log: (level, msg) => logged.push(`${level}: ${msg}`),
      runtimeDir: path.join(dir, 'vms'),
      qemu: stallingQemu,
    });
    startMs = Date.now() - started;
  }, 60_000);

  afterAll(async () => {
    await host?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    if (savedAccel !== undefined) process.env.VMSIG_ACCEL = savedAccel;
  });

  it('logs the verdict once at start: TCG, saying why', () => {
    const verdicts = logged.filter((l) => l.includes('accelerator:'));
    console.info(`[kvm-host] host up in ${startMs} ms; ${verdicts.join(' | ')}`);
    expect(verdicts).toHaveLength(1);
    // A stalling KVM: the probe's budget ran out; no /dev/kvm at all: it says so.
    expect(verdicts[0]).toMatch(
      /^info: accelerator: tcg \((kvm probe: no kernel output within 5000 ms|\S+ missing|\S+ not usable)/,
    );
  });

  it('its HostVm carries the accelerator, the reason, and silence until the guest shows life', async () => {
    const vm = host.vms()[0]!;
    expect(vm.state).toBe('running');
    expect(vm.accel).toBe('tcg');
    expect(vm.accelReason).toMatch(/kvm probe: no kernel output within 5000 ms|\S+ missing|\S+ not usable/);
    expect(vm.bootStatus).toBe('silent');
    expect(vm.silentForS).toBeGreaterThanOrEqual(0);
    await until(() => host.vms()[0]!.bootStatus === 'progressed', 90_000, 'guest progress');
    const booted = host.vms()[0]!;
    expect(booted.silentForS).toBeNull();
    expect(booted.accel).toBe('tcg');
    expect(fs.readFileSync(booted.serialPath!, 'utf8')).not.toBe('');
  }, 120_000);
});
