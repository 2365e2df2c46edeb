import { describe, expect, it } from 'vitest';
import {
  Cap,
  ErrorCode,
  Kind,
  LeaseClass,
  Prio,
  Source,
  type Payload,
  decodeErrorInl,
  decodeLeaseReq,
  encodeVmState,
  encodeOp,
  encodeSeam,
  VmOp,
} from '../../shared/model';
import { addSeam, attach, cmd, everything, leaseCmd, newRig } from '../../../test/helpers/core-rig';
import { Core } from './core';
import { ALL_ENDPOINTS } from './endpoint-mask';
import { kindSet } from './filter';
import { ManualClock } from './ports';

/** A payload that counts its releases. */
function countedPayload(): { payload: Payload; releases: () => number } {
  let n = 0;
  return {
    payload: { bytes: new Uint8Array([1, 2, 3]), codec: 2, flags: 1, release: () => void n++ },
    releases: () => n,
  };
}

function queueRig(limits: [number, number, number, number] = [3, 3, 3, 3]) {
  const { core } = newRig({ endpoints: [1], limits });
  const vm = addSeam(core, 1, Source.VMHOST);
  const ctl = attach(core);
  ctl.subscribe(everything());
  ctl.take();
  const emit = (prio: number, tag: number, payload: Payload | null = null) =>
    // ACT_ACK: a kind the replay cache does not keep, so queues alone hold the payload.
    vm.port.emit({ kind: Kind.ACT_ACK, prio, payload, inln: encodeVmState({ state: 0, detail: tag }) });
  return { core, vm, ctl, emit };
}

const tagOf = (ev: { inln: Uint8Array }) => ev.inln[4]! | (ev.inln[5]! << 8);

describe('per-class bounded queues (§7)', () => {
  for (const prio of [Prio.BULK, Prio.NORMAL]) {
    it(`prio ${prio} overflow drops the oldest and tells the control DROPPED with the count`, () => {
      const { ctl, emit } = queueRig();
      for (let i = 1; i <= 7; i++) emit(prio, i);
      const got = ctl.take();
      const notice = got[0]!;
      expect(notice.kind).toBe(Kind.ERROR);
      expect(notice.origin).toBe(ctl.id);
      expect(decodeErrorInl(notice.inln)).toMatchObject({ code: ErrorCode.DROPPED, detail: 4 });
      expect(got.slice(1).map(tagOf)).toEqual([5, 6, 7]);
      expect(ctl.closed).toEqual([]);
      emit(prio, 8);
      expect(ctl.take().map(tagOf), 'the notice is sent once').toEqual([8]);
    });
  }

  for (const prio of [Prio.HIGH, Prio.URGENT]) {
    it(`prio ${prio} overflow disconnects the control SLOW_CONSUMER and revokes its leases`, () => {
      const { core, ctl, emit } = queueRig();
      const observer = attach(core, { caps: Cap.OBSERVE });
      expect(ctl.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.POWER)).accepted).toBe(true);
      ctl.take();
      observer.subscribe({ ...everything(), kinds: kindSet([Kind.LEASE_REVOKED]) });
      for (let i = 0; i < 3; i++) emit(prio, i);
      expect(core.control(ctl.id)).toBeDefined();
      emit(prio, 3);
      expect(ctl.closed).toEqual([{ code: ErrorCode.SLOW_CONSUMER, reason: expect.any(String) }]);
      expect(core.control(ctl.id)).toBeUndefined();
      expect(core.arbiter.list()).toEqual([]);
      const revoked = observer.take().filter((e) => e.kind === Kind.LEASE_REVOKED);
      expect(revoked.map((e) => [e.origin, decodeLeaseReq(e.inln).cls])).toEqual([
        [ctl.id, LeaseClass.POWER],
      ]);
      expect(ctl.send(cmd(Kind.CMD_VM, 1, { inln: encodeOp({ op: VmOp.QUERY }) })).accepted).toBe(false);
    });
  }

  it('wakes the sink only when the queues go from empty to non-empty', () => {
    const { ctl, emit } = queueRig([10, 10, 10, 10]);
    const before = ctl.wakes;
    emit(Prio.BULK, 1);
    emit(Prio.URGENT, 2);
    emit(Prio.NORMAL, 3);
    expect(ctl.wakes - before).toBe(1);
    ctl.take();
    emit(Prio.BULK, 4);
    expect(ctl.wakes - before).toBe(2);
  });

  it('drain stops when deliver returns false and keeps the rest', () => {
    const { core, ctl, emit } = queueRig([10, 10, 10, 10]);
    for (let i = 1; i <= 5; i++) emit(Prio.NORMAL, i);
    expect(ctl.take(2).map(tagOf)).toEqual([1, 2]);
    expect(core.pending(ctl.id)).toBe(3);
    expect(ctl.take().map(tagOf)).toEqual([3, 4, 5]);
  });
});

