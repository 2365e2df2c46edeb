/*
 * The input lane (issue 10 item 7, protocol §10), on the real test guest: keys still
 * queued when the INPUT lease is preempted are answered LEASE and never typed (the guest's
 * serial port is the evidence), and a full lane answers BUSY at once instead of growing.
 * Before, the lane was an unbounded promise chain and typed the old holder's keys anyway.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attachVm, type VmAttachment } from '../../src/main/adapters/attach-vm';
import type { Core } from '../../src/main/core';
import {
  Cap,
  ErrorCode,
  InputKind,
  Kind,
  LeaseClass,
  decodeActAck,
  encodeInput,
} from '../../src/shared/model';
import { bootTestVm, ensureGuest, type TestVm } from '../helpers/guest';
import { TestControl, keyStrokes, realCore, testLog } from '../helpers/adapters-harness';

const guest = ensureGuest();
const ALL = Cap.OBSERVE | Cap.INPUT;
/** The input adapter's DEFAULT_LANE_MAX, written out so the test also runs on code without a bound. */
const DEFAULT_LANE_MAX = 256;

describe.skipIf(!guest.ok)('the input lane on real QEMU', () => {
  let core: Core;
  let vm: TestVm;
  let att: VmAttachment;

  beforeAll(async () => {
    vm = await bootTestVm({ spec: { id: 1, name: 'lane', memoryMiB: 128 } });
    core = realCore();
    att = await attachVm(core, { endpoint: 1, name: 'lane', qmpPath: vm.handle.paths.qmp, log: testLog });
    await new Promise((r) => setTimeout(r, 500)); // seams up
  });
  // Detached even when a test fails, so the next one starts with the lease free.
  const controls: TestControl[] = [];
  const control = (name: string, principal: number, leasePrio: number): TestControl => {
    const c = new TestControl(core, { name, caps: ALL, principal, leasePrio });
    controls.push(c);
    return c;
  };
  afterEach(() => {
    for (const c of controls.splice(0)) c.detach();
  });
  afterAll(async () => {
    await att?.detach();
    await vm?.stop();
  });

  /** Submits every key of `text` at once (no waiting between them); resolves with the ack errors in order. */
  function queueText(ctl: TestControl, text: string): Promise<number[]> {
    return Promise.all(
      keyStrokes(text).map((k) =>
        ctl
          .command({
            kind: Kind.CMD_INPUT,
            endpoint: 1,
            inln: encodeInput({ kind: InputKind.KEY, code: k.code, value: k.value, scroll: 0 }),
          })
          .then((ev) => decodeActAck(ev.inln).err),
      ),
    );
  }

  it('keys queued by a holder that is preempted are answered LEASE and never reach the guest', async () => {
    const robot = control('robot', 7, 5);
    const operator = control('operator', 1, 10);
    expect(await robot.acquire(1, LeaseClass.INPUT)).toBe(Kind.LEASE_GRANTED);
    const since = vm.handle.serial.size();
    // ~70 key events queued in one turn, then the preemption in the same turn: however fast
    // the guest's keyboard (PS/2 at 10 ms a key, or virtio paced by its ring), at most the
    // key already in flight can be typed; the rest still wait in the lane.
    const robotAcks = queueText(robot, 'echo QUEUEDKEYS > /dev/ttyS0\n');
    const preempted = operator.acquire(1, LeaseClass.INPUT);
    expect(await preempted).toBe(Kind.LEASE_GRANTED);
    const errs = await robotAcks;
    // The new holder ends the half-typed line and types its own marker.
    expect(new Set(await queueText(operator, '\necho PREEMPTED7 > /dev/ttyS0\n'))).toEqual(
      new Set([ErrorCode.OK]),
    );
    await vm.waitForSerial(/^PREEMPTED7\r?$/, { since, timeoutMs: 20_000 });
    expect(vm.handle.serial.text(since)).not.toContain('QUEUEDKEYS');
    const firstLease = errs.indexOf(ErrorCode.LEASE);
    expect(firstLease, 'keys still queued at the preemption are answered LEASE').toBeGreaterThanOrEqual(0);
    expect(errs.slice(0, firstLease).every((e) => e === ErrorCode.OK)).toBe(true);
    expect(errs.slice(firstLease).every((e) => e === ErrorCode.LEASE)).toBe(true);
  });

  it('a full lane answers BUSY at once instead of queueing without bound', async () => {
    const operator = control('operator', 1, 10);
    expect(await operator.acquire(1, LeaseClass.INPUT)).toBe(Kind.LEASE_GRANTED);
    const n = 1000;
    // Shift press/release pairs: harmless to the guest; the accepted ones end on a release.
    const corrs = Array.from(
      { length: n },
      (_, i) =>
        operator.submit({
          kind: Kind.CMD_INPUT,
          endpoint: 1,
          inln: encodeInput({ kind: InputKind.KEY, code: 42, value: i % 2 === 0 ? 1 : 0, scroll: 0 }),
        }).corr,
    );
    const ackOf = (corr: number) => {
      const ev = operator.events.find((e) => e.kind === Kind.ACT_ACK && e.corr === corr);
      return ev ? decodeActAck(ev.inln).err : undefined;
    };
    // BUSY is the answer of the moment, given before any key was typed (256 keys take > 2.5 s).
    await Promise.resolve();
    expect(corrs.slice(DEFAULT_LANE_MAX).map(ackOf)).toEqual(
      Array(n - DEFAULT_LANE_MAX).fill(ErrorCode.BUSY),
    );
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && corrs.slice(0, DEFAULT_LANE_MAX).some((c) => ackOf(c) === undefined))
      await new Promise((r) => setTimeout(r, 100));
    expect(corrs.slice(0, DEFAULT_LANE_MAX).map(ackOf)).toEqual(Array(DEFAULT_LANE_MAX).fill(ErrorCode.OK));
    expect((await operator.held(1)).entries).toEqual([]);
  });
});
