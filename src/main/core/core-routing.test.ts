import { describe, expect, it } from 'vitest';
import {
  Cap,
  Dir,
  Kind,
  Prio,
  Source,
  VmState,
  encodeCursor,
  encodeMemCtx,
  encodeMemCtxInvalidated,
  encodeOp,
  encodeVmState,
  LeaseClass,
  VmOp,
} from '../../shared/model';
import { addSeam, attach, cmd, everything, leaseCmd, newRig } from '../../../test/helpers/core-rig';
import { allEvents, kindSet } from './filter';
import { maskOf } from './endpoint-mask';

describe('stamping', () => {
  it('gives every routed event the next seq of one counter and the clock time at emit', () => {
    const { core, clock } = newRig();
    const vm1 = addSeam(core, 1, Source.VMHOST);
    const vm2 = addSeam(core, 2, Source.INPUT);
    const obs = attach(core);
    obs.subscribe(everything());
    obs.take();
    const stampsAt: number[] = [];
    for (let i = 0; i < 4; i++) {
      clock.advance(250);
      stampsAt.push(clock.nowNs());
      (i % 2 ? vm1 : vm2).port.emit({
        kind: Kind.VM_LIFECYCLE,
        inln: encodeVmState({ state: i, detail: 0 }),
      });
    }
    const got = obs.take();
    expect(got.map((e) => e.tsNs)).toEqual(stampsAt);
    const seqs = got.map((e) => e.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
    expect(core.stats().seq).toBe(seqs.at(-1));
  });

  it('overwrites a forged origin, seq, ts and source on a control command', () => {
    const { core, clock } = newRig();
    const vmhost = addSeam(core, 1, Source.VMHOST);
    const ctl = attach(core);
    clock.advance(5_000);
    const forged = cmd(Kind.CMD_VM, 1, {
      inln: encodeOp({ op: VmOp.QUERY }),
      origin: 4242,
      seq: 99_999,
      tsNs: 7,
      source: Source.VMHOST,
      corr: 17,
    });
    expect(ctl.send(forged)).toEqual({ accepted: true, err: 0, replied: true });
    const seen = vmhost.handled[0]!;
    expect(seen.origin).toBe(ctl.id);
    expect(seen.source).toBe(Source.CONTROL);
    expect(seen.seq).toBe(core.stats().seq);
    expect(seen.tsNs).toBe(clock.nowNs());
    expect(seen.corr).toBe(17);
  });

  it('overwrites a sensor-forged origin: its cursor report is a broadcast, not a reply to itself', () => {
    const { core } = newRig();
    const sensor = attach(core, { caps: Cap.SENSOR });
    const obs = attach(core, { caps: Cap.OBSERVE });
    obs.subscribe(everything());
    const ev = cmd(Kind.CURSOR_STATE, 1, {
      dir: Dir.UP,
      origin: obs.id,
      inln: encodeCursor({ x: -5, y: 9, visible: 1, seq: 1 }),
    });
    expect(sensor.send(ev).accepted).toBe(true);
    expect(sensor.take()).toEqual([]);
    const got = obs.take();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ kind: Kind.CURSOR_STATE, source: Source.FRAME, origin: 0 });
  });
});

