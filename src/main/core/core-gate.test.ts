import { describe, expect, it } from 'vitest';
import {
  ALL_CAPS,
  Cap,
  Dir,
  ErrorCode,
  Kind,
  LeaseClass,
  LifecycleOp,
  Prio,
  RETIRED_KINDS,
  Source,
  VmOp,
  decodeActAck,
  encodeCursor,
  encodeOp,
  encodeSeam,
} from '../../shared/model';
import { addSeam, attach, cmd, everything, leaseCmd, newRig } from '../../../test/helpers/core-rig';
import { maskOf } from './endpoint-mask';
import { clampClientPrio } from './command-rules';

/** A core with endpoint 1 (INPUT seam up) and endpoint 2 declared but seamless; 3 is unknown. */
function gateRig() {
  const { core } = newRig({ endpoints: [1, 2] });
  const input1 = addSeam(core, 1, Source.INPUT);
  const observer = attach(core, { caps: ALL_CAPS });
  observer.subscribe(everything());
  observer.take();
  return { core, input1, observer };
}

function refusal(events: ReturnType<ReturnType<typeof attach>['take']>) {
  expect(events).toHaveLength(1);
  const ev = events[0]!;
  expect(ev.kind).toBe(Kind.ACT_ACK);
  expect(ev.source).toBe(Source.CORE);
  return { ...decodeActAck(ev.inln), corr: ev.corr, origin: ev.origin, endpoint: ev.endpoint };
}

