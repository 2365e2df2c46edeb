// An ISO as a managed VM's CD-ROM: the firmware boots it, GRUB's menu waits, and keys typed
// through the core's INPUT lease move to the second entry and choose it; the entry's own
// marker on ttyS0, then the kernel it boots, show the choice was made by keyboard.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cap, InputKind, Kind, LeaseClass } from '../../src/shared/model';
import { attachVm, type VmAttachment } from '../../src/main/adapters/attach-vm';
import { launchVm, type VmHandle } from '../../src/main/host/launcher';
import { ISO_MENU, debianImage, ensureDebianImage, isoEntryMarker } from '../helpers/debian';
import { GUEST_READY } from '../helpers/guest';
import { TestControl, realCore, testLog } from '../helpers/adapters-harness';

const image = ensureDebianImage();
const KEY_DOWN = 108;
const KEY_ENTER = 28;

describe.skipIf(!image.ok)('an ISO on the CD-ROM, its menu moved through by keyboard (real QEMU)', () => {
  let vm: VmHandle;
  let dir: string;
  let attachment: VmAttachment;
  let operator: TestControl;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-iso-'));
    const t0 = Date.now();
    vm = await launchVm(
      { id: 1, name: 'iso', memoryMiB: 256, cdrom: debianImage().iso },
      { runtimeDir: dir, log: testLog },
    );
    await vm.serial.waitFor(ISO_MENU, { timeoutMs: 120_000, abort: vm.exited });
    // GRUB draws the entries after the script ran; keys sent before the menu reads them would be lost.
    await vm.serial.waitFor(/second entry/, { prompt: true, timeoutMs: 60_000, abort: vm.exited });
    console.info(`[iso] CD-ROM boot to GRUB's menu in ${Date.now() - t0} ms (${vm.accel})`);
    const core = realCore();
    operator = new TestControl(core, {
      name: 'operator',
      caps: Cap.OBSERVE | Cap.INPUT,
      leasePrio: 10,
    }).subscribeAll();
    attachment = await attachVm(core, { endpoint: 1, name: 'iso', qmpPath: vm.paths.qmp, log: testLog });
  }, 200_000);

  afterAll(async () => {
    await attachment?.detach();
    await vm?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('waits in the menu until a key is pressed (no entry chosen by itself)', async () => {
    await new Promise((r) => setTimeout(r, 2000));
    expect(vm.serial.text()).not.toContain('VMSIG-ISO-ENTRY-');
  });

  it('Down then Enter chooses the second entry, which boots its kernel', async () => {
    expect(await operator.acquire(1, LeaseClass.INPUT)).toBe(Kind.LEASE_GRANTED);
    const since = vm.serial.size();
    for (const code of [KEY_DOWN, KEY_ENTER]) {
      expect(await operator.input(1, InputKind.KEY, code, 1)).toMatchObject({ ok: 1 });
      expect(await operator.input(1, InputKind.KEY, code, 0)).toMatchObject({ ok: 1 });
      await new Promise((r) => setTimeout(r, 300));
    }
    const t0 = Date.now();
    await vm.serial.waitFor(isoEntryMarker(2), { since, timeoutMs: 30_000, abort: vm.exited });
    await vm.serial.waitFor(GUEST_READY, { since, timeoutMs: 120_000, abort: vm.exited });
    expect(vm.serial.text(since)).not.toContain(isoEntryMarker(1));
    console.info(`[iso] second entry chosen by keyboard, its kernel ready in ${Date.now() - t0} ms`);
  });
});
