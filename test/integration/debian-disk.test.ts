// A real operating system as a managed VM: the Debian 12 image boots from its own disk
// through its own GRUB (BIOS, then UEFI under OVMF), an operator logs in on tty1 by typing
// through the core's INPUT lease, a command's output arrives on the serial port, and an
// ACPI power-off through the core ends in SHUTDOWN. One booted VM is shared per firmware.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cap } from '../../src/shared/model';
import { attachVm, type VmAttachment } from '../../src/main/adapters/attach-vm';
import { launchVm, type ManagedVmSpec, type VmHandle } from '../../src/main/host/launcher';
import { DEBIAN_LOGIN_PROMPT, debianImage, ensureDebianImage } from '../helpers/debian';
import { TestControl, realCore, testLog } from '../helpers/adapters-harness';
import { type SerialView, expectDiskBoot, loginByTyping, powerOffByAcpi } from '../helpers/debian-harness';

const image = ensureDebianImage();
const BOOT_TIMEOUT_MS = 240_000;

/** Boots `spec` in its own runtime directory and waits for the login prompt on ttyS0. */
async function bootDebian(
  spec: Partial<ManagedVmSpec>,
): Promise<{ vm: VmHandle; dir: string; bootMs: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-debian-'));
  const t0 = Date.now();
  const vm = await launchVm(
    { id: 1, name: 'debian', memoryMiB: 512, disks: [{ path: debianImage().disk }], ...spec },
    { runtimeDir: dir, log: testLog },
  );
  try {
    await vm.serial.waitFor(DEBIAN_LOGIN_PROMPT, {
      prompt: true,
      timeoutMs: BOOT_TIMEOUT_MS,
      abort: vm.exited,
    });
  } catch (e) {
    await vm.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { vm, dir, bootMs: Date.now() - t0 };
}

/** The managed VM's serial log. */
const serialOf = (vm: VmHandle): SerialView => ({
  size: () => vm.serial.size(),
  text: (since) => vm.serial.text(since),
  sawLine: (line, since, timeoutMs) =>
    vm.serial.waitFor(line, { since, timeoutMs, abort: vm.exited }).then(
      () => true,
      () => false,
    ),
});

describe.skipIf(!image.ok)('Debian 12 from its disk, BIOS (real QEMU)', { timeout: 300_000 }, () => {
  let vm: VmHandle;
  let dir: string;
  let attachment: VmAttachment;
  let operator: TestControl;

  beforeAll(async () => {
    let bootMs: number;
    ({ vm, dir, bootMs } = await bootDebian({}));
    console.info(`[debian] BIOS disk boot to the ttyS0 login prompt in ${bootMs} ms (${vm.accel})`);
    const core = realCore();
    operator = new TestControl(core, {
      name: 'operator',
      caps: Cap.OBSERVE | Cap.INPUT | Cap.LIFECYCLE | Cap.POWER,
      leasePrio: 10,
    }).subscribeAll();
    attachment = await attachVm(core, { endpoint: 1, name: 'debian', qmpPath: vm.paths.qmp, log: testLog });
  }, 300_000);

  afterAll(async () => {
    await attachment?.detach();
    await vm?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('booted through its own GRUB from the disk, not through -kernel', () => {
    expectDiskBoot(vm.serial.text());
  });

  it('logs in on tty1 by typing through the INPUT lease and runs a command whose output appears on ttyS0', async () => {
    const ms = await loginByTyping(operator, 1, serialOf(vm));
    console.info(`[debian] logged in on tty1 and saw the command's output on ttyS0 in ${ms} ms`);
  });

  it('powers off through ACPI (system_powerdown) and QEMU reports SHUTDOWN', async () => {
    const ms = await powerOffByAcpi(operator, 1, serialOf(vm));
    console.info(`[debian] ACPI power-off to SHUTDOWN in ${ms} ms`);
  });
});

describe.skipIf(!image.ok)('Debian 12 from its disk, UEFI under OVMF on q35 (real QEMU)', () => {
  it('boots through OVMF and GRUB for UEFI to the login prompt, leaving no runtime file', async () => {
    const { vm, dir, bootMs } = await bootDebian({ firmware: 'uefi', machine: 'q35', vcpus: 1 });
    try {
      console.info(
        `[debian] UEFI (OVMF, q35) disk boot to the ttyS0 login prompt in ${bootMs} ms (${vm.accel})`,
      );
      // The kernel names the firmware that handed over to it.
      expect(vm.serial.text()).toMatch(/efi: EFI v[\d.]+ by EDK II/);
    } finally {
      await vm.stop();
    }
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 300_000);
});
