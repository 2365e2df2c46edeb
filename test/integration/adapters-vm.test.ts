// The VMHOST, INPUT and MEMCTX adapters against real QEMU and the real test guest, driven
// through the core as a control would: what the guest shows (serial port, its memory as the
// monitor reads it) is the evidence. Two VMs are shared by the whole file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Cap,
  ErrorCode,
  InputKind,
  InvalidateReason,
  Kind,
  LeaseClass,
  LifecycleOp,
  MemWriteFlag,
  SeamReason,
  Source,
  VmOp,
  VmState,
  decodeMemCtx,
  decodeMemCtxInvalidated,
  decodeMemCtxPayload,
  decodeSeam,
  decodeVmState,
  encodeMemWrite,
  utf8Decode,
  type VmsigEvent,
} from '../../src/shared/model';
import type { Core } from '../../src/main/core';
import { attachVm, type VmAttachment } from '../../src/main/adapters/attach-vm';
import { EVDEV_TO_QCODE } from '../../src/main/adapters/input';
import { RamFile, isFault, walk } from '../../src/main/adapters/memctx';
import { DEFAULT_APPEND, type VmHandle } from '../../src/main/host/launcher';
import { GUEST_PTR, bootTestVm, ensureGuest, type TestVm } from '../helpers/guest';
import {
  TestControl,
  hmp,
  monitorBytes,
  ramRangesInMtree,
  realCore,
  testLog,
} from '../helpers/adapters-harness';

const guest = ensureGuest();
const ALL = Cap.OBSERVE | Cap.INPUT | Cap.LIFECYCLE | Cap.POWER | Cap.VM | Cap.MEMWRITE | Cap.MEMREAD;
// nokaslr: the kernel's direct map starts at a known address, so a test can name a free page.
const APPEND = `${DEFAULT_APPEND} nokaslr`;
/** The launcher's smallest VM: boots fastest. */
const MEM_MIB = 128;
const DIRECT_MAP = 0xffff_8880_0000_0000n;
/** Physical 0x60000: in the low 1 MiB that Linux reserves and never uses after boot. */
const SCRATCH_GVA = DIRECT_MAP + 0x60000n;
const KERNEL_TEXT = 0xffff_ffff_8100_0000n;
const UNMAPPED = 0xffff_c880_0000_0000n;
const bytesOf = (s: string): number[] => [...Buffer.from(s)];
const seamIs = (seam: number) => (e: VmsigEvent) => decodeSeam(e.inln).seam === seam;
const stateIs = (state: number) => (e: VmsigEvent) => decodeVmState(e.inln).state === state;

