import { describe, expect, it } from 'vitest';
import {
  ALL_CAPS,
  Cap,
  ErrorCode,
  Kind,
  LeaseClass,
  LeaseDeny,
  Source,
  type VmsigEvent,
  decodeActAck,
  decodeLeaseReq,
  decodeLeaseStatus,
} from '../../shared/model';
import { addSeam, attach, everything, leaseCmd, newRig } from '../../../test/helpers/core-rig';
import { maskOf } from './endpoint-mask';

/** Endpoint 1 and 2 with an INPUT adapter on 1, an all-seeing observer (no lease rights). */
function leaseRig() {
  const rig = newRig({ endpoints: [1, 2] });
  const input = addSeam(rig.core, 1, Source.INPUT);
  const observer = attach(rig.core, { caps: Cap.OBSERVE });
  observer.subscribe(everything());
  observer.take();
  const ctl = (leasePrio: number, caps = ALL_CAPS, grant = maskOf([1, 2])) =>
    attach(rig.core, { leasePrio, caps, grant });
  return { ...rig, input, observer, ctl };
}

const brief = (ev: VmsigEvent) => ({
  kind: ev.kind,
  origin: ev.origin,
  corr: ev.corr,
  endpoint: ev.endpoint,
  ...decodeLeaseReq(ev.inln),
});

