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
  PayloadFlag,
  SeamReason,
  Source,
  VmOp,
  VmState,
  decodeInputHeld,
  decodeMemCtx,
  decodeMemCtxInvalidated,
  decodeMemCtxPayload,
  decodeSeam,
  decodeVmState,
  encodeInput,
  encodeMemWrite,
  encodeOp,
  utf8Decode,
  type VmsigEvent,
} from '../../src/shared/model';
import type { Core } from '../../src/main/core';
import { attachVm, type VmAttachment } from '../../src/main/adapters/attach-vm';
import { EVDEV_TO_QCODE } from '../../src/main/adapters/input';
import { RamFile, isFault, walk } from '../../src/main/adapters/memctx';
import type { QmpClient } from '../../src/main/adapters/qmp';
import type { VmHandle } from '../../src/main/host/launcher';
import { DEFAULT_APPEND } from '../../src/main/host/launcher';
import { GUEST_PTR, bootTestVm, ensureGuest, type TestVm } from '../helpers/guest';
import { TestControl, keyStrokes, realCore, testLog } from './adapters-harness';

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

async function hmp(qmp: QmpClient, line: string): Promise<string> {
  return qmp.execute<string>('human-monitor-command', { 'command-line': line });
}

/** Bytes at a guest address as the monitor reads them (`x` virtual under vCPU 0, `xp` physical). */
async function monitorBytes(qmp: QmpClient, cmd: 'x' | 'xp', addr: bigint, n: number): Promise<number[]> {
  const text = await hmp(qmp, `${cmd} /${n}xb 0x${addr.toString(16)}`);
  return text
    .split('\n')
    .flatMap((l) => (l.includes(':') ? (l.split(':')[1]!.match(/0x[0-9a-f]{2}/g) ?? []) : []))
    .map((h) => Number(h));
}