describe('the command gate (§6)', () => {
  it('checks capability, grant, endpoint, lease and seam in that order; the first failure answers', () => {
    const cases: { caps: number; grant: number[]; endpoint: number; lease: boolean; err: number }[] = [
      { caps: 0, grant: [], endpoint: 3, lease: false, err: ErrorCode.PERM },
      { caps: Cap.INPUT, grant: [], endpoint: 3, lease: false, err: ErrorCode.GRANT },
      { caps: Cap.INPUT, grant: [1, 2, 3], endpoint: 3, lease: false, err: ErrorCode.NOENT },
      { caps: Cap.INPUT, grant: [1, 2], endpoint: 2, lease: false, err: ErrorCode.LEASE },
      { caps: Cap.INPUT, grant: [1, 2], endpoint: 2, lease: true, err: ErrorCode.SEAM },
      { caps: Cap.INPUT, grant: [1, 2], endpoint: 1, lease: true, err: ErrorCode.OK },
    ];
    for (const c of cases) {
      const { core, input1, observer } = gateRig();
      const ctl = attach(core, { caps: c.caps, grant: maskOf(c.grant) });
      if (c.lease) {
        expect(ctl.send(leaseCmd(Kind.CMD_ACQUIRE, c.endpoint, LeaseClass.INPUT)).accepted).toBe(true);
        ctl.take();
        observer.take();
      }
      const out = ctl.send(cmd(Kind.CMD_INPUT, c.endpoint, { corr: 77 }));
      if (c.err === ErrorCode.OK) {
        expect(out).toEqual({ accepted: true, err: ErrorCode.OK, replied: true });
        expect(input1.handled).toHaveLength(1);
        continue;
      }
      expect(out, JSON.stringify(c)).toEqual({ accepted: false, err: c.err, replied: true });
      expect(refusal(ctl.take())).toEqual({
        ok: 0,
        err: c.err,
        cmdKind: Kind.CMD_INPUT,
        detail: 0,
        corr: 77,
        origin: ctl.id,
        endpoint: c.endpoint,
      });
      expect(input1.handled, 'a refused command never reaches an adapter').toEqual([]);
      expect(observer.take(), 'a refusal is addressed to the sender only').toEqual([]);
    }
  });

  it('destructive lifecycle and VM ops need POWER and the POWER lease; safe ones LIFECYCLE or VM', () => {
    const { core } = newRig({ endpoints: [1] });
    const input = addSeam(core, 1, Source.INPUT);
    const vmhost = addSeam(core, 1, Source.VMHOST);
    const safe = attach(core, { caps: Cap.LIFECYCLE | Cap.VM });
    const power = attach(core, { caps: Cap.POWER });
    const life = (op: number) => cmd(Kind.CMD_LIFECYCLE, 1, { inln: encodeOp({ op }) });
    const vm = (op: number) => cmd(Kind.CMD_VM, 1, { inln: encodeOp({ op }) });

    for (const op of [LifecycleOp.WAKEUP, LifecycleOp.PAUSE, LifecycleOp.RESUME])
      expect(safe.send(life(op)).err).toBe(ErrorCode.OK);
    for (const op of [VmOp.QUERY, VmOp.CONT, VmOp.STOP]) expect(safe.send(vm(op)).err).toBe(ErrorCode.OK);
    for (const op of [LifecycleOp.POWERDOWN, LifecycleOp.RESET])
      expect(safe.send(life(op)).err).toBe(ErrorCode.PERM);
    for (const op of [VmOp.RESET, VmOp.POWERDOWN, VmOp.QUIT])
      expect(safe.send(vm(op)).err).toBe(ErrorCode.PERM);
    expect(power.send(life(LifecycleOp.PAUSE)).err).toBe(ErrorCode.PERM);
    expect(power.send(vm(VmOp.QUERY)).err).toBe(ErrorCode.PERM);
    expect(power.send(life(LifecycleOp.RESET)).err).toBe(ErrorCode.LEASE);
    expect(power.send(vm(VmOp.QUIT)).err).toBe(ErrorCode.LEASE);
    expect(power.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.POWER)).accepted).toBe(true);
    expect(power.send(life(LifecycleOp.RESET)).err).toBe(ErrorCode.OK);
    expect(power.send(vm(VmOp.QUIT)).err).toBe(ErrorCode.OK);
    expect(input.handled.map((e) => e.inln[0])).toEqual([
      LifecycleOp.WAKEUP,
      LifecycleOp.PAUSE,
      LifecycleOp.RESUME,
      LifecycleOp.RESET,
    ]);
    expect(vmhost.handled.map((e) => e.inln[0])).toEqual([VmOp.QUERY, VmOp.CONT, VmOp.STOP, VmOp.QUIT]);
  });

  it('answers an unknown lifecycle or VM op with INVAL', () => {
    const { core } = gateRig();
    const ctl = attach(core);
    expect(ctl.send(cmd(Kind.CMD_LIFECYCLE, 1, { inln: encodeOp({ op: 9 }) })).err).toBe(ErrorCode.INVAL);
    expect(ctl.send(cmd(Kind.CMD_VM, 1, { inln: encodeOp({ op: 6 }) })).err).toBe(ErrorCode.INVAL);
    expect(ctl.take().map((e) => decodeActAck(e.inln).err)).toEqual([ErrorCode.INVAL, ErrorCode.INVAL]);
  });

  it('answers a bad op outside the grant with GRANT, so it learns nothing about the endpoint', () => {
    const { core } = gateRig();
    const ctl = attach(core, { grant: maskOf([2]) });
    expect(ctl.send(cmd(Kind.CMD_VM, 1, { inln: encodeOp({ op: 6 }) })).err).toBe(ErrorCode.GRANT);
    expect(ctl.send(cmd(Kind.CMD_VM, 2, { inln: encodeOp({ op: 6 }) })).err).toBe(ErrorCode.INVAL);
  });

  it("shows another control's CMD_MEMWRITE (guest bytes inline) only to observers with MEMREAD", () => {
    const { core } = newRig({ endpoints: [1] });
    const mem = core.registerAdapter({
      source: Source.MEMCTX,
      endpoint: 1,
      defaultPrio: Prio.NORMAL,
      codec: 3,
      handle: () => {},
    });
    mem.emit({ kind: Kind.SEAM_UP, inln: encodeSeam({ seam: Source.MEMCTX, reason: 0 }) });
    const writer = attach(core, { caps: Cap.MEMWRITE });
    const watcher = attach(core, { caps: Cap.OBSERVE });
    const reader = attach(core, { caps: Cap.OBSERVE | Cap.MEMREAD });
    watcher.subscribe(everything());
    reader.subscribe(everything());
    writer.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.MEMWRITE));
    expect(writer.send(cmd(Kind.CMD_MEMWRITE, 1)).err).toBe(ErrorCode.OK);
    expect(watcher.take().some((e) => e.kind === Kind.CMD_MEMWRITE)).toBe(false);
    expect(reader.take().some((e) => e.kind === Kind.CMD_MEMWRITE)).toBe(true);
  });

  it('needs MEMWRITE cap, grant, lease and an up MEMCTX seam for CMD_MEMWRITE', () => {
    const { core } = newRig({ endpoints: [1] });
    const mem = core.registerAdapter({
      source: Source.MEMCTX,
      endpoint: 1,
      defaultPrio: Prio.NORMAL,
      codec: 3,
      handle: () => {},
    });
    const writer = attach(core, { caps: Cap.MEMWRITE });
    const reader = attach(core, { caps: Cap.MEMREAD | Cap.OBSERVE });
    expect(reader.send(cmd(Kind.CMD_MEMWRITE, 1)).err).toBe(ErrorCode.PERM);
    expect(writer.send(cmd(Kind.CMD_MEMWRITE, 1)).err).toBe(ErrorCode.LEASE);
    writer.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.MEMWRITE));
    expect(writer.send(cmd(Kind.CMD_MEMWRITE, 1)).err).toBe(ErrorCode.SEAM);
    mem.emit({ kind: Kind.SEAM_UP, inln: encodeSeam({ seam: Source.MEMCTX, reason: 0 }) });
    expect(writer.send(cmd(Kind.CMD_MEMWRITE, 1)).err).toBe(ErrorCode.OK);
  });
});