describe('payload release (exactly once)', () => {
  it('releases a payload routed to nobody at once', () => {
    const { core } = newRig({ endpoints: [1] });
    const vm = addSeam(core, 1, Source.VMHOST);
    const p = countedPayload();
    vm.port.emit({ kind: Kind.ERROR, payload: p.payload });
    expect(p.releases()).toBe(1);
    expect(core.stats().payloads).toMatchObject({ live: 0, releaseErrors: 0 });
  });

  it('releases after the last of several receivers has it', () => {
    const { core, ctl, emit } = queueRig();
    const second = attach(core);
    second.subscribe(everything());
    second.take();
    const p = countedPayload();
    emit(Prio.NORMAL, 1, p.payload);
    ctl.take();
    expect(p.releases()).toBe(0);
    second.take();
    expect(p.releases()).toBe(1);
  });

  it('releases a payload that is dropped by overflow, and one pending at disconnect', () => {
    const { core, ctl, emit } = queueRig([1, 1, 1, 1]);
    const dropped = countedPayload();
    const pending = countedPayload();
    emit(Prio.BULK, 1, dropped.payload);
    emit(Prio.BULK, 2, pending.payload);
    expect(dropped.releases()).toBe(1);
    expect(pending.releases()).toBe(0);
    core.detachControl(ctl.id);
    expect(pending.releases()).toBe(1);
    expect(core.stats().payloads).toMatchObject({ tracked: 2, released: 2, live: 0 });
  });

  it('keeps a replayable payload until it is superseded, and releases it once', () => {
    const { core } = newRig({ endpoints: [1] });
    const vm = addSeam(core, 1, Source.VMHOST);
    const first = countedPayload();
    const second = countedPayload();
    vm.port.emit({ kind: Kind.VM_LIFECYCLE, payload: first.payload });
    expect(first.releases()).toBe(0);
    vm.port.emit({ kind: Kind.VM_LIFECYCLE, payload: second.payload });
    expect(first.releases()).toBe(1);
    core.removeEndpoint(1);
    expect(second.releases()).toBe(1);
    expect(core.stats().payloads.live).toBe(0);
  });

  it("releases a refused command's payload once, and an accepted one only after its adapter returns", () => {
    const { core } = newRig({ endpoints: [1] });
    const seenLive: number[] = [];
    let p = countedPayload();
    // CMD_MEMWRITE: the one kind that defines a payload (§10).
    const port = core.registerAdapter({
      source: Source.MEMCTX,
      endpoint: 1,
      defaultPrio: Prio.NORMAL,
      codec: 2,
      handle: () => void seenLive.push(p.releases()),
    });
    port.emit({ kind: Kind.SEAM_UP, inln: encodeSeam({ seam: Source.MEMCTX, reason: 0 }) });
    const weak = attach(core, { caps: Cap.OBSERVE });
    weak.send(cmd(Kind.CMD_MEMWRITE, 1, { payload: p.payload }));
    expect(p.releases()).toBe(1);
    p = countedPayload();
    const ok = attach(core);
    ok.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.MEMWRITE));
    ok.send(cmd(Kind.CMD_MEMWRITE, 1, { payload: p.payload }));
    expect(seenLive).toEqual([0]);
    expect(p.releases()).toBe(1);
  });

  it('counts a release function that throws instead of failing the route', () => {
    const { core } = newRig({ endpoints: [1] });
    const vm = addSeam(core, 1, Source.VMHOST);
    vm.port.emit({
      kind: Kind.ERROR,
      payload: {
        bytes: new Uint8Array(0),
        codec: 0,
        flags: 1,
        release: () => {
          throw new Error('boom');
        },
      },
    });
    expect(core.stats().payloads).toMatchObject({ released: 1, releaseErrors: 1, live: 0 });
  });
});