describe.skipIf(!guest.ok)('adapters on real QEMU', () => {
  let core: Core;
  let vm1: TestVm;
  let vm2: TestVm;
  let vm2Handle: VmHandle;
  let a1: VmAttachment;
  let a2: VmAttachment;
  let observer: TestControl;
  let operator: TestControl;
  let robot: TestControl;
  const started = Date.now();

  beforeAll(async () => {
    const boot = (id: number, name: string) =>
      bootTestVm({ spec: { id, name, memoryMiB: MEM_MIB, append: APPEND } });
    [vm1, vm2] = await Promise.all([boot(1, 'alpha'), boot(2, 'beta')]);
    vm2Handle = vm2.handle;
    console.info(`[adapters] booted 2 VMs (${vm1.handle.accel}) in ${vm1.bootMs} / ${vm2.bootMs} ms`);
    core = realCore();
    observer = new TestControl(core, { name: 'observer', caps: Cap.OBSERVE | Cap.MEMREAD, principal: 9 });
    observer.subscribeAll();
    operator = new TestControl(core, { name: 'operator', caps: ALL, principal: 1, leasePrio: 10 });
    robot = new TestControl(core, { name: 'robot', caps: ALL, principal: 7, leasePrio: 5 });
    const attach = (vm: TestVm) =>
      attachVm(core, {
        endpoint: vm.handle.spec.id,
        name: vm.handle.spec.name,
        qmpPath: vm.handle.paths.qmp,
        ramFile: vm.handle.paths.ram,
        log: testLog,
      });
    [a1, a2] = await Promise.all([attach(vm1), attach(vm2)]);
  });

  afterAll(async () => {
    await Promise.allSettled([a1?.detach(), a2?.detach()]);
    await Promise.allSettled([vm1?.stop(), vm2Handle?.stop({ graceMs: 2000 }), vm2?.stop()]);
    console.info(`[adapters] whole file ${Date.now() - started} ms`);
  });

  it('reports SEAM_UP of VMHOST, INPUT and MEMCTX with the VM name, and the VM RUNNING', async () => {
    for (const [ep, name] of [
      [1, 'alpha'],
      [2, 'beta'],
    ] as const) {
      for (const seam of [Source.VMHOST, Source.INPUT, Source.MEMCTX]) {
        const up = await observer.next(Kind.SEAM_UP, ep, { where: seamIs(seam) });
        expect(utf8Decode(up.payload!.bytes)).toBe(name);
        expect(up.source).toBe(seam);
      }
      // Before QMP answered the state was UNKNOWN; query-status at seam up says RUNNING.
      await observer.next(Kind.VM_LIFECYCLE, ep, { where: stateIs(VmState.RUNNING) });
    }
  });

  it('maps evdev keys only to qcodes this QEMU knows', async () => {
    const schema = await a1.qmp.execute<{ 'meta-type': string; values?: string[] }[]>('query-qmp-schema');
    const qkeycode = schema.find((t) => t['meta-type'] === 'enum' && t.values?.includes('kp_7'))!;
    expect([...EVDEV_TO_QCODE.values()].filter((q) => !qkeycode.values!.includes(q))).toEqual([]);
  });

  it('types keys through the core under the INPUT lease into the guest shell, which echoes a marker to serial', async () => {
    expect(await operator.acquire(1, LeaseClass.INPUT)).toBe(Kind.LEASE_GRANTED);
    const since = vm1.handle.serial.size();
    const t0 = Date.now();
    expect(await operator.type(1, 'echo MARK123 > /dev/ttyS0\n')).toEqual([ErrorCode.OK]);
    await vm1.waitForSerial(/^MARK123\r?$/, { since, timeoutMs: 10_000 });
    console.info(`[adapters] typed a 26-character line and saw its marker in ${Date.now() - t0} ms`);
  });

  it('refuses keys without the lease (LEASE) and the guest sees nothing', async () => {
    const since = vm1.handle.serial.size();
    expect(await robot.type(1, 'echo NOLEASE7 > /dev/ttyS0\n')).toEqual([ErrorCode.LEASE]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(vm1.handle.serial.text(since)).not.toContain('NOLEASE7');
  });

  it('moves the absolute pointer, clicks and scrolls: the guest reads it all from its tablet', async () => {
    const since = vm1.handle.serial.size();
    expect((await operator.input(1, InputKind.ABS, 0, 16384)).err).toBe(ErrorCode.OK);
    expect((await operator.input(1, InputKind.ABS, 1, 8192)).err).toBe(ErrorCode.OK);
    expect((await operator.input(1, InputKind.BTN, 0x110, 1)).err).toBe(ErrorCode.OK);
    expect((await operator.input(1, InputKind.BTN, 0x110, 0)).err).toBe(ErrorCode.OK);
    expect((await operator.input(1, InputKind.SCROLL, 8, 0, 1)).err).toBe(ErrorCode.OK);
    // As the guest's evdev reader prints them: EV_ABS ABS_X/ABS_Y, EV_KEY BTN_LEFT, EV_REL REL_WHEEL.
    for (const event of ['3 0 16384', '3 1 8192', '1 272 1', '2 8 1']) {
      await vm1.waitForSerial(new RegExp(`${GUEST_PTR} \\S+ ${event}\\r?$`), { since, timeoutMs: 5000 });
    }
    expect(await operator.input(1, InputKind.ABS, 0, 40000)).toMatchObject({ ok: 0, err: ErrorCode.INVAL });
  });

  it('answers CMD_QUERY_INPUT with the held keys and buttons, TRUNC beyond 10', async () => {
    // Modifiers and buttons only: holding them types nothing into the guest's shell.
    const held = [
      ...[42, 54, 29, 97, 56, 100, 125, 126].map((code) => ({ kind: InputKind.KEY as number, code })),
      ...[0x110, 0x111, 0x112].map((code) => ({ kind: InputKind.BTN as number, code })),
    ];
    for (const h of held) expect((await operator.input(1, h.kind, h.code, 1)).err).toBe(ErrorCode.OK);
    expect(await operator.held(1)).toEqual({ flags: 1, entries: held.slice(0, 10) });
    for (const h of held) await operator.input(1, h.kind, h.code, 0);
    expect(await operator.held(1)).toEqual({ flags: 0, entries: [] });
  });

  describe('MEMCTX and CMD_MEMWRITE', () => {
    let ctx: ReturnType<typeof decodeMemCtx>;

    beforeAll(async () => {
      ctx = decodeMemCtx((await observer.next(Kind.MEMCTX, 1, { timeoutMs: 15_000 })).inln);
    });

    it('publishes the RAM file, its segments and a kcr3 under which the walk agrees with QEMU', async () => {
      const late = new TestControl(core, { name: 'late', caps: Cap.OBSERVE | Cap.MEMREAD }).subscribeAll([1]);
      const replayed = await late.next(Kind.MEMCTX, 1);
      late.detach();
      expect(decodeMemCtx(replayed.inln)).toEqual(ctx);
      const { segs, ramPath } = decodeMemCtxPayload(replayed.payload!.bytes, ctx.nseg)!;
      expect(ramPath).toBe(vm1.handle.paths.ram);
      expect(ctx).toMatchObject({ levels: 4, ramSize: BigInt(MEM_MIB) * 1024n * 1024n });
      // QEMU's own flat memory map holds every segment we computed from the RAM size.
      const ramRanges = ramRangesInMtree(await hmp(a1.qmp, 'info mtree -f'));
      expect(segs.map((g) => `${g.gpa}+${g.size}@${g.fileOff}`).filter((k) => !ramRanges.has(k))).toEqual([]);
      expect(segs.at(-1)).toMatchObject({ gpa: 0x100000n, fileOff: 0x100000n });
      const ram = RamFile.open(ramPath);
      try {
        for (const gva of [SCRATCH_GVA, KERNEL_TEXT]) {
          const mine = walk(ram, ctx.kcr3, gva);
          if (isFault(mine)) throw new Error(`walk of 0x${gva.toString(16)} faulted: ${mine.fault}`);
          expect(await hmp(a1.qmp, `gva2gpa 0x${gva.toString(16)}`)).toContain(
            `gpa: 0x${mine.gpa.toString(16)}`,
          );
        }
        expect(walk(ram, ctx.kcr3, KERNEL_TEXT)).toMatchObject({ writable: false });
      } finally {
        ram.close();
      }
    });

    it('refuses a write without the MEMWRITE lease and memory is unchanged', async () => {
      const before = await monitorBytes(a1.qmp, 'x', SCRATCH_GVA, 8);
      expect(await robot.memWrite(1, SCRATCH_GVA, Buffer.from('NOLEASE!'))).toMatchObject({
        ok: 0,
        err: ErrorCode.LEASE,
      });
      expect(await monitorBytes(a1.qmp, 'x', SCRATCH_GVA, 8)).toEqual(before);
    });

    it('writes guest-virtual memory under the lease; the monitor reads it back, virtually and physically', async () => {
      expect(await operator.acquire(1, LeaseClass.MEMWRITE)).toBe(Kind.LEASE_GRANTED);
      expect(await operator.memWrite(1, SCRATCH_GVA, Buffer.from('VMSIGMW1'))).toMatchObject({
        ok: 1,
        detail: 8,
      });
      expect(await monitorBytes(a1.qmp, 'x', SCRATCH_GVA, 8)).toEqual(bytesOf('VMSIGMW1'));
      expect(await monitorBytes(a1.qmp, 'xp', 0x60000n, 8)).toEqual(bytesOf('VMSIGMW1'));
    });

    it('writes across a page boundary with the vCPUs stopped and resumed', async () => {
      const since = observer.events.length;
      const data = Buffer.from('PAGE-SPANNING-WRITE-'.repeat(4).slice(0, 64));
      const gva = SCRATCH_GVA + 0x1000n - 32n;
      expect(await operator.memWrite(1, gva, data, true)).toMatchObject({ ok: 1, detail: 64 });
      expect(await monitorBytes(a1.qmp, 'x', gva, 64)).toEqual([...data]);
      const states = observer.events
        .slice(since)
        .filter((e) => e.kind === Kind.VM_LIFECYCLE && e.endpoint === 1)
        .map((e) => decodeVmState(e.inln).state);
      expect(states).toEqual([VmState.PAUSED, VmState.RUNNING]);
      expect((await a1.qmp.execute<{ status: string }>('query-status')).status).toBe('running');
    });

    it('refuses writes outside the extent (read-only, unmapped) and bad lengths; memory is unchanged', async () => {
      const text = await monitorBytes(a1.qmp, 'x', KERNEL_TEXT, 8);
      expect(await operator.memWrite(1, KERNEL_TEXT, Buffer.from('CLOBBER!'))).toMatchObject({
        ok: 0,
        err: ErrorCode.EXTENT,
      });
      expect(await monitorBytes(a1.qmp, 'x', KERNEL_TEXT, 8)).toEqual(text);
      expect(await operator.memWrite(1, UNMAPPED, Buffer.from('X'))).toMatchObject({
        ok: 0,
        err: ErrorCode.EXTENT,
      });
      expect(await operator.memWrite(1, SCRATCH_GVA, new Uint8Array(0))).toMatchObject({
        ok: 0,
        err: ErrorCode.INVAL,
      });
      const inln = encodeMemWrite({
        gva: SCRATCH_GVA,
        len: 40,
        flags: MemWriteFlag.SRC_INLINE,
        inlineData: new Uint8Array(32),
      });
      expect(await operator.ack({ kind: Kind.CMD_MEMWRITE, endpoint: 1, inln })).toMatchObject({
        ok: 0,
        err: ErrorCode.INVAL,
      });
      expect(await monitorBytes(a1.qmp, 'x', SCRATCH_GVA, 8)).toEqual(bytesOf('VMSIGMW1'));
    });
  });

  it('keeps leases independent per VM: the robot types into beta while the operator holds alpha', async () => {
    expect(await robot.acquire(2, LeaseClass.INPUT)).toBe(Kind.LEASE_GRANTED);
    const [since1, since2] = [vm1.handle.serial.size(), vm2.handle.serial.size()];
    expect(await robot.type(2, 'echo BETA42 > /dev/ttyS0\n')).toEqual([ErrorCode.OK]);
    await vm2.waitForSerial(/^BETA42\r?$/, { since: since2, timeoutMs: 10_000 });
    expect(vm1.handle.serial.text(since1)).not.toContain('BETA42');
    expect((await operator.input(2, InputKind.KEY, 30, 1)).err).toBe(ErrorCode.LEASE);
  });

  it('reports pause, resume and reset (then running again) as VM_LIFECYCLE, invalidates MEMCTX on reset and republishes a new epoch', async () => {
    const { epoch } = decodeMemCtx((await observer.next(Kind.MEMCTX, 2, { timeoutMs: 15_000 })).inln);
    const since = observer.events.length;
    const lifeAfter = (state: number) =>
      observer.next(Kind.VM_LIFECYCLE, 2, { since, where: stateIs(state) });
    expect(await operator.vm(2, VmOp.STOP)).toMatchObject({ ok: 1 });
    await lifeAfter(VmState.PAUSED);
    expect(await operator.vm(2, VmOp.QUERY)).toMatchObject({ ok: 1, detail: VmState.PAUSED });
    expect(await operator.vm(2, VmOp.CONT)).toMatchObject({ ok: 1 });
    await lifeAfter(VmState.RUNNING);
    // Reset is destructive: refused without the POWER lease, done with it.
    expect(await operator.vm(2, VmOp.RESET)).toMatchObject({ ok: 0, err: ErrorCode.LEASE });
    expect(await operator.acquire(2, LeaseClass.POWER)).toBe(Kind.LEASE_GRANTED);
    expect(await operator.vm(2, VmOp.RESET)).toMatchObject({ ok: 1 });
    const reset = await lifeAfter(VmState.RESET);
    // The machine runs on after a reset: the state that follows it says so.
    await observer.next(Kind.VM_LIFECYCLE, 2, {
      since: observer.events.indexOf(reset),
      where: stateIs(VmState.RUNNING),
    });
    const inv = await observer.next(Kind.MEMCTX_INVALIDATED, 2, { since });
    expect(decodeMemCtxInvalidated(inv.inln)).toEqual({ epoch, reason: InvalidateReason.RESET });
    expect(inv.prio).toBe(3);
    const next = await observer.next(Kind.MEMCTX, 2, {
      since: observer.events.indexOf(inv),
      timeoutMs: 15_000,
    });
    expect(decodeMemCtx(next.inln).epoch).toBeGreaterThan(epoch);
  });

  it('declares a hung QEMU stale by heartbeat, and up again when it answers', async () => {
    const since = observer.events.length;
    const t0 = Date.now();
    process.kill(vm2Handle.pid, 'SIGSTOP');
    try {
      const down = await observer.next(Kind.SEAM_DOWN, 2, {
        since,
        where: seamIs(Source.VMHOST),
        timeoutMs: 5000,
      });
      expect(decodeSeam(down.inln).reason).toBe(SeamReason.HEARTBEAT_STALE);
      console.info(`[adapters] SIGSTOP → SEAM_DOWN(stale) in ${Date.now() - t0} ms`);
    } finally {
      process.kill(vm2Handle.pid, 'SIGCONT');
    }
    await observer.next(Kind.SEAM_UP, 2, { since, where: seamIs(Source.VMHOST), timeoutMs: 5000 });
    // The seam loss voided the context; a new epoch follows once QEMU answers again.
    const inv = decodeMemCtxInvalidated((await observer.next(Kind.MEMCTX_INVALIDATED, 2, { since })).inln);
    expect(inv.reason).toBe(InvalidateReason.SEAM_DOWN);
    const next = await observer.next(Kind.MEMCTX, 2, { since, timeoutMs: 10_000 });
    expect(decodeMemCtx(next.inln).epoch).toBe(inv.epoch + 1);
  });

  it('reports SEAM_DOWN within 2 s when QEMU is killed; lease holders get SEAM; a restarted VM comes back up', async () => {
    const since = observer.events.length;
    const t0 = Date.now();
    process.kill(vm2Handle.pid, 'SIGKILL');
    const down = await observer.next(Kind.SEAM_DOWN, 2, {
      since,
      where: seamIs(Source.VMHOST),
      timeoutMs: 2000,
    });
    const downMs = Date.now() - t0;
    expect(decodeSeam(down.inln).reason).toBe(SeamReason.CLOSED);
    const inv = decodeMemCtxInvalidated(
      (await observer.next(Kind.MEMCTX_INVALIDATED, 2, { since, timeoutMs: 2000 })).inln,
    );
    expect(inv.reason).toBe(InvalidateReason.SEAM_DOWN);
    await observer.next(Kind.SEAM_DOWN, 2, { since, where: seamIs(Source.INPUT), timeoutMs: 2000 });
    expect(await robot.input(2, InputKind.KEY, 30, 1)).toMatchObject({ ok: 0, err: ErrorCode.SEAM });
    expect(await operator.vm(2, VmOp.RESET)).toMatchObject({ ok: 0, err: ErrorCode.SEAM });

    const t1 = Date.now();
    vm2Handle = await vm2Handle.restart();
    await observer.next(Kind.SEAM_UP, 2, { since, where: seamIs(Source.VMHOST), timeoutMs: 10_000 });
    await observer.next(Kind.SEAM_UP, 2, { since, where: seamIs(Source.INPUT), timeoutMs: 2000 });
    console.info(
      `[adapters] SIGKILL → SEAM_DOWN in ${downMs} ms; restart → SEAM_UP in ${Date.now() - t1} ms`,
    );
    expect((await robot.input(2, InputKind.KEY, 30, 0)).err).toBe(ErrorCode.OK);
    // The restarted QEMU has a new RAM file: MEMCTX comes back with a later epoch.
    const ctx = await observer.next(Kind.MEMCTX, 2, { since, timeoutMs: 20_000 });
    expect(decodeMemCtx(ctx.inln).epoch).toBeGreaterThan(inv.epoch);
  });

  it('runs CMD_LIFECYCLE: pause and resume, and a power button the guest answers by powering off', async () => {
    await vm2Handle.serial.waitFor('VMSIG-GUEST-READY', { timeoutMs: 30_000, abort: vm2Handle.exited });
    const since = observer.events.length;
    const life = (state: number) => observer.next(Kind.VM_LIFECYCLE, 2, { since, where: stateIs(state) });
    expect(await robot.lifecycle(2, LifecycleOp.PAUSE)).toMatchObject({ ok: 1 });
    await life(VmState.PAUSED);
    expect(await robot.lifecycle(2, LifecycleOp.RESUME)).toMatchObject({ ok: 1 });
    await life(VmState.RUNNING);
    expect(await robot.lifecycle(2, LifecycleOp.POWERDOWN)).toMatchObject({ ok: 0, err: ErrorCode.LEASE });
    const serialAt = vm2Handle.serial.size();
    expect(await operator.lifecycle(2, LifecycleOp.POWERDOWN)).toMatchObject({ ok: 1 });
    await life(VmState.POWERDOWN);
    await vm2Handle.serial.waitFor('VMSIG-GUEST-POWERDOWN', { since: serialAt, timeoutMs: 10_000 });
    await life(VmState.SHUTDOWN);
    const inv = await observer.next(Kind.MEMCTX_INVALIDATED, 2, { since, timeoutMs: 5000 });
    expect(decodeMemCtxInvalidated(inv.inln).reason).toBe(InvalidateReason.SHUTDOWN);
  });

  it('quits QEMU on CMD_VM QUIT under the POWER lease: acked, the process exits, the seam goes down', async () => {
    const since = observer.events.length;
    expect(await operator.vm(2, VmOp.QUIT)).toMatchObject({ ok: 1, err: ErrorCode.OK });
    expect(await vm2Handle.exited).toMatchObject({ code: 0 });
    const down = await observer.next(Kind.SEAM_DOWN, 2, {
      since,
      where: seamIs(Source.VMHOST),
      timeoutMs: 2000,
    });
    expect(decodeSeam(down.inln).reason).toBe(SeamReason.CLOSED);
  });

  it('detach reports the seams down, voids the context and forgets the endpoint it declared', async () => {
    const since = observer.events.length;
    await a1.detach();
    const mine = observer.events.slice(since).filter((e) => e.endpoint === 1);
    expect(mine.filter((e) => e.kind === Kind.SEAM_DOWN).map((e) => decodeSeam(e.inln))).toEqual(
      expect.arrayContaining(
        [Source.VMHOST, Source.INPUT, Source.MEMCTX].map((seam) => ({ seam, reason: SeamReason.CLOSED })),
      ),
    );
    expect(mine.some((e) => e.kind === Kind.MEMCTX_INVALIDATED)).toBe(true);
    expect(core.endpoints().map((e) => e.id)).not.toContain(1);
    expect((await robot.vm(1, VmOp.QUERY)).err).toBe(ErrorCode.NOENT);
  });
});
