import { describe, expect, it } from 'vitest';
import {
  Dir,
  ErrorCode,
  Kind,
  LeaseClass,
  MEMWRITE_MAX,
  Source,
  VmOp,
  decodeActAck,
  encodeOp,
} from '../../shared/model';
import { addSeam, attach, cmd, everything, leaseCmd, newRig } from '../../../test/helpers/core-rig';
import { checkPayload, payloadLimit } from './payload-limits';

const payload = (n: number) => ({ bytes: new Uint8Array(n), codec: 0, flags: 0 });

describe('payload limits (§10)', () => {
  it('only CMD_MEMWRITE defines a payload, up to MEMWRITE_MAX', () => {
    expect(payloadLimit(Kind.CMD_MEMWRITE)).toBe(MEMWRITE_MAX);
    expect(payloadLimit(Kind.CMD_INPUT)).toBe(0);
    expect(checkPayload(cmd(Kind.CMD_MEMWRITE, 1, { payload: payload(MEMWRITE_MAX) }))).toBe(ErrorCode.OK);
    expect(checkPayload(cmd(Kind.CMD_MEMWRITE, 1, { payload: payload(MEMWRITE_MAX + 1) }))).toBe(
      ErrorCode.EXTENT,
    );
    expect(checkPayload(cmd(Kind.CMD_VM, 1, { payload: payload(1) }))).toBe(ErrorCode.INVAL);
    expect(checkPayload(cmd(Kind.CMD_VM, 1, { payload: payload(0) }))).toBe(ErrorCode.OK);
  });

  it('an oversized command is answered before the gate and never reaches its adapter', () => {
    const { core } = newRig({ endpoints: [1] });
    const mem = addSeam(core, 1, Source.MEMCTX);
    const ctl = attach(core);
    ctl.take();
    const out = ctl.send(cmd(Kind.CMD_MEMWRITE, 1, { corr: 5, payload: payload(MEMWRITE_MAX + 1) }));
    expect(out).toEqual({ accepted: false, err: ErrorCode.EXTENT, replied: true });
    const [ack] = ctl.take();
    expect(ack!.corr).toBe(5);
    expect(decodeActAck(ack!.inln)).toMatchObject({
      ok: 0,
      err: ErrorCode.EXTENT,
      cmdKind: Kind.CMD_MEMWRITE,
    });
    expect(mem.handled).toEqual([]);
  });
});

describe('write-ahead through taps (§10)', () => {
  it('a command a tap could not record is answered IO and reaches neither adapter nor observers', () => {
    const { core } = newRig({ endpoints: [1] });
    const vm = addSeam(core, 1, Source.VMHOST);
    const ctl = attach(core);
    const observer = attach(core);
    observer.subscribe(everything());
    observer.take();
    ctl.take();
    let recording = false;
    core.addTap((ev) => (ev.dir === Dir.DOWN ? recording : true));
    const out = ctl.send(cmd(Kind.CMD_VM, 1, { corr: 9, inln: encodeOp({ op: VmOp.QUERY }) }));
    expect(out).toEqual({ accepted: false, err: ErrorCode.IO, replied: true });
    expect(decodeActAck(ctl.take()[0]!.inln)).toMatchObject({ ok: 0, err: ErrorCode.IO });
    expect(vm.handled).toEqual([]);
    expect(observer.take().filter((e) => e.kind === Kind.CMD_VM)).toEqual([]);

    const lease = ctl.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.POWER, 10));
    expect(lease.err).toBe(ErrorCode.IO);
    expect(core.arbiter.holder(1, LeaseClass.POWER)).toBeUndefined();

    recording = true;
    expect(ctl.send(cmd(Kind.CMD_VM, 1, { corr: 11, inln: encodeOp({ op: VmOp.QUERY }) })).accepted).toBe(
      true,
    );
    expect(vm.handled).toHaveLength(1);
  });

  it('a throwing tap counts as not recorded', () => {
    const { core } = newRig({ endpoints: [1] });
    const vm = addSeam(core, 1, Source.VMHOST);
    const ctl = attach(core);
    core.addTap((ev) => {
      if (ev.dir === Dir.DOWN) throw new Error('disk on fire');
    });
    expect(ctl.send(cmd(Kind.CMD_VM, 1, { inln: encodeOp({ op: VmOp.QUERY }) })).err).toBe(ErrorCode.IO);
    expect(vm.handled).toEqual([]);
  });
});
