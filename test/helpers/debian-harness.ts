/*
 * The flows the real-OS tests (the Debian disk as a managed VM under BIOS or UEFI, and as an
 * attached one) run through the core: the boot came from the disk's own GRUB, an operator
 * logs in on tty1 by typing under the INPUT lease, and an ACPI power-off ends in SHUTDOWN.
 * Each asserts what the guest shows on ttyS0; only how ttyS0 is read differs between tests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { Kind, LeaseClass, LifecycleOp, VmState, decodeVmState } from '../../src/shared/model';
import { launchVm, type ManagedVmSpec, type VmHandle } from '../../src/main/host/launcher';
import {
  DEBIAN_COMMAND_OUTPUT,
  DEBIAN_LOGIN_PROMPT,
  commandOutputLines,
  debianImage,
  loginOnTty1AndRun,
} from './debian';
import { type TestControl, testLog } from './adapters-harness';
/** The VM's ttyS0 as a test reads it: text from an offset, and whether a line showed up in time. */
export interface SerialView {
  size(): number;
  text(since?: number): string;
  sawLine(line: RegExp, since: number, timeoutMs: number): Promise<boolean>;
}

/** How long a managed Debian boot may take to its login prompt (TCG on a loaded machine). */
export const DEBIAN_BOOT_TIMEOUT_MS = 240_000;

/**
 * Launches the Debian disk as managed VM 1 (`spec` over 512 MiB and the disk) in a runtime
 * directory of its own and waits for the login prompt on ttyS0. On failure QEMU is stopped
 * and the directory removed before it throws; on success the caller stops and removes both.
 */
export async function bootDebian(
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
      timeoutMs: DEBIAN_BOOT_TIMEOUT_MS,
      abort: vm.exited,
    });
  } catch (e) {
    await vm.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { vm, dir, bootMs: Date.now() - t0 };
}

/** A managed VM's serial log as the flows below read it. */
export const managedSerial = (vm: VmHandle): SerialView => ({
  size: () => vm.serial.size(),
  text: (since) => vm.serial.text(since),
  sawLine: (line, since, timeoutMs) =>
    vm.serial.waitFor(line, { since, timeoutMs, abort: vm.exited }).then(
      () => true,
      () => false,
    ),
});

/** Asserts that ttyS0 shows a boot through the image's own GRUB from its disk, not through -kernel. */
export function expectDiskBoot(serialText: string): void {
  expect(serialText).toContain('Debian GNU/Linux 12 vmsig-debian ttyS0');
  expect(serialText).toMatch(/Command line: BOOT_IMAGE=\/boot\/vmlinuz-\S+ root=LABEL=vmsig-root/);
}

/**
 * Takes the INPUT lease of `endpoint`, logs in on tty1 by typing through the core and asserts
 * that the command's output reached ttyS0. Resolves with the milliseconds it took.
 */
export async function loginByTyping(
  operator: TestControl,
  endpoint: number,
  serial: SerialView,
): Promise<number> {
  expect(await operator.acquire(endpoint, LeaseClass.INPUT)).toBe(Kind.LEASE_GRANTED);
  const since = serial.size();
  const t0 = Date.now();
  const seen = await loginOnTty1AndRun(
    async (text) => expect(await operator.type(endpoint, text)).toEqual([0]),
    (timeoutMs) => serial.sawLine(/^root\r?$/m, since, timeoutMs),
  );
  expect(seen).toBe(true);
  expect(commandOutputLines(serial.text(since))).toEqual(DEBIAN_COMMAND_OUTPUT);
  return Date.now() - t0;
}

/**
 * Takes the POWER lease of `endpoint`, presses the ACPI power button through the core and
 * waits for the core's VM_LIFECYCLE SHUTDOWN; asserts the kernel said so on ttyS0.
 * Resolves with the milliseconds it took.
 */
export async function powerOffByAcpi(
  operator: TestControl,
  endpoint: number,
  serial: SerialView,
): Promise<number> {
  expect(await operator.acquire(endpoint, LeaseClass.POWER)).toBe(Kind.LEASE_GRANTED);
  const since = operator.events.length;
  const t0 = Date.now();
  expect(await operator.lifecycle(endpoint, LifecycleOp.POWERDOWN)).toMatchObject({ ok: 1 });
  await operator.next(Kind.VM_LIFECYCLE, endpoint, {
    since,
    timeoutMs: 180_000,
    where: (e) => decodeVmState(e.inln).state === VmState.SHUTDOWN,
  });
  expect(serial.text()).toMatch(/reboot: Power down/);
  return Date.now() - t0;
}
