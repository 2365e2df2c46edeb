// The launcher against real QEMU and the real test guest: boot to the ready marker, the
// shared RAM file, the VNC websocket, stop() leaving nothing behind, restart, KVM probe.
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findQemu, guestPaths, launchVm, probeAccelerator, probeKvm } from '../../src/main/host/launcher';
import { QmpClient } from '../../src/main/adapters/qmp';
import { readDisplayMode } from '../../src/main/host/launcher/display-mode';
import { listeningTcpPorts } from '../helpers/proc-net';
import { bootTestVm, ensureGuest, leftovers, type TestVm } from '../helpers/guest';
import { alive } from '../helpers/process';

const guest = ensureGuest();

describe.skipIf(!guest.ok)('VM launcher (real QEMU)', () => {
  let vm: TestVm;

  beforeAll(async () => {
    vm = await bootTestVm({ spec: { id: 7, name: 'launcher-test', memoryMiB: 128 } });
    console.info(
      `[launcher] accel=${vm.handle.accel} (${vm.handle.probe.reason}, probe ${vm.handle.probe.ms} ms); boot to marker ${vm.bootMs} ms`,
    );
  });

  afterAll(async () => {
    await vm?.stop();
  });

  it('boots the guest to the ready marker on the serial port', () => {
    expect(vm.handle.serial.text()).toContain('VMSIG-GUEST-READY');
    expect(alive(vm.handle.pid)).toBe(true);
  });

  it('decides KVM only by a kernel that booted under it, else TCG with a reason; cached', async () => {
    // Without VMSIG_ACCEL, as on a fresh machine: here /dev/kvm may be missing, present and
    // failing (TCG expected, with why), or working (KVM, proven by the kernel's banner).
    const env = { ...process.env, VMSIG_ACCEL: undefined };
    const probe = await probeKvm(findQemu(), { env });
    console.info(`[launcher] probe verdict: ${probe.accel} (${probe.reason}, ${probe.ms} ms)`);
    if (probe.accel === 'kvm') expect(probe.reason).toMatch(/kernel printed "Linux version"/);
    else expect(probe.reason).toMatch(/\S/);
    expect(probe).toBe(await probeKvm(findQemu(), { env }));
    // The VM booted to its ready marker under the launcher's verdict (beforeAll).
    expect(vm.handle.accel).toBe((await probeKvm(findQemu())).accel);
  });

  it('the probe recognises an accelerator that boots the kernel (checked with tcg)', async () => {
    const g = guestPaths();
    const ok = await probeAccelerator(findQemu(), 'tcg', 30_000, { kernel: g.kernel, initrd: g.initrd });
    expect(ok.accel).toBe('tcg');
    expect(ok.reason).toContain('kernel printed "Linux version"');
    console.info(`[launcher] tcg probe saw the kernel banner in ${ok.ms} ms`);
  });

  it('reads the display mode (the boot watchdog’s second signal) by screendump, leaving no file', async () => {
    const qmp = new QmpClient({ path: vm.handle.paths.qmp });
    await qmp.connect();
    try {
      const file = `${vm.runtimeDir}/screen.ppm`;
      // The test guest keeps SeaBIOS's VGA text mode (it only writes to ttyS0).
      expect(await readDisplayMode((c, a) => qmp.execute(c, a), file)).toEqual({ width: 720, height: 400 });
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      await qmp.disconnect();
    }
  });

  it('backs guest RAM with a shared file of exactly memoryMiB', () => {
    expect(fs.statSync(vm.handle.paths.ram).size).toBe(128 * 1024 * 1024);
    expect(fs.statSync(vm.handle.paths.qmp).isSocket()).toBe(true);
  });

  it('serves raw RFB on its private Unix socket and listens on no TCP port', async () => {
    const greeting = await new Promise<string>((resolve, reject) => {
      const s = net.createConnection({ path: vm.handle.paths.vnc });
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString('latin1'));
      });
      s.once('error', reject);
    });
    expect(greeting).toMatch(/^RFB 003\.00\d\n/);
    expect(listeningTcpPorts(vm.handle.pid)).toEqual([]);
  });

  it('refuses a second VM with the same id in the same runtime directory', async () => {
    await expect(launchVm(vm.handle.spec, { runtimeDir: vm.runtimeDir })).rejects.toMatchObject({
      kind: 'start-failed',
    });
    expect(fs.existsSync(vm.handle.paths.ram)).toBe(true);
  });

  it('restart() starts a new QEMU with the same files, and stop() leaves nothing behind', async () => {
    const oldPid = vm.handle.pid;
    const restarted = await vm.handle.restart();
    expect(alive(oldPid)).toBe(false);
    expect(restarted.pid).not.toBe(oldPid);
    expect(fs.existsSync(restarted.paths.qmp)).toBe(true);
    const exit = await restarted.stop();
    expect(exit.signal ?? exit.code).toBeDefined();
    expect(alive(restarted.pid)).toBe(false);
    expect(leftovers(vm.runtimeDir)).toEqual([]);
  });

  it('explains an invalid spec', async () => {
    await expect(
      launchVm({ id: 0, name: 'x', memoryMiB: 128 }, { runtimeDir: vm.runtimeDir }),
    ).rejects.toThrow(/id: must be an integer 1\.\.63/);
  });
});