function bytesOf(s: string): number[] {
  return [...Buffer.from(s)];
}

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
    [vm1, vm2] = await Promise.all([
      bootTestVm({ spec: { id: 1, name: 'alpha', memoryMiB: MEM_MIB, append: APPEND } }),
      bootTestVm({ spec: { id: 2, name: 'beta', memoryMiB: MEM_MIB, append: APPEND } }),
    ]);
    vm2Handle = vm2.handle;
    console.info(`[adapters] booted 2 VMs (${vm1.handle.accel}) in ${vm1.bootMs} / ${vm2.bootMs} ms`);
    core = realCore();
    observer = new TestControl(core, { name: 'observer', caps: Cap.OBSERVE | Cap.MEMREAD, principal: 9 }).subscribeAll();
    operator = new TestControl(core, { name: 'operator', caps: ALL, principal: 1, leasePrio: 10 });
    robot = new TestControl(core, { name: 'robot', caps: ALL, principal: 7, leasePrio: 5 });
    [a1, a2] = await Promise.all([
      attachVm(core, { endpoint: 1, name: 'alpha', qmpPath: vm1.handle.paths.qmp, ramFile: vm1.handle.paths.ram, log: testLog }),
      attachVm(core, { endpoint: 2, name: 'beta', qmpPath: vm2.handle.paths.qmp, ramFile: vm2.handle.paths.ram, log: testLog }),
    ]);
  });

  afterAll(async () => {
    await Promise.allSettled([a1?.detach(), a2?.detach()]);
    await Promise.allSettled([vm1?.stop(), vm2Handle?.stop({ graceMs: 2000 }), vm2?.stop()]);
    console.info(`[adapters] whole file ${Date.now() - started} ms`);
  });

  const seamUp = (ep: number, seam: number) => (e: VmsigEvent) =>
    e.kind === Kind.SEAM_UP && e.endpoint === ep && decodeSeam(e.inln).seam === seam;

  it('reports SEAM_UP of VMHOST, INPUT and MEMCTX with the VM name, and the VM RUNNING', async () => {
    for (const [ep, name] of [[1, 'alpha'], [2, 'beta']] as const) {
      for (const seam of [Source.VMHOST, Source.INPUT, Source.MEMCTX]) {
        const up = await observer.waitFor(seamUp(ep, seam));
        expect(utf8Decode(up.payload!.bytes)).toBe(name);
        expect(up.source).toBe(seam);
      }
      // Before QMP answered the state was UNKNOWN; query-status at seam up says RUNNING.
      await observer.waitFor((e) => e.kind === Kind.VM_LIFECYCLE && e.endpoint === ep && decodeVmState(e.inln).state === VmState.RUNNING);
    }
  });

  it('maps evdev keys only to qcodes this QEMU knows', async () => {
    const schema = await a1.qmp.execute<{ 'meta-type': string; values?: string[] }[]>('query-qmp-schema');
    const known = new Set(schema.find((t) => t['meta-type'] === 'enum' && t.values?.includes('kp_7'))!.values);
    const unknown = [...EVDEV_TO_QCODE.values()].filter((q) => !known.has(q));
    expect(unknown).toEqual([]);
  });

  it('types keys through the core under the INPUT lease into the guest shell, which echoes a marker to serial', async () => {
    expect(await operator.acquire(1, LeaseClass.INPUT)).toBe(Kind.LEASE_GRANTED);
    const since = vm1.handle.serial.size();
    const t0 = Date.now();
    for (const k of keyStrokes('echo MARK123 > /dev/ttyS0\n')) {
      const ack = await operator.ack({ kind: Kind.CMD_INPUT, endpoint: 1, inln: encodeInput({ kind: InputKind.KEY, ...k, scroll: 0 }) });
      expect(ack).toMatchObject({ ok: 1, err: ErrorCode.OK, cmdKind: Kind.CMD_INPUT });
    }
    await vm1.waitForSerial(/^MARK123\r?$/, { since, timeoutMs: 10_000 });
    console.info(`[adapters] typed a 26-character line and saw its marker in ${Date.now() - t0} ms`);
  });

  it('refuses keys without the lease (LEASE) and the guest sees nothing', async () => {
    const since = vm1.handle.serial.size();
    for (const k of keyStrokes('echo NOLEASE7 > /dev/ttyS0\n')) {
      const ack = await robot.ack({ kind: Kind.CMD_INPUT, endpoint: 1, inln: encodeInput({ kind: InputKind.KEY, ...k, scroll: 0 }) });
      expect(ack).toMatchObject({ ok: 0, err: ErrorCode.LEASE });
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(vm1.handle.serial.text(since)).not.toContain('NOLEASE7');
  });

  it('moves the absolute pointer: the guest reads the coordinates from its tablet', async () => {
    const since = vm1.handle.serial.size();
    for (const [code, value] of [[0, 16384], [1, 8192]] as const) {
      const ack = await operator.ack({ kind: Kind.CMD_INPUT, endpoint: 1, inln: encodeInput({ kind: InputKind.ABS, code, value, scroll: 0 }) });
      expect(ack.err).toBe(ErrorCode.OK);
    }
    // EV_ABS (3), ABS_X (0) / ABS_Y (1), as the guest's evdev reader prints them.
    await vm1.waitForSerial(new RegExp(`${GUEST_PTR} \\S+ 3 0 16384`), { since, timeoutMs: 5000 });
    await vm1.waitForSerial(new RegExp(`${GUEST_PTR} \\S+ 3 1 8192`), { since, timeoutMs: 5000 });
    // A left click and one wheel notch up land on the same tablet: EV_KEY BTN_LEFT, EV_REL REL_WHEEL.
    for (const [kind, code, value, scroll] of [[InputKind.BTN, 0x110, 1, 0], [InputKind.BTN, 0x110, 0, 0], [InputKind.SCROLL, 8, 0, 1]] as const) {
      expect((await operator.ack({ kind: Kind.CMD_INPUT, endpoint: 1, inln: encodeInput({ kind, code, value, scroll }) })).err).toBe(ErrorCode.OK);
    }
    await vm1.waitForSerial(new RegExp(`${GUEST_PTR} \\S+ 1 272 1`), { since, timeoutMs: 5000 });
    await vm1.waitForSerial(new RegExp(`${GUEST_PTR} \\S+ 2 8 1`), { since, timeoutMs: 5000 });
    const bad = await operator.ack({ kind: Kind.CMD_INPUT, endpoint: 1, inln: encodeInput({ kind: InputKind.ABS, code: 0, value: 40000, scroll: 0 }) });
    expect(bad).toMatchObject({ ok: 0, err: ErrorCode.INVAL });
  });

  it('answers CMD_QUERY_INPUT with the held keys and buttons, TRUNC beyond 10', async () => {
    // Modifiers and buttons only: holding them types nothing into the guest's shell.
    const held: { kind: number; code: number }[] = [42, 54, 29, 97, 56, 100, 125, 126].map((code) => ({ kind: InputKind.KEY, code }));
    held.push(...[0x110, 0x111, 0x112].map((code) => ({ kind: InputKind.BTN, code })));
    const send = (kind: number, code: number, value: number) =>
      operator.ack({ kind: Kind.CMD_INPUT, endpoint: 1, inln: encodeInput({ kind, code, value, scroll: 0 }) });
    for (const h of held) expect((await send(h.kind, h.code, 1)).err).toBe(ErrorCode.OK);
    const q1 = decodeInputHeld((await operator.command({ kind: Kind.CMD_QUERY_INPUT, endpoint: 1 }, Kind.INPUT_HELD)).inln);
    expect(q1.flags).toBe(1);
    expect(q1.entries).toEqual(held.slice(0, 10));
    for (const h of held) await send(h.kind, h.code, 0);
    const q2 = decodeInputHeld((await operator.command({ kind: Kind.CMD_QUERY_INPUT, endpoint: 1 }, Kind.INPUT_HELD)).inln);
    expect(q2).toEqual({ flags: 0, entries: [] });
  });

  describe('MEMCTX and CMD_MEMWRITE', () => {
    let ctx: ReturnType<typeof decodeMemCtx>;

    beforeAll(async () => {
      const ev = await observer.waitFor((e) => e.kind === Kind.MEMCTX && e.endpoint === 1, { timeoutMs: 15_000 });
      ctx = decodeMemCtx(ev.inln);
    });

    it('publishes the RAM file, its segments and a kcr3 under which the walk agrees with QEMU', async () => {
      const late = new TestControl(core, { name: 'late', caps: Cap.OBSERVE | Cap.MEMREAD }).subscribeAll([1]);
      const replayed = await late.waitFor((e) => e.kind === Kind.MEMCTX);
      late.detach();
      expect(decodeMemCtx(replayed.inln)).toEqual(ctx);
      const { segs, ramPath } = decodeMemCtxPayload(replayed.payload!.bytes, ctx.nseg)!;
      expect(ramPath).toBe(vm1.handle.paths.ram);
      expect(ctx).toMatchObject({ levels: 4, ramSize: BigInt(MEM_MIB) * 1024n * 1024n });
      // QEMU's own flat memory map holds every segment we computed from the RAM size.
      const flat = (await hmp(a1.qmp, 'info mtree -f')).split('\n');
      const ramRanges = new Set(
        flat.flatMap((l) => {
          const m = /^\s*([0-9a-f]{16})-([0-9a-f]{16}) \(prio \d+, ram\): ram0(?: @([0-9a-f]{16}))?\s*$/.exec(l);
          return m ? [`${BigInt(`0x${m[1]}`)}+${BigInt(`0x${m[2]}`) - BigInt(`0x${m[1]}`) + 1n}@${BigInt(`0x${m[3] ?? m[1]}`)}`] : [];
        }),
      );
      expect(segs.map((g) => `${g.gpa}+${g.size}@${g.fileOff}`).filter((k) => !ramRanges.has(k))).toEqual([]);
      expect(segs.at(-1)).toMatchObject({ gpa: 0x100000n, fileOff: 0x100000n });
      const ram = RamFile.open(ramPath);
      try {
        for (const gva of [SCRATCH_GVA, KERNEL_TEXT]) {
          const mine = walk(ram, ctx.kcr3, gva);
          const theirs = await hmp(a1.qmp, `gva2gpa 0x${gva.toString(16)}`);
          expect(isFault(mine)).toBe(false);
          expect(theirs).toContain(`gpa: 0x${(mine as { gpa: bigint }).gpa.toString(16)}`);
        }
        expect(walk(ram, ctx.kcr3, KERNEL_TEXT)).toMatchObject({ writable: false });
      } finally {
        ram.close();
      }
    });

    const write = (c: TestControl, gva: bigint, data: Uint8Array, viaPayload = false) =>
      c.ack({
        kind: Kind.CMD_MEMWRITE,
        endpoint: 1,
        inln: encodeMemWrite({ gva, len: data.length, flags: viaPayload ? MemWriteFlag.SRC_PAYLOAD : MemWriteFlag.SRC_INLINE, inlineData: viaPayload ? new Uint8Array() : data }),
        payload: viaPayload ? { bytes: data, codec: 0, flags: PayloadFlag.BORROWED } : null,
      });

    it('refuses a write without the MEMWRITE lease and memory is unchanged', async () => {
      const before = await monitorBytes(a1.qmp, 'x', SCRATCH_GVA, 8);
      expect(await write(robot, SCRATCH_GVA, Buffer.from('NOLEASE!'))).toMatchObject({ ok: 0, err: ErrorCode.LEASE });
      expect(await monitorBytes(a1.qmp, 'x', SCRATCH_GVA, 8)).toEqual(before);
    });

    it('writes guest-virtual memory under the lease; the monitor reads it back, virtually and physically', async () => {
      expect(await operator.acquire(1, LeaseClass.MEMWRITE)).toBe(Kind.LEASE_GRANTED);
      expect(await write(operator, SCRATCH_GVA, Buffer.from('VMSIGMW1'))).toMatchObject({ ok: 1, detail: 8 });
      expect(await monitorBytes(a1.qmp, 'x', SCRATCH_GVA, 8)).toEqual(bytesOf('VMSIGMW1'));
      expect(await monitorBytes(a1.qmp, 'xp', 0x60000n, 8)).toEqual(bytesOf('VMSIGMW1'));
    });

    it('writes across a page boundary with the vCPUs stopped and resumed', async () => {
      const since = observer.events.length;
      const data = Buffer.from('PAGE-SPANNING-WRITE-'.repeat(4).slice(0, 64));
      const gva = SCRATCH_GVA + 0x1000n - 32n;
      expect(await write(operator, gva, data, true)).toMatchObject({ ok: 1, detail: 64 });
      expect(await monitorBytes(a1.qmp, 'x', gva, 64)).toEqual([...data]);
      const states = observer.events.slice(since).filter((e) => e.kind === Kind.VM_LIFECYCLE && e.endpoint === 1).map((e) => decodeVmState(e.inln).state);
      expect(states).toEqual([VmState.PAUSED, VmState.RUNNING]);
      expect((await a1.qmp.execute<{ status: string }>('query-status')).status).toBe('running');
    });

    it('refuses writes outside the extent (read-only, unmapped) and bad lengths; memory is unchanged', async () => {
      const text = await monitorBytes(a1.qmp, 'x', KERNEL_TEXT, 8);
      expect(await write(operator, KERNEL_TEXT, Buffer.from('CLOBBER!'))).toMatchObject({ ok: 0, err: ErrorCode.EXTENT });
      expect(await monitorBytes(a1.qmp, 'x', KERNEL_TEXT, 8)).toEqual(text);
      expect(await write(operator, UNMAPPED, Buffer.from('X'))).toMatchObject({ ok: 0, err: ErrorCode.EXTENT });
      expect(await write(operator, SCRATCH_GVA, new Uint8Array(0))).toMatchObject({ ok: 0, err: ErrorCode.INVAL });
      const tooLong = await operator.ack({
        kind: Kind.CMD_MEMWRITE,
        endpoint: 1,
        inln: encodeMemWrite({ gva: SCRATCH_GVA, len: 40, flags: MemWriteFlag.SRC_INLINE, inlineData: new Uint8Array(32) }),
      });
      expect(tooLong).toMatchObject({ ok: 0, err: ErrorCode.INVAL });
      expect(await monitorBytes(a1.qmp, 'x', SCRATCH_GVA, 8)).toEqual(bytesOf('VMSIGMW1'));
    });
  });

  it('keeps leases independent per VM: the robot types into beta while the operator holds alpha', async () => {
    expect(await robot.acquire(2, LeaseClass.INPUT)).toBe(Kind.LEASE_GRANTED);
    const since1 = vm1.handle.serial.size();
    const since2 = vm2.handle.serial.size();
    for (const k of keyStrokes('echo BETA42 > /dev/ttyS0\n')) {
      expect((await robot.ack({ kind: Kind.CMD_INPUT, endpoint: 2, inln: encodeInput({ kind: InputKind.KEY, ...k, scroll: 0 }) })).err).toBe(ErrorCode.OK);
    }
    await vm2.waitForSerial(/^BETA42\r?$/, { since: since2, timeoutMs: 10_000 });
    expect(vm1.handle.serial.text(since1)).not.toContain('BETA42');
    expect((await operator.ack({ kind: Kind.CMD_INPUT, endpoint: 2, inln: encodeInput({ kind: InputKind.KEY, code: 30, value: 1, scroll: 0 }) })).err).toBe(ErrorCode.LEASE);
  });

  it('reports pause, resume and reset as VM_LIFECYCLE, invalidates MEMCTX on reset and republishes a new epoch', async () => {
    const first = await observer.waitFor((e) => e.kind === Kind.MEMCTX && e.endpoint === 2, { timeoutMs: 15_000 });
    const epoch = decodeMemCtx(first.inln).epoch;
    const since = observer.events.length;
    const lifeAfter = (state: number) =>
      observer.waitFor((e) => e.kind === Kind.VM_LIFECYCLE && e.endpoint === 2 && decodeVmState(e.inln).state === state, { since, timeoutMs: 5000 });
    expect(await operator.ack({ kind: Kind.CMD_VM, endpoint: 2, inln: encodeOp({ op: VmOp.STOP }) })).toMatchObject({ ok: 1 });
    await lifeAfter(VmState.PAUSED);
    const q = await operator.ack({ kind: Kind.CMD_VM, endpoint: 2, inln: encodeOp({ op: VmOp.QUERY }) });
    expect(q).toMatchObject({ ok: 1, detail: VmState.PAUSED });
    expect(await operator.ack({ kind: Kind.CMD_VM, endpoint: 2, inln: encodeOp({ op: VmOp.CONT }) })).toMatchObject({ ok: 1 });
    await lifeAfter(VmState.RUNNING);
    // Reset is destructive: refused without the POWER lease, done with it.
    expect(await operator.ack({ kind: Kind.CMD_VM, endpoint: 2, inln: encodeOp({ op: VmOp.RESET }) })).toMatchObject({ ok: 0, err: ErrorCode.LEASE });
    expect(await operator.acquire(2, LeaseClass.POWER)).toBe(Kind.LEASE_GRANTED);
    expect(await operator.ack({ kind: Kind.CMD_VM, endpoint: 2, inln: encodeOp({ op: VmOp.RESET }) })).toMatchObject({ ok: 1 });
    await lifeAfter(VmState.RESET);
    const inv = await observer.waitFor((e) => e.kind === Kind.MEMCTX_INVALIDATED && e.endpoint === 2, { since });
    expect(decodeMemCtxInvalidated(inv.inln)).toEqual({ epoch, reason: InvalidateReason.RESET });
    expect(inv.prio).toBe(3);
    const next = await observer.waitFor((e) => e.kind === Kind.MEMCTX && e.endpoint === 2, { since: observer.events.indexOf(inv), timeoutMs: 15_000 });
    expect(decodeMemCtx(next.inln).epoch).toBeGreaterThan(epoch);
  });

  it('declares a hung QEMU stale by heartbeat, and up again when it answers', async () => {
    const since = observer.events.length;
    const t0 = Date.now();
    process.kill(vm2Handle.pid, 'SIGSTOP');
    try {
      const down = await observer.waitFor((e) => e.kind === Kind.SEAM_DOWN && e.endpoint === 2 && decodeSeam(e.inln).seam === Source.VMHOST, { since, timeoutMs: 5000 });
      expect(decodeSeam(down.inln).reason).toBe(SeamReason.HEARTBEAT_STALE);
      console.info(`[adapters] SIGSTOP → SEAM_DOWN(stale) in ${Date.now() - t0} ms`);
    } finally {
      process.kill(vm2Handle.pid, 'SIGCONT');
    }
    await observer.waitFor(seamUp(2, Source.VMHOST), { since, timeoutMs: 5000 });
    // The seam loss voided the context; a new epoch follows once QEMU answers again.
    const inv = await observer.waitFor((e) => e.kind === Kind.MEMCTX_INVALIDATED && e.endpoint === 2, { since });
    expect(decodeMemCtxInvalidated(inv.inln).reason).toBe(InvalidateReason.SEAM_DOWN);
    const next = await observer.waitFor((e) => e.kind === Kind.MEMCTX && e.endpoint === 2, { since: observer.events.indexOf(inv), timeoutMs: 10_000 });
    expect(decodeMemCtx(next.inln).epoch).toBe(decodeMemCtxInvalidated(inv.inln).epoch + 1);
  });

  it('reports SEAM_DOWN within 2 s when QEMU is killed; lease holders get SEAM; a restarted VM comes back up', async () => {
    const since = observer.events.length;
    const t0 = Date.now();
    process.kill(vm2Handle.pid, 'SIGKILL');
    const down = await observer.waitFor((e) => e.kind === Kind.SEAM_DOWN && e.endpoint === 2 && decodeSeam(e.inln).seam === Source.VMHOST, { since, timeoutMs: 2000 });
    const downMs = Date.now() - t0;
    expect(decodeSeam(down.inln).reason).toBe(SeamReason.CLOSED);
    const inv = await observer.waitFor((e) => e.kind === Kind.MEMCTX_INVALIDATED && e.endpoint === 2, { since, timeoutMs: 2000 });
    expect(decodeMemCtxInvalidated(inv.inln).reason).toBe(InvalidateReason.SEAM_DOWN);
    await observer.waitFor((e) => e.kind === Kind.SEAM_DOWN && e.endpoint === 2 && decodeSeam(e.inln).seam === Source.INPUT, { since, timeoutMs: 2000 });
    const key = await robot.ack({ kind: Kind.CMD_INPUT, endpoint: 2, inln: encodeInput({ kind: InputKind.KEY, code: 30, value: 1, scroll: 0 }) });
    expect(key).toMatchObject({ ok: 0, err: ErrorCode.SEAM });
    const reset = await operator.ack({ kind: Kind.CMD_VM, endpoint: 2, inln: encodeOp({ op: VmOp.RESET }) });
    expect(reset).toMatchObject({ ok: 0, err: ErrorCode.SEAM });

    const t1 = Date.now();
    vm2Handle = await vm2Handle.restart();
    await observer.waitFor(seamUp(2, Source.VMHOST), { since, timeoutMs: 10_000 });
    await observer.waitFor(seamUp(2, Source.INPUT), { since, timeoutMs: 2000 });
    console.info(`[adapters] SIGKILL → SEAM_DOWN in ${downMs} ms; restart → SEAM_UP in ${Date.now() - t1} ms`);
    const ack = await robot.ack({ kind: Kind.CMD_INPUT, endpoint: 2, inln: encodeInput({ kind: InputKind.KEY, code: 30, value: 0, scroll: 0 }) });
    expect(ack.err).toBe(ErrorCode.OK);
    // The restarted QEMU has a new RAM file: MEMCTX comes back with a later epoch.
    const ctx = await observer.waitFor((e) => e.kind === Kind.MEMCTX && e.endpoint === 2, { since, timeoutMs: 20_000 });
    expect(decodeMemCtx(ctx.inln).epoch).toBeGreaterThan(decodeMemCtxInvalidated(inv.inln).epoch);
  });

  it('runs CMD_LIFECYCLE: pause and resume, and a power button the guest answers by powering off', async () => {
    await vm2Handle.serial.waitFor('VMSIG-GUEST-READY', { timeoutMs: 30_000, abort: vm2Handle.exited });
    const since = observer.events.length;
    const life = (state: number) =>
      observer.waitFor((e) => e.kind === Kind.VM_LIFECYCLE && e.endpoint === 2 && decodeVmState(e.inln).state === state, { since, timeoutMs: 10_000 });
    expect(await robot.ack({ kind: Kind.CMD_LIFECYCLE, endpoint: 2, inln: encodeOp({ op: LifecycleOp.PAUSE }) })).toMatchObject({ ok: 1 });
    await life(VmState.PAUSED);
    expect(await robot.ack({ kind: Kind.CMD_LIFECYCLE, endpoint: 2, inln: encodeOp({ op: LifecycleOp.RESUME }) })).toMatchObject({ ok: 1 });
    await life(VmState.RUNNING);
    expect(await robot.ack({ kind: Kind.CMD_LIFECYCLE, endpoint: 2, inln: encodeOp({ op: LifecycleOp.POWERDOWN }) })).toMatchObject({ ok: 0, err: ErrorCode.LEASE });
    const serialAt = vm2Handle.serial.size();
    expect(await operator.ack({ kind: Kind.CMD_LIFECYCLE, endpoint: 2, inln: encodeOp({ op: LifecycleOp.POWERDOWN }) })).toMatchObject({ ok: 1 });
    await life(VmState.POWERDOWN);
    await vm2Handle.serial.waitFor('VMSIG-GUEST-POWERDOWN', { since: serialAt, timeoutMs: 10_000 });
    await life(VmState.SHUTDOWN);
    const inv = await observer.waitFor((e) => e.kind === Kind.MEMCTX_INVALIDATED && e.endpoint === 2, { since, timeoutMs: 5000 });
    expect(decodeMemCtxInvalidated(inv.inln).reason).toBe(InvalidateReason.SHUTDOWN);
  });

  it('quits QEMU on CMD_VM QUIT under the POWER lease: acked, the process exits, the seam goes down', async () => {
    const since = observer.events.length;
    expect(await operator.ack({ kind: Kind.CMD_VM, endpoint: 2, inln: encodeOp({ op: VmOp.QUIT }) })).toMatchObject({ ok: 1, err: ErrorCode.OK });
    expect(await vm2Handle.exited).toMatchObject({ code: 0 });
    const down = await observer.waitFor((e) => e.kind === Kind.SEAM_DOWN && e.endpoint === 2 && decodeSeam(e.inln).seam === Source.VMHOST, { since, timeoutMs: 2000 });
    expect(decodeSeam(down.inln).reason).toBe(SeamReason.CLOSED);
  });

  it('detach reports the seams down, voids the context and forgets the endpoint it declared', async () => {
    const since = observer.events.length;
    await a1.detach();
    const mine = observer.events.slice(since).filter((e) => e.endpoint === 1);
    expect(mine.filter((e) => e.kind === Kind.SEAM_DOWN).map((e) => decodeSeam(e.inln))).toEqual(
      expect.arrayContaining([Source.VMHOST, Source.INPUT, Source.MEMCTX].map((seam) => ({ seam, reason: SeamReason.CLOSED }))),
    );
    expect(mine.some((e) => e.kind === Kind.MEMCTX_INVALIDATED)).toBe(true);
    expect(core.endpoints().map((e) => e.id)).not.toContain(1);
    expect((await robot.ack({ kind: Kind.CMD_VM, endpoint: 1, inln: encodeOp({ op: VmOp.QUERY }) })).err).toBe(ErrorCode.NOENT);
  });
});
