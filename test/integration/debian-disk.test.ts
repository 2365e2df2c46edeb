// A real operating system as a managed VM: the Debian 12 image boots from its own disk
// through its own GRUB under BIOS, an operator logs in on tty1 by typing through the core's
// INPUT lease, a command's output arrives on the serial port, and an ACPI power-off through
// the core ends in SHUTDOWN. One booted VM for the file (UEFI: debian-disk-uefi.test.ts).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Cap } from '../../src/shared/model';
import { attachVm, type VmAttachment } from '../../src/main/adapters/attach-vm';
import type { VmHandle } from '../../src/main/host/launcher';
import { ensureDebianImage } from '../helpers/debian';
import { TestControl, realCore, testLog } from '../helpers/adapters-harness';
import {
  bootDebian,
  expectDiskBoot,
  loginByTyping,
  managedSerial,
  powerOffByAcpi,
} from '../helpers/debian-harness';

const image = ensureDebianImage();

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
    const ms = await loginByTyping(operator, 1, managedSerial(vm));
    console.info(`[debian] logged in on tty1 and saw the command's output on ttyS0 in ${ms} ms`);
  });

  it('powers off through ACPI (system_powerdown) and QEMU reports SHUTDOWN', async () => {
    const ms = await powerOffByAcpi(operator, 1, managedSerial(vm));
    console.info(`[debian] ACPI power-off to SHUTDOWN in ${ms} ms`);
  });
});