describe('adapter registration', () => {
  it('allows one owner per seam and endpoint, and a new owner after unregister', () => {
    const { core } = newRig();
    const a = addSeam(core, 1, Source.INPUT);
    expect(() => addSeam(core, 1, Source.INPUT)).toThrow(/already owned/);
    expect(() => addSeam(core, 2, Source.INPUT)).not.toThrow();
    expect(() => addSeam(core, 1, Source.VMHOST)).not.toThrow();
    expect(() => addSeam(core, 9, Source.INPUT)).toThrow(/not declared/);
    a.port.unregister();
    expect(core.seamUp(1, Source.INPUT)).toBe(false);
    expect(() => a.port.emit({ kind: Kind.SEAM_UP })).toThrow(/unregistered/);
    expect(() => addSeam(core, 1, Source.INPUT)).not.toThrow();
    expect(core.seamUp(1, Source.INPUT)).toBe(true);
  });

  it('routes a DOWN command only to the adapter owning its seam on its endpoint', () => {
    const { core } = newRig();
    const in1 = addSeam(core, 1, Source.INPUT);
    const in2 = addSeam(core, 2, Source.INPUT);
    const vm1 = addSeam(core, 1, Source.VMHOST);
    const vm2 = addSeam(core, 2, Source.VMHOST);
    const ctl = attach(core);
    ctl.send(cmd(Kind.CMD_VM, 1, { inln: encodeOp({ op: VmOp.STOP }) }));
    ctl.send(cmd(Kind.CMD_QUERY_INPUT, 2));
    ctl.send(leaseCmd(Kind.CMD_ACQUIRE, 2, LeaseClass.INPUT));
    ctl.send(cmd(Kind.CMD_INPUT, 2));
    expect(vm1.handled.map((e) => e.kind)).toEqual([Kind.CMD_VM]);
    expect(in2.handled.map((e) => e.kind)).toEqual([Kind.CMD_QUERY_INPUT, Kind.CMD_INPUT]);
    expect(in1.handled).toEqual([]);
    expect(vm2.handled).toEqual([]);
  });

  it('fans an UP event out to every subscribed control exactly once', () => {
    const { core } = newRig();
    const vm = addSeam(core, 1, Source.VMHOST);
    const subs = [attach(core), attach(core), attach(core)];
    const quiet = attach(core);
    for (const s of subs) s.subscribe(everything());
    for (const s of subs) s.take();
    const ev = vm.port.emit({
      kind: Kind.VM_LIFECYCLE,
      inln: encodeVmState({ state: VmState.PAUSED, detail: 0 }),
    });
    for (const s of subs) expect(s.take()).toEqual([ev]);
    expect(quiet.take()).toEqual([]);
  });

  it('reports a seam down (CLOSED) to observers when its adapter unregisters', () => {
    const { core } = newRig();
    const vm = addSeam(core, 1, Source.VMHOST);
    const obs = attach(core);
    obs.subscribe(everything());
    obs.take();
    vm.port.unregister();
    const [down] = obs.take();
    expect(down).toMatchObject({
      kind: Kind.SEAM_DOWN,
      source: Source.VMHOST,
      endpoint: 1,
      prio: Prio.URGENT,
    });
    expect(down!.inln[0]).toBe(Source.VMHOST);
    expect(down!.inln[4]).toBe(2);
  });
});