describe('kinds a control may not send (§4)', () => {
  it('answers a retired or unknown DOWN kind with ACT_ACK KIND, never forwarding it', () => {
    const { core, input1, observer } = gateRig();
    const ctl = attach(core);
    for (const kind of [...RETIRED_KINDS, 99, 127, 1000, Kind.NONE, Kind.ACT_ACK]) {
      expect(ctl.send(cmd(kind, 1, { corr: kind })), `kind ${kind}`).toEqual({
        accepted: false,
        err: ErrorCode.KIND,
        replied: true,
      });
      expect(refusal(ctl.take())).toMatchObject({ ok: 0, err: ErrorCode.KIND, cmdKind: kind, corr: kind });
    }
    expect(input1.handled).toEqual([]);
    expect(observer.take()).toEqual([]);
  });

  it('refuses any UP event but a SENSOR CURSOR_STATE with replied=false (an ERROR frame KIND)', () => {
    const { core, observer } = gateRig();
    const plain = attach(core, { caps: ALL_CAPS & ~Cap.SENSOR });
    const sensor = attach(core, { caps: Cap.SENSOR });
    const cursor = () =>
      cmd(Kind.CURSOR_STATE, 1, { dir: Dir.UP, inln: encodeCursor({ x: 1, y: 1, visible: 1, seq: 1 }) });
    expect(plain.send(cursor())).toEqual({ accepted: false, err: ErrorCode.KIND, replied: false });
    for (const kind of [...RETIRED_KINDS, Kind.VM_LIFECYCLE, Kind.LEASE_GRANTED, Kind.SEAM_UP, 200]) {
      expect(sensor.send(cmd(kind, 1, { dir: Dir.UP })), `kind ${kind}`).toEqual({
        accepted: false,
        err: ErrorCode.KIND,
        replied: false,
      });
    }
    expect(sensor.send(cmd(Kind.CMD_INPUT, 1, { dir: 7 }))).toEqual({
      accepted: false,
      err: ErrorCode.KIND,
      replied: false,
    });
    expect(plain.take()).toEqual([]);
    expect(sensor.take()).toEqual([]);
    expect(observer.take()).toEqual([]);
    expect(sensor.send(cursor())).toEqual({ accepted: true, err: ErrorCode.OK, replied: true });
    expect(observer.take().map((e) => [e.kind, e.source])).toEqual([[Kind.CURSOR_STATE, Source.FRAME]]);
  });

  it('answers a sensor report outside its grant or for an unknown endpoint with a private ERROR event', () => {
    const { core, observer } = gateRig();
    const sensor = attach(core, { caps: Cap.SENSOR, grant: maskOf([1, 3]) });
    expect(sensor.send(cmd(Kind.CURSOR_STATE, 2, { dir: Dir.UP })).err).toBe(ErrorCode.GRANT);
    expect(sensor.send(cmd(Kind.CURSOR_STATE, 3, { dir: Dir.UP })).err).toBe(ErrorCode.NOENT);
    expect(sensor.take().map((e) => [e.kind, e.inln[0]])).toEqual([
      [Kind.ERROR, ErrorCode.GRANT],
      [Kind.ERROR, ErrorCode.NOENT],
    ]);
    expect(observer.take()).toEqual([]);
  });

  it('reports a refused command to taps with its error, an accepted one without', () => {
    const { core } = gateRig();
    const seen: [number, number | undefined][] = [];
    const off = core.addTap((ev, refused) => {
      if (ev.dir === Dir.DOWN) seen.push([ev.kind, refused]);
    });
    const ctl = attach(core, { caps: Cap.VM });
    ctl.send(cmd(Kind.CMD_INPUT, 1));
    ctl.send(cmd(Kind.CMD_QUERY_INPUT, 1));
    const ok = attach(core);
    ok.send(cmd(Kind.CMD_QUERY_INPUT, 1));
    off();
    ok.send(cmd(Kind.CMD_QUERY_INPUT, 1));
    expect(seen).toEqual([
      [Kind.CMD_INPUT, ErrorCode.PERM],
      [Kind.CMD_QUERY_INPUT, ErrorCode.PERM],
      [Kind.CMD_QUERY_INPUT, undefined],
    ]);
  });
});

describe('client prio on commands (§7)', () => {
  it('may lower a command prio, raise it at most to HIGH, never to URGENT', () => {
    const { core, input1 } = gateRig();
    const ctl = attach(core);
    for (const prio of [Prio.BULK, Prio.NORMAL, Prio.HIGH, Prio.URGENT, 7, 0xffffffff])
      ctl.send(cmd(Kind.CMD_QUERY_INPUT, 1, { prio }));
    expect(input1.handled.map((e) => e.prio)).toEqual([
      Prio.BULK,
      Prio.NORMAL,
      Prio.HIGH,
      Prio.HIGH,
      Prio.HIGH,
      Prio.HIGH,
    ]);
  });

  it('clamps non-integers and negatives to BULK', () => {
    expect(clampClientPrio(-1)).toBe(Prio.BULK);
    expect(clampClientPrio(1.5)).toBe(Prio.BULK);
    expect(clampClientPrio(Number.NaN)).toBe(Prio.BULK);
  });
});