describe('the lease arbiter through the core', () => {
  it('grants a free lease, addressed to the asker with its corr, visible to observers', () => {
    const { core, input, observer, ctl } = leaseRig();
    const a = ctl(1);
    expect(a.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT, 11))).toEqual({
      accepted: true,
      err: ErrorCode.OK,
      replied: true,
    });
    const granted = {
      kind: Kind.LEASE_GRANTED,
      origin: a.id,
      corr: 11,
      endpoint: 1,
      cls: LeaseClass.INPUT,
      reason: 0,
    };
    expect(a.take().map(brief)).toEqual([granted]);
    expect(observer.take().map(brief)).toEqual([{ ...granted, kind: Kind.CMD_ACQUIRE }, granted]);
    expect(core.arbiter.list()).toMatchObject([
      {
        endpoint: 1,
        cls: LeaseClass.INPUT,
        holder: { controlId: a.id, principal: a.spec.principal, prio: 1 },
      },
    ]);
    expect(input.handled, 'lease commands never reach an adapter').toEqual([]);
  });

  it('grants again to the holder (idempotent)', () => {
    const { core, ctl } = leaseRig();
    const a = ctl(1);
    a.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.POWER, 1));
    a.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.POWER, 2));
    expect(a.take().map((e) => [e.kind, e.corr])).toEqual([
      [Kind.LEASE_GRANTED, 1],
      [Kind.LEASE_GRANTED, 2],
    ]);
    expect(core.arbiter.list()).toHaveLength(1);
  });

  it('denies HELD to an equal prio and LOWER_PRIO to a lower one, privately', () => {
    const { core, observer, ctl } = leaseRig();
    const owner = ctl(5);
    const peer = ctl(5);
    const junior = ctl(2);
    owner.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT));
    observer.take();
    peer.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT, 3));
    junior.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT, 4));
    expect(peer.take().map(brief)).toEqual([
      { kind: Kind.LEASE_DENIED, origin: peer.id, corr: 3, endpoint: 1, cls: 0, reason: LeaseDeny.HELD },
    ]);
    expect(junior.take().map(brief)).toEqual([
      {
        kind: Kind.LEASE_DENIED,
        origin: junior.id,
        corr: 4,
        endpoint: 1,
        cls: 0,
        reason: LeaseDeny.LOWER_PRIO,
      },
    ]);
    expect(observer.take().filter((e) => e.dir === 0)).toEqual([]);
    expect(core.arbiter.holder(1, LeaseClass.INPUT)?.controlId).toBe(owner.id);
  });

  it('lets a higher prio preempt: the owner gets LEASE_REVOKED, the asker LEASE_GRANTED', () => {
    const { core, observer, ctl } = leaseRig();
    const low = ctl(1);
    const high = ctl(9);
    low.send(leaseCmd(Kind.CMD_ACQUIRE, 2, LeaseClass.MEMWRITE));
    low.take();
    observer.take();
    high.send(leaseCmd(Kind.CMD_ACQUIRE, 2, LeaseClass.MEMWRITE, 8));
    expect(low.take().map((e) => [e.kind, e.origin])).toEqual([[Kind.LEASE_REVOKED, low.id]]);
    expect(high.take().map((e) => [e.kind, e.origin, e.corr])).toEqual([[Kind.LEASE_GRANTED, high.id, 8]]);
    expect(
      observer
        .take()
        .filter((e) => e.dir === 0)
        .map((e) => e.kind),
    ).toEqual([Kind.LEASE_REVOKED, Kind.LEASE_GRANTED]);
    expect(core.arbiter.holder(2, LeaseClass.MEMWRITE)?.controlId).toBe(high.id);
  });

  it('denies NOCAP without the class capability, NOGRANT outside the grant, BADCLASS out of range', () => {
    const { core, ctl } = leaseRig();
    const noPower = ctl(1, ALL_CAPS & ~Cap.POWER);
    const onlyOne = ctl(1, ALL_CAPS, maskOf([1]));
    const out = [
      noPower.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.POWER)),
      onlyOne.send(leaseCmd(Kind.CMD_ACQUIRE, 2, LeaseClass.INPUT)),
      onlyOne.send(leaseCmd(Kind.CMD_ACQUIRE, 1, 3)),
      onlyOne.send(leaseCmd(Kind.CMD_RELEASE, 1, 0xffffffff)),
    ];
    expect(out.map((o) => [o.accepted, o.err, o.replied])).toEqual([
      [false, ErrorCode.PERM, true],
      [false, ErrorCode.GRANT, true],
      [false, ErrorCode.INVAL, true],
      [false, ErrorCode.INVAL, true],
    ]);
    expect(noPower.take().map((e) => [e.kind, decodeLeaseReq(e.inln).reason])).toEqual([
      [Kind.LEASE_DENIED, LeaseDeny.NOCAP],
    ]);
    expect(onlyOne.take().map((e) => [e.kind, decodeLeaseReq(e.inln).reason])).toEqual([
      [Kind.LEASE_DENIED, LeaseDeny.NOGRANT],
      [Kind.LEASE_DENIED, LeaseDeny.BADCLASS],
      [Kind.LEASE_DENIED, LeaseDeny.BADCLASS],
    ]);
    expect(core.arbiter.list()).toEqual([]);
  });

  it('answers a lease command for an unknown endpoint inside the grant with ACT_ACK NOENT', () => {
    const { core, ctl } = leaseRig();
    const a = ctl(1, ALL_CAPS, maskOf([1, 2, 7]));
    expect(a.send(leaseCmd(Kind.CMD_ACQUIRE, 7, LeaseClass.INPUT, 5)).err).toBe(ErrorCode.NOENT);
    const [ack] = a.take();
    expect([ack!.kind, ack!.corr, decodeActAck(ack!.inln).err]).toEqual([Kind.ACT_ACK, 5, ErrorCode.NOENT]);
    expect(core.arbiter.list()).toEqual([]);
  });

  it('RELEASE by the owner answers LEASE_RELEASED; by anyone else (or when free) DENIED HELD', () => {
    const { core, ctl } = leaseRig();
    const owner = ctl(1);
    const other = ctl(9);
    owner.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT));
    owner.take();
    other.send(leaseCmd(Kind.CMD_RELEASE, 1, LeaseClass.INPUT));
    expect(other.take().map((e) => [e.kind, decodeLeaseReq(e.inln).reason])).toEqual([
      [Kind.LEASE_DENIED, LeaseDeny.HELD],
    ]);
    expect(core.arbiter.holder(1, LeaseClass.INPUT)?.controlId).toBe(owner.id);
    owner.send(leaseCmd(Kind.CMD_RELEASE, 1, LeaseClass.INPUT, 6));
    expect(owner.take().map((e) => [e.kind, e.corr])).toEqual([[Kind.LEASE_RELEASED, 6]]);
    expect(core.arbiter.list()).toEqual([]);
    owner.send(leaseCmd(Kind.CMD_RELEASE, 1, LeaseClass.INPUT));
    expect(owner.take().map((e) => [e.kind, decodeLeaseReq(e.inln).reason])).toEqual([
      [Kind.LEASE_DENIED, LeaseDeny.HELD],
    ]);
  });

  it('LEASE_STATUS reports busy and the owner principal, privately', () => {
    const { observer, ctl } = leaseRig();
    const owner = ctl(1);
    const asker = ctl(1, Cap.INPUT);
    asker.send(leaseCmd(Kind.CMD_LEASE_STATUS, 1, LeaseClass.INPUT, 1));
    owner.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT));
    observer.take();
    asker.send(leaseCmd(Kind.CMD_LEASE_STATUS, 1, LeaseClass.INPUT, 2));
    expect(asker.take().map((e) => [e.kind, e.corr, decodeLeaseStatus(e.inln)])).toEqual([
      [Kind.LEASE_STATUS, 1, { cls: LeaseClass.INPUT, busy: 0, ownerPrincipal: 0 }],
      [Kind.LEASE_STATUS, 2, { cls: LeaseClass.INPUT, busy: 1, ownerPrincipal: owner.spec.principal }],
    ]);
    expect(observer.take().filter((e) => e.kind === Kind.LEASE_STATUS)).toEqual([]);
  });

  it('a control that disconnects loses every lease, and observers see the revocations', () => {
    const { core, observer, ctl } = leaseRig();
    const a = ctl(1);
    const b = ctl(1);
    for (const cls of [LeaseClass.INPUT, LeaseClass.POWER]) a.send(leaseCmd(Kind.CMD_ACQUIRE, 1, cls));
    a.send(leaseCmd(Kind.CMD_ACQUIRE, 2, LeaseClass.INPUT));
    b.send(leaseCmd(Kind.CMD_ACQUIRE, 2, LeaseClass.POWER));
    observer.take();
    core.detachControl(a.id);
    const revoked = observer.take().map((e) => [e.kind, e.origin, e.endpoint, decodeLeaseReq(e.inln).cls]);
    expect(revoked).toEqual([
      [Kind.LEASE_REVOKED, a.id, 1, LeaseClass.INPUT],
      [Kind.LEASE_REVOKED, a.id, 1, LeaseClass.POWER],
      [Kind.LEASE_REVOKED, a.id, 2, LeaseClass.INPUT],
    ]);
    expect(core.arbiter.list().map((r) => r.holder.controlId)).toEqual([b.id]);
    expect(b.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT)).accepted).toBe(true);
  });

  it('an endpoint that goes away frees its leases; the owner is told', () => {
    const { core, ctl } = leaseRig();
    const a = ctl(1);
    a.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT));
    a.send(leaseCmd(Kind.CMD_ACQUIRE, 2, LeaseClass.INPUT));
    a.take();
    core.removeEndpoint(1);
    expect(a.take().map((e) => [e.kind, e.endpoint])).toEqual([[Kind.LEASE_REVOKED, 1]]);
    expect(core.arbiter.list().map((r) => r.endpoint)).toEqual([2]);
    expect(a.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT)).err).toBe(ErrorCode.NOENT);
  });
});