describe('byte budgets per class (§10)', () => {
  /** A core whose classes hold 10 events or 1000 bytes (one 104-byte event plus a payload of `n` costs 104 + n). */
  function byteRig() {
    const core = new Core({
      clock: new ManualClock(1),
      queueLimits: [10, 10, 10, 10],
      queueBytes: [1000, 1000, 1000, 1000],
    });
    core.addEndpoint(1, 'vm1');
    const vm = addSeam(core, 1, Source.VMHOST);
    const emit = (prio: number, tag: number, size: number) =>
      vm.port.emit({
        kind: Kind.ACT_ACK,
        prio,
        payload: { bytes: new Uint8Array(size), codec: 0, flags: 0 },
        inln: encodeVmState({ state: 0, detail: tag }),
      });
    return { core, emit };
  }

  it('NORMAL over its byte budget drops the oldest until the new event fits, and reports DROPPED', () => {
    const { core, emit } = byteRig();
    const ctl = attach(core);
    ctl.subscribe(everything());
    ctl.take();
    for (let i = 1; i <= 3; i++) emit(Prio.NORMAL, i, 196); // 300 bytes each: 3 fit in 1000
    emit(Prio.NORMAL, 4, 496); // 600: evicts the two oldest
    const got = ctl.take();
    expect(decodeErrorInl(got[0]!.inln)).toMatchObject({ code: ErrorCode.DROPPED, detail: 2 });
    expect(got.slice(1).map(tagOf)).toEqual([3, 4]);
    expect(ctl.closed).toEqual([]);
  });

  it('HIGH over its byte budget disconnects the control SLOW_CONSUMER', () => {
    const { core, emit } = byteRig();
    const ctl = attach(core);
    ctl.subscribe(everything());
    ctl.take();
    emit(Prio.HIGH, 1, 596);
    expect(ctl.closed).toEqual([]);
    emit(Prio.HIGH, 2, 596);
    expect(ctl.closed).toEqual([{ code: ErrorCode.SLOW_CONSUMER, reason: expect.stringMatching(/bytes/) }]);
    expect(core.stats().payloads.live).toBe(0);
  });

  it('an in-process control is never disconnected: it drops the oldest, raises pressure, and drain relieves it', () => {
    const { core, emit } = byteRig();
    const inbox: number[] = [];
    const closed: number[] = [];
    const id = core.attachControl(
      {
        name: 'console',
        principal: 1,
        caps: Cap.OBSERVE,
        grant: ALL_ENDPOINTS,
        leasePrio: 1,
        inProcess: true,
      },
      { wake: () => {}, closed: (code) => void closed.push(code) },
    );
    core.subscribe(id, everything());
    core.drain(id, () => true);
    let relieved = 0;
    core.pressure.onRelief(() => void relieved++);
    emit(Prio.HIGH, 1, 296);
    expect(core.pressure.active).toBe(false);
    emit(Prio.HIGH, 2, 296); // 800 of 1000: past half
    expect(core.pressure.active).toBe(true);
    emit(Prio.HIGH, 3, 296); // over: the oldest goes
    expect(closed).toEqual([]);
    core.drain(id, (ev) => {
      inbox.push(ev.kind === Kind.ERROR ? -decodeErrorInl(ev.inln).detail : tagOf(ev));
      return true;
    });
    expect(inbox).toEqual([-1, 2, 3]);
    expect(core.pressure.active).toBe(false);
    expect(relieved).toBe(1);
  });

  it('an event larger than its whole class budget is dropped itself, and reported', () => {
    const { core, emit } = byteRig();
    const ctl = attach(core);
    ctl.subscribe(everything());
    ctl.take();
    emit(Prio.BULK, 1, 10);
    emit(Prio.BULK, 2, 5000);
    const got = ctl.take();
    expect(decodeErrorInl(got[0]!.inln)).toMatchObject({ code: ErrorCode.DROPPED, detail: 1 });
    expect(got.slice(1).map(tagOf)).toEqual([1]);
    expect(core.stats().payloads.live).toBe(0);
  });
});
