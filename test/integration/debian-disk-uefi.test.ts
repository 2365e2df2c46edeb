// The Debian 12 image as a managed VM under UEFI: OVMF on q35 hands over to the image's own
// GRUB for UEFI, which boots the kernel to the login prompt on ttyS0; stopping the VM leaves
// no runtime file. Its own file so that a second vitest worker boots it beside the BIOS one.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensureDebianImage } from '../helpers/debian';
import { bootDebian } from '../helpers/debian-harness';

const image = ensureDebianImage();

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
