// The seam lifecycle against a real core, seen as a control sees it: SEAM_UP / SEAM_DOWN as
// the link goes, commands routed by kind, and nothing from the seam once it is disposed.
// The link is a hand-driven stand-in: the seam reads only its status and its changes
// (VmLink itself is tested against a fake QMP server in vm-link.test.ts).
import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  Kind,
  Prio,
  SeamReason,
  Source,
  VmOp,
  type VmsigEvent,
  decodeActAck,
  decodeSeam,
  encodeOp,
  encodeVmState,
  utf8Decode,
} from '../../../shared/model';
import { attach, cmd, everything, newRig } from '../../../../test/helpers/core-rig';
import { QmpError } from '../qmp';
import { SeamLifecycle, type SeamSpec } from './seam-lifecycle';
import type { LinkStatus } from './vm-link';

/** A link whose status the test sets. */
function handLink(initial: LinkStatus) {
  const listeners = new Set<(s: LinkStatus) => void>();
  return {
    status: initial,
    onChange(fn: (s: LinkStatus) => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    set(s: LinkStatus) {
      this.status = s;
      for (const fn of listeners) fn(s);
    },
    get listening() {
      return listeners.size;
    },
  };
}

/** A VMHOST seam of endpoint 1 on a fresh core, and an operator control watching everything. */
function rig(spec: Partial<SeamSpec> = {}, initial: LinkStatus = { up: true }) {
  const { core } = newRig({ endpoints: [1] });
  const operator = attach(core);
  operator.subscribe(everything());
  const link = handLink(initial);
  const logs: string[] = [];
  const seam = new SeamLifecycle(core, {
    source: Source.VMHOST,
    codec: 5,
    defaultPrio: Prio.NORMAL,
    endpoint: 1,
    name: 'build-box',
    link,
    log: (level, msg) => logs.push(`${level} ${msg}`),
    commands: {},
    ...spec,
  });
  const seen = () => operator.take();
  return { core, operator, link, logs, seam, seen };
}

const query = () => cmd(Kind.CMD_VM, 1, { inln: encodeOp({ op: VmOp.QUERY }), corr: 7 });
const acks = (events: VmsigEvent[]) =>
  events.filter((e) => e.kind === Kind.ACT_ACK).map((e) => decodeActAck(e.inln));
const seams = (events: VmsigEvent[]) =>
  events
    .filter((e) => e.kind === Kind.SEAM_UP || e.kind === Kind.SEAM_DOWN)
    .map((e) => ({
      up: e.kind === Kind.SEAM_UP,
      ...decodeSeam(e.inln),
      name: e.payload ? utf8Decode(e.payload.bytes) : undefined,
    }));

describe('SeamLifecycle', () => {
  it('reports the seam as the link goes, with its display name, and runs onStatus after each report', () => {
    const { core, link, seam, seen } = rig({}, { up: false, reason: SeamReason.CLOSED });
    const statuses: LinkStatus[] = [];
    seam.report((s) => statuses.push(s));
    link.set({ up: true });
    link.set({ up: false, reason: SeamReason.HEARTBEAT_STALE });
    expect(seams(seen())).toEqual([
      { up: false, seam: Source.VMHOST, reason: SeamReason.CLOSED, name: 'build-box' },
      { up: true, seam: Source.VMHOST, reason: SeamReason.NORMAL, name: 'build-box' },
      { up: false, seam: Source.VMHOST, reason: SeamReason.HEARTBEAT_STALE, name: 'build-box' },
    ]);
    expect(statuses.map((s) => s.up)).toEqual([false, true, false]);
    expect(core.seamUp(1, Source.VMHOST)).toBe(false);
  });

  it('hands a command to the handler of its kind, and acks any other kind KIND', () => {
    const handled: VmsigEvent[] = [];
    const withHandler = rig({ commands: { [Kind.CMD_VM]: (c) => handled.push(c) } });
    withHandler.seam.report();
    withHandler.operator.send(query());
    expect(handled.map((c) => c.corr)).toEqual([7]);

    const without = rig({ commands: { [Kind.CMD_MEMWRITE]: () => handled.push(query()) } });
    without.seam.report();
    without.seen();
    without.operator.send(query());
    expect(acks(without.seen())).toEqual([
      expect.objectContaining({ ok: 0, err: ErrorCode.KIND, cmdKind: Kind.CMD_VM }),
    ]);
    expect(handled).toHaveLength(1);
  });

  it('acks while registered and drops acks, replies and emits once disposed', () => {
    const held: VmsigEvent[] = [];
    const { seam, seen, core } = rig({ commands: { [Kind.CMD_VM]: (c) => void held.push(c) } });
    seam.report();
    const operator = attach(core);
    operator.send(query());
    operator.send(query());
    seam.ack(held[0]!, ErrorCode.OK, 3);
    expect(acks(operator.take())).toEqual([expect.objectContaining({ ok: 1, err: ErrorCode.OK, detail: 3 })]);
    seen();

    seam.dispose();
    seam.ack(held[1]!, ErrorCode.OK);
    seam.reply(held[1]!, { kind: Kind.VM_LIFECYCLE, inln: encodeVmState({ state: 1, detail: 0 }) });
    seam.emit({ kind: Kind.VM_LIFECYCLE, inln: encodeVmState({ state: 1, detail: 0 }) });
    expect(operator.take()).toEqual([]);
    // The core itself says the seam went down (CLOSED); the seam adds nothing after that.
    expect(seen().map((e) => e.kind)).toEqual([Kind.SEAM_DOWN]);
    expect(core.seamUp(1, Source.VMHOST)).toBe(false);
  });

  it('says its last words before it goes, runs its disposers once and stops following the link', () => {
    const order: string[] = [];
    const { link, seam, seen } = rig({
      beforeDispose: () => {
        order.push('last words');
        seam.emit({ kind: Kind.VM_LIFECYCLE, inln: encodeVmState({ state: 0, detail: 0 }) });
      },
    });
    seam.report();
    seam.own(
      () => order.push('first disposer'),
      () => order.push('second disposer'),
    );
    seen();
    expect(link.listening).toBe(1);
    seam.dispose();
    seam.dispose();
    expect(order).toEqual(['last words', 'first disposer', 'second disposer']);
    expect(seam.disposed).toBe(true);
    expect(link.listening).toBe(0);
    expect(seen().map((e) => e.kind)).toEqual([Kind.VM_LIFECYCLE, Kind.SEAM_DOWN]);
    link.set({ up: false, reason: SeamReason.ERROR });
    expect(seen()).toEqual([]);
  });

  it('logs a failed command naming the seam and acks it with the failure code', () => {
    const held: VmsigEvent[] = [];
    const { seam, operator, logs, seen } = rig({ commands: { [Kind.CMD_VM]: (c) => void held.push(c) } });
    seam.report();
    operator.send(query());
    seen();
    seam.fail(held[0]!, 'query-status', new QmpError('timeout', ErrorCode.TIMEOUT, 'no reply in 5000 ms'));
    expect(logs).toEqual(['warn vmhost 1: query-status failed: TIMEOUT: no reply in 5000 ms']);
    expect(acks(seen())).toEqual([expect.objectContaining({ ok: 0, err: ErrorCode.TIMEOUT })]);
  });

  it('refuses a second claim on the same seam and leaves the first one working', () => {
    const { core, seam, operator, seen } = rig({
      commands: { [Kind.CMD_VM]: (c) => seam.ack(c, ErrorCode.OK) },
    });
    seam.report();
    const second = () =>
      new SeamLifecycle(core, {
        source: Source.VMHOST,
        codec: 5,
        defaultPrio: Prio.NORMAL,
        endpoint: 1,
        name: 'impostor',
        link: handLink({ up: true }),
        log: () => {},
        commands: {},
      });
    expect(second).toThrow();
    seen();
    operator.send(query());
    expect(acks(seen())).toEqual([expect.objectContaining({ ok: 1 })]);
  });
});