describe('subscription filters', () => {
  const lifecycle = (state: number) => ({
    kind: Kind.VM_LIFECYCLE,
    inln: encodeVmState({ state, detail: 0 }),
  });

  function observe(
    filter: Parameters<ReturnType<typeof attach>['subscribe']>[0],
    caps: number = Cap.OBSERVE,
    grant = maskOf([1, 2]),
  ) {
    const { core } = newRig();
    const vm1 = addSeam(core, 1, Source.VMHOST);
    const in2 = addSeam(core, 2, Source.INPUT);
    const obs = attach(core, { caps, grant });
    obs.subscribe(filter);
    obs.take();
    return { core, vm1, in2, obs };
  }

  it('admits only the subscribed kinds', () => {
    const { vm1, obs } = observe({ ...everything(), kinds: kindSet([Kind.ERROR]) });
    vm1.port.emit(lifecycle(VmState.RUNNING));
    const err = vm1.port.emit({ kind: Kind.ERROR });
    expect(obs.take()).toEqual([err]);
  });

  it('admits only the subscribed sources', () => {
    const { vm1, in2, obs } = observe({ ...everything(), sources: 1 << Source.INPUT });
    vm1.port.emit(lifecycle(VmState.RUNNING));
    const fromInput = in2.port.emit(lifecycle(VmState.PAUSED));
    expect(obs.take()).toEqual([fromInput]);
  });

  it('admits only the subscribed directions', () => {
    const { core, vm1, obs } = observe({ ...everything(), dirs: 0b10 });
    const actor = attach(core);
    vm1.port.emit(lifecycle(VmState.RUNNING));
    const down = cmd(Kind.CMD_VM, 1, { inln: encodeOp({ op: VmOp.QUERY }) });
    actor.send(down);
    expect(obs.take().map((e) => [e.kind, e.dir])).toEqual([[Kind.CMD_VM, Dir.DOWN]]);
  });

  it('admits only events at or above prio_min', () => {
    const { vm1, obs } = observe({ ...everything(), prioMin: Prio.HIGH });
    vm1.port.emit({ ...lifecycle(0), prio: Prio.NORMAL });
    const high = vm1.port.emit({ ...lifecycle(1), prio: Prio.HIGH });
    const urgent = vm1.port.emit({ ...lifecycle(2), prio: Prio.URGENT });
    expect(obs.take()).toEqual([urgent, high]);
  });

  it('admits only the subscribed endpoints', () => {
    const { vm1, in2, obs } = observe(everything([2]));
    vm1.port.emit(lifecycle(VmState.RUNNING));
    const two = in2.port.emit(lifecycle(VmState.PAUSED));
    expect(obs.take()).toEqual([two]);
  });

  it('never admits an endpoint outside the grant, whatever the filter asks', () => {
    const { vm1, in2, obs } = observe(everything(), Cap.OBSERVE, maskOf([2]));
    vm1.port.emit(lifecycle(VmState.RUNNING));
    const two = in2.port.emit(lifecycle(VmState.PAUSED));
    expect(obs.take()).toEqual([two]);
  });

  it('delivers MEMCTX and MEMCTX_INVALIDATED only with MEMREAD', () => {
    for (const [caps, expected] of [
      [Cap.OBSERVE, [Kind.VM_LIFECYCLE]],
      [Cap.OBSERVE | Cap.MEMREAD, [Kind.MEMCTX, Kind.MEMCTX_INVALIDATED, Kind.VM_LIFECYCLE]],
      [Cap.MEMREAD, [Kind.MEMCTX, Kind.MEMCTX_INVALIDATED]],
    ] as const) {
      const { core, vm1, obs } = observe(everything(), caps);
      const mem = core.registerAdapter({
        source: Source.MEMCTX,
        endpoint: 1,
        defaultPrio: Prio.NORMAL,
        codec: 3,
        handle: () => {},
      });
      mem.emit({
        kind: Kind.MEMCTX,
        prio: Prio.NORMAL,
        inln: encodeMemCtx({ epoch: 1, nseg: 0, kcr3: 1n, ramSize: 1n, levels: 4, flags: 0 }),
      });
      mem.emit({
        kind: Kind.MEMCTX_INVALIDATED,
        prio: Prio.NORMAL,
        inln: encodeMemCtxInvalidated({ epoch: 1, reason: 0 }),
      });
      vm1.port.emit({ ...lifecycle(0), prio: Prio.BULK });
      expect(
        obs.take().map((e) => e.kind),
        `caps ${caps}`,
      ).toEqual(expected);
    }
  });

  it('delivers CURSOR_STATE with OBSERVE or INPUT, and nothing else to INPUT alone', () => {
    for (const [caps, expected] of [
      [Cap.OBSERVE, [Kind.CURSOR_STATE, Kind.VM_LIFECYCLE]],
      [Cap.INPUT, [Kind.CURSOR_STATE]],
      [Cap.LIFECYCLE | Cap.POWER | Cap.VM, []],
    ] as const) {
      const { core, vm1, obs } = observe(everything(), caps);
      const sensor = attach(core, { caps: Cap.SENSOR });
      sensor.send(
        cmd(Kind.CURSOR_STATE, 1, {
          dir: Dir.UP,
          prio: Prio.HIGH,
          inln: encodeCursor({ x: 1, y: 2, visible: 1, seq: 3 }),
        }),
      );
      vm1.port.emit({ ...lifecycle(0), prio: Prio.BULK });
      expect(
        obs.take().map((e) => e.kind),
        `caps ${caps}`,
      ).toEqual(expected);
    }
  });

  it('before the first SUBSCRIBE delivers only replies addressed to the control', () => {
    const { core } = newRig();
    const vm1 = addSeam(core, 1, Source.VMHOST);
    const ctl = attach(core);
    vm1.port.emit(lifecycle(VmState.RUNNING));
    ctl.send(cmd(Kind.CMD_VM, 1, { corr: 5, inln: encodeOp({ op: VmOp.QUERY }) }));
    const q = vm1.handled[0]!;
    const ack = vm1.port.ack(q, 0);
    vm1.port.emit(lifecycle(VmState.PAUSED));
    expect(ctl.take()).toEqual([ack]);
    expect(ack.corr).toBe(5);
  });

  it('a new SUBSCRIBE replaces the previous filter', () => {
    const { vm1, obs } = observe(everything());
    obs.subscribe({ ...everything(), kinds: kindSet([Kind.ERROR]) });
    obs.take();
    vm1.port.emit(lifecycle(VmState.RUNNING));
    expect(obs.take()).toEqual([]);
    obs.subscribe(allEvents(maskOf([1])));
    obs.take();
    const ev = vm1.port.emit(lifecycle(VmState.PAUSED));
    expect(obs.take()).toEqual([ev]);
  });
});
