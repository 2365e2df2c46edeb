/* Two clients contend for a lease with different priorities: preemption, denial, revocation on disconnect, and what others observe. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_ENDPOINTS, allEvents } from '../../src/main/core';
import { WireClient } from '../../src/main/wire';
import {
  InputKind,
  Kind,
  LeaseClass,
  LeaseDeny,
  type VmsigEvent,
  decodeActAck,
  decodeLeaseReq,
  decodeLeaseStatus,
  encodeInput,
  encodeLeaseReq,
} from '../../src/shared/model';
import { type Harness, TOKENS, startHarness } from '../helpers/wire-harness';
import { until } from '../helpers/until';

let h: Harness;
const clients: WireClient[] = [];
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await h.stop();
});

async function connect(token: string, name: string): Promise<{ c: WireClient; events: VmsigEvent[] }> {
  const c = await WireClient.connect(h.socket);
  clients.push(c);
  await c.hello(token, name);
  const events: VmsigEvent[] = [];
  c.onEvent((ev) => events.push(ev));
  return { c, events };
}

const lease = (cls: number): Uint8Array => encodeLeaseReq({ cls, reason: 0 });
describe('lease contention over the socket', () => {
  it('higher priority preempts, lower is denied LOWER_PRIO, and a disconnect frees the lease at once', async () => {
    const watcher = await connect(TOKENS.weak, 'watcher');
    watcher.c.subscribe(allEvents(ALL_ENDPOINTS));
    const robot = await connect(TOKENS.robot, 'robot'); // prio 5, principal 7
    const op = await connect(TOKENS.op, 'op'); // prio 10, principal 1

    const g1 = await robot.c.request({ kind: Kind.CMD_ACQUIRE, endpoint: 1, inln: lease(LeaseClass.INPUT) });
    expect(g1.kind).toBe(Kind.LEASE_GRANTED);
    const ok = await robot.c.request({
      kind: Kind.CMD_INPUT,
      endpoint: 1,
      inln: encodeInput({ kind: InputKind.KEY, code: 30, value: 1, scroll: 0 }),
    });
    expect(decodeActAck(ok.inln).ok).toBe(1);

    const g2 = await op.c.request({ kind: Kind.CMD_ACQUIRE, endpoint: 1, inln: lease(LeaseClass.INPUT) });
    expect(g2.kind).toBe(Kind.LEASE_GRANTED);
    await until(() => robot.events.some((e) => e.kind === Kind.LEASE_REVOKED));
    const revoked = robot.events.find((e) => e.kind === Kind.LEASE_REVOKED)!;
    expect(decodeLeaseReq(revoked.inln)).toEqual({ cls: LeaseClass.INPUT, reason: 1 }); // by principal 1

    const lost = await robot.c.request({
      kind: Kind.CMD_INPUT,
      endpoint: 1,
      inln: encodeInput({ kind: InputKind.KEY, code: 30, value: 0, scroll: 0 }),
    });
    expect(decodeActAck(lost.inln).err).toBe(3); // LEASE
    const denied = await robot.c.request({
      kind: Kind.CMD_ACQUIRE,
      endpoint: 1,
      inln: lease(LeaseClass.INPUT),
    });
    expect(denied.kind).toBe(Kind.LEASE_DENIED);
    expect(decodeLeaseReq(denied.inln).reason).toBe(LeaseDeny.LOWER_PRIO);
    const status = await robot.c.request({
      kind: Kind.CMD_LEASE_STATUS,
      endpoint: 1,
      inln: lease(LeaseClass.INPUT),
    });
    expect(decodeLeaseStatus(status.inln)).toEqual({ cls: LeaseClass.INPUT, busy: 1, ownerPrincipal: 1 });

    await until(() => watcher.events.filter((e) => e.kind === Kind.LEASE_GRANTED).length >= 2);

    await op.c.close();
    const after = await robot.c.request({
      kind: Kind.CMD_LEASE_STATUS,
      endpoint: 1,
      inln: lease(LeaseClass.INPUT),
    });
    expect(decodeLeaseStatus(after.inln).busy).toBe(0);
    const g3 = await robot.c.request({ kind: Kind.CMD_ACQUIRE, endpoint: 1, inln: lease(LeaseClass.INPUT) });
    expect(g3.kind).toBe(Kind.LEASE_GRANTED);
    // Only the robot's granted command reached the VM.
    expect(h.adapter.seen.filter((e) => e.kind === Kind.CMD_INPUT)).toHaveLength(1);
  });

  it('a control without the capability is denied NOCAP and one outside its grant NOGRANT', async () => {
    const weak = await connect(TOKENS.weak, 'weak');
    const r = await weak.c.request({ kind: Kind.CMD_ACQUIRE, endpoint: 1, inln: lease(LeaseClass.POWER) });
    expect([r.kind, decodeLeaseReq(r.inln).reason]).toEqual([Kind.LEASE_DENIED, LeaseDeny.NOCAP]);
    const robot = await connect(TOKENS.robot, 'robot');
    const g = await robot.c.request({ kind: Kind.CMD_ACQUIRE, endpoint: 2, inln: lease(LeaseClass.INPUT) });
    expect([g.kind, decodeLeaseReq(g.inln).reason]).toEqual([Kind.LEASE_DENIED, LeaseDeny.NOGRANT]);
  });
});
