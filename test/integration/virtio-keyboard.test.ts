// The managed VM's virtio keyboard against the real test guest: QEMU reports its driver up,
// the INPUT adapter then paces keys by the free buffers of its ring, and a 5 000-character paste (in
// 100-character lines: a canonical tty keeps at most 4 095 of one line) comes back on ttyS0
// with no character lost or changed. Speed is reported, not asserted (see bench/qemu.bench.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cap, Kind, LeaseClass } from '../../src/shared/model';
import type { Core } from '../../src/main/core';
import { attachVm, type VmAttachment } from '../../src/main/adapters/attach-vm';
import { KeyboardDevice, KEY_BUFFERS, DEFAULT_KEY_GAP_MS } from '../../src/main/adapters/input';
import { bootTestVm, ensureGuest, type TestVm } from '../helpers/guest';
import { pasteIntoGuest, pasteLines } from '../helpers/guest-paste';
import { TestControl, realCore, testLog } from '../helpers/adapters-harness';

const guest = ensureGuest();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!guest.ok)('virtio keyboard on the test guest', () => {
  let core: Core;
  let vm: TestVm;
  let att: VmAttachment;
  let operator: TestControl;

  beforeAll(async () => {
    vm = await bootTestVm({ spec: { id: 1, name: 'kbd' } });
    core = realCore();
    operator = new TestControl(core, { name: 'operator', caps: Cap.INPUT | Cap.OBSERVE, principal: 1 });
    att = await attachVm(core, { endpoint: 1, name: 'kbd', qmpPath: vm.handle.paths.qmp, log: testLog });
  }, 120_000);

  afterAll(async () => {
    await att?.detach();
    await vm?.stop();
  });

  it('QEMU reports the guest driving the virtio keyboard, so keys are paced by its ring, not the PS/2 gap', async () => {
    const kbd = new KeyboardDevice(att.qmp);
    let up = false;
    for (let i = 0; i < 50 && !up; i++) if (!(up = await kbd.check())) await sleep(200);
    expect(up).toBe(true);
    // Keys are then paced by the ring's free buffers, not by PS/2's fixed gap.
    expect(await kbd.room(DEFAULT_KEY_GAP_MS, KEY_BUFFERS)).toBe(0);
  });

  it('a 5 000-character paste in 50 lines arrives on ttyS0 with zero lost keys', async () => {
    expect(await operator.acquire(1, LeaseClass.INPUT)).toBe(Kind.LEASE_GRANTED);
    const lines = pasteLines(50, 100);
    const r = await pasteIntoGuest(vm, operator, 1, lines);
    console.info(
      `[virtio-keyboard] ${r.chars} characters, ${r.keyEvents} key events at ${r.keysPerS.toFixed(0)} keys/s (${vm.handle.accel}); lost ${r.lost}, bad lines ${r.badLines} ${JSON.stringify(r.samples)}`,
    );
    expect(r.errors).toEqual([]);
    expect(r.chars).toBeGreaterThanOrEqual(5000);
    expect(r.badLines).toBe(0);
    expect(r.lost).toBe(0);
  }, 300_000);
});
