/*
 * Model-based test of the lease arbiter, driven through Core.submit so the whole gate
 * runs: random command sequences over controls of different prio/caps/grant, endpoints
 * that come and go, and controls that die and come back, checked step by step against a
 * small reference model (every reply: kind, reason, addressee; and the lease table).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Cap,
  ErrorCode,
  Kind,
  LeaseDeny,
  type VmsigEvent,
  decodeActAck,
  decodeLeaseReq,
  decodeLeaseStatus,
} from '../../shared/model';
import { attach, everything, leaseCmd, newRig, type RigControl } from '../../../test/helpers/core-rig';
import { kindSet } from './filter';
import { maskOf } from './endpoint-mask';

interface Slot {
  caps: number;
  grant: number[];
  leasePrio: number;
  principal: number;
}

const SLOTS: Slot[] = [
  { caps: Cap.INPUT | Cap.POWER | Cap.MEMWRITE, grant: [1, 2, 3, 4], leasePrio: 1, principal: 11 },
  { caps: Cap.INPUT | Cap.POWER | Cap.MEMWRITE, grant: [1, 2], leasePrio: 1, principal: 12 },
  { caps: Cap.INPUT | Cap.OBSERVE, grant: [1, 2, 3], leasePrio: 5, principal: 13 },
  { caps: Cap.POWER | Cap.MEMWRITE, grant: [2, 3], leasePrio: 9, principal: 14 },
];
const CLASS_CAP = [Cap.INPUT, Cap.POWER, Cap.MEMWRITE];

type Step =
  | { op: 'acquire' | 'release' | 'status'; slot: number; ep: number; cls: number }
  | { op: 'detach' | 'reattach'; slot: number }
  | { op: 'addEndpoint' | 'removeEndpoint'; ep: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      op: fc.constantFrom('acquire' as const, 'release' as const, 'status' as const),
      slot: fc.nat(3),
      ep: fc.integer({ min: 1, max: 4 }),
      cls: fc.constantFrom(0, 1, 2, 0, 1, 2, 3, 0xffffffff),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constantFrom('detach' as const, 'reattach' as const), slot: fc.nat(3) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constantFrom('addEndpoint' as const, 'removeEndpoint' as const),
      ep: fc.integer({ min: 1, max: 3 }),
    }),
  },
);

/** A reply as the model predicts it and as we read it back from an inbox. */
type Reply = { kind: number; corr: number; ep: number; a: number; b: number; c?: number };

function readReply(ev: VmsigEvent): Reply {
  if (ev.kind === Kind.ACT_ACK) {
    const ack = decodeActAck(ev.inln);
    return { kind: ev.kind, corr: ev.corr, ep: ev.endpoint, a: ack.ok, b: ack.err, c: ack.cmdKind };
  }
  if (ev.kind === Kind.LEASE_STATUS) {
    const st = decodeLeaseStatus(ev.inln);
    return { kind: ev.kind, corr: ev.corr, ep: ev.endpoint, a: st.cls, b: st.busy, c: st.ownerPrincipal };
  }
  const req = decodeLeaseReq(ev.inln);
  return { kind: ev.kind, corr: ev.corr, ep: ev.endpoint, a: req.cls, b: req.reason };
}

interface Holder {
  slot: number;
}

/** The reference: a map (ep, cls) → holder slot, plus which slots and endpoints exist. */
class Model {
  leases = new Map<string, Holder>();
  alive = [true, true, true, true];
  endpoints = new Set([1, 2]);
  /** Replies per slot, and the public LEASE_* events an observer sees, for the current step. */
  inbox: Reply[][] = [[], [], [], []];
  public: Reply[] = [];

  private to(slot: number, r: Reply, visible: boolean): void {
    if (this.alive[slot]) this.inbox[slot]!.push(r);
    if (visible) this.public.push(r);
  }

  private revokeWhere(pred: (ep: number, cls: number, h: Holder) => boolean, by: number): void {
    const rows = [...this.leases].map(
      ([k, h]) => [...k.split(':').map(Number), h] as [number, number, Holder],
    );
    rows.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    for (const [ep, cls, h] of rows) {
      if (!pred(ep, cls, h)) continue;
      this.leases.delete(`${ep}:${cls}`);
      this.to(h.slot, { kind: Kind.LEASE_REVOKED, corr: 0, ep, a: cls, b: by }, true);
    }
  }

  /** Applies a lease command; returns the expected submit error. */
  command(op: 'acquire' | 'release' | 'status', slot: number, ep: number, cls: number, corr: number): number {
    const s = SLOTS[slot]!;
    const cmdKind =
      op === 'acquire' ? Kind.CMD_ACQUIRE : op === 'release' ? Kind.CMD_RELEASE : Kind.CMD_LEASE_STATUS;
    const deny = (reason: number, err: number = ErrorCode.OK): number => {
      this.to(slot, { kind: Kind.LEASE_DENIED, corr, ep, a: cls, b: reason }, false);
      return err;
    };
    if (cls > 2) return deny(LeaseDeny.BADCLASS, ErrorCode.INVAL);
    if ((s.caps & CLASS_CAP[cls]!) === 0) return deny(LeaseDeny.NOCAP, ErrorCode.PERM);
    if (!s.grant.includes(ep)) return deny(LeaseDeny.NOGRANT, ErrorCode.GRANT);
    if (!this.endpoints.has(ep)) {
      this.to(slot, { kind: Kind.ACT_ACK, corr, ep, a: 0, b: ErrorCode.NOENT, c: cmdKind }, false);
      return ErrorCode.NOENT;
    }
    const key = `${ep}:${cls}`;
    const held = this.leases.get(key);
    if (op === 'status') {
      const busy = held ? 1 : 0;
      this.to(
        slot,
        { kind: Kind.LEASE_STATUS, corr, ep, a: cls, b: busy, c: held ? SLOTS[held.slot]!.principal : 0 },
        false,
      );
    } else if (op === 'release') {
      if (held?.slot === slot) {
        this.leases.delete(key);
        this.to(slot, { kind: Kind.LEASE_RELEASED, corr, ep, a: cls, b: 0 }, true);
      } else deny(LeaseDeny.HELD);
    } else if (held && held.slot !== slot && SLOTS[held.slot]!.leasePrio >= s.leasePrio) {
      deny(SLOTS[held.slot]!.leasePrio === s.leasePrio ? LeaseDeny.HELD : LeaseDeny.LOWER_PRIO);
    } else {
      if (held && held.slot !== slot) this.revokeWhere((e, c) => e === ep && c === cls, s.principal);
      this.leases.set(key, { slot });
      this.to(slot, { kind: Kind.LEASE_GRANTED, corr, ep, a: cls, b: 0 }, true);
    }
    return ErrorCode.OK;
  }

  detach(slot: number): void {
    this.alive[slot] = false;
    this.revokeWhere((_e, _c, h) => h.slot === slot, 0);
  }

  removeEndpoint(ep: number): void {
    this.revokeWhere((e) => e === ep, 0);
    this.endpoints.delete(ep);
  }
}

function runSequence(steps: Step[]): void {
  const { core } = newRig({ endpoints: [1, 2] });
  const model = new Model();
  const leaseKinds = kindSet([
    Kind.LEASE_GRANTED,
    Kind.LEASE_DENIED,
    Kind.LEASE_RELEASED,
    Kind.LEASE_REVOKED,
    Kind.LEASE_STATUS,
    Kind.ACT_ACK,
  ]);
  const observer = attach(core, { caps: Cap.OBSERVE });
  observer.subscribe({ ...everything(), kinds: leaseKinds });
  const spawn = (slot: number): RigControl => {
    const s = SLOTS[slot]!;
    return attach(core, {
      caps: s.caps,
      grant: maskOf(s.grant),
      leasePrio: s.leasePrio,
      principal: s.principal,
    });
  };
  const controls = SLOTS.map((_, i) => spawn(i));
  const slotOf = (id: number) => controls.findIndex((c) => c.id === id);

  steps.forEach((step, i) => {
    const corr = i + 1;
    model.inbox = [[], [], [], []];
    model.public = [];
    let gotErr: number | undefined;
    let wantErr: number | undefined;
    switch (step.op) {
      case 'acquire':
      case 'release':
      case 'status': {
        if (!model.alive[step.slot]) return;
        const kind =
          step.op === 'acquire'
            ? Kind.CMD_ACQUIRE
            : step.op === 'release'
              ? Kind.CMD_RELEASE
              : Kind.CMD_LEASE_STATUS;
        gotErr = controls[step.slot]!.send(leaseCmd(kind, step.ep, step.cls, corr)).err;
        wantErr = model.command(step.op, step.slot, step.ep, step.cls, corr);
        break;
      }
      case 'detach':
        if (!model.alive[step.slot]) return;
        core.detachControl(controls[step.slot]!.id);
        model.detach(step.slot);
        break;
      case 'reattach':
        if (model.alive[step.slot]) return;
        controls[step.slot] = spawn(step.slot);
        model.alive[step.slot] = true;
        break;
      case 'addEndpoint':
        core.addEndpoint(step.ep, `vm${step.ep}`);
        model.endpoints.add(step.ep);
        break;
      case 'removeEndpoint':
        core.removeEndpoint(step.ep);
        model.removeEndpoint(step.ep);
        break;
    }
    const where = `step ${i} ${JSON.stringify(step)}`;
    expect(gotErr, where).toBe(wantErr);
    controls.forEach((c, slot) => {
      const got = model.alive[slot] ? c.take().map(readReply) : [];
      expect(got, `${where}: replies to slot ${slot}`).toEqual(model.inbox[slot]);
    });
    // Denials, status and NOENT acks are private: the observer must see only the public ones.
    expect(observer.take().map(readReply), `${where}: public lease events`).toEqual(model.public);
    const table = core.arbiter
      .list()
      .map((r) => [r.endpoint, r.cls, slotOf(r.holder.controlId), r.holder.principal, r.holder.prio]);
    const want = [...model.leases]
      .map(([k, h]) => [
        ...k.split(':').map(Number),
        h.slot,
        SLOTS[h.slot]!.principal,
        SLOTS[h.slot]!.leasePrio,
      ])
      .sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
    expect(table, `${where}: lease table`).toEqual(want);
  });
}

describe('lease arbiter against a reference model', () => {
  it('agrees on every reply and on the lease table over thousands of random sequences', () => {
    fc.assert(fc.property(fc.array(stepArb, { minLength: 1, maxLength: 60, size: 'max' }), runSequence), {
      numRuns: 2000,
    });
  }, 60_000);

  it('sees every kind of outcome in its sequences (the generator is not vacuous)', () => {
    const kinds = new Set<string>();
    const sample = fc.sample(fc.array(stepArb, { maxLength: 60, size: 'max' }), { numRuns: 200, seed: 7 });
    for (const steps of sample) {
      const m = new Model();
      steps.forEach((s, i) => {
        m.inbox = [[], [], [], []];
        m.public = [];
        if (s.op === 'detach') m.detach(s.slot);
        else if (s.op === 'reattach') m.alive[s.slot] = true;
        else if (s.op === 'addEndpoint') m.endpoints.add(s.ep);
        else if (s.op === 'removeEndpoint') m.removeEndpoint(s.ep);
        else if ((s.op === 'acquire' || s.op === 'release' || s.op === 'status') && m.alive[s.slot])
          m.command(s.op, s.slot, s.ep, s.cls, i + 1);
        for (const r of [...m.inbox.flat(), ...m.public])
          kinds.add(r.kind === Kind.LEASE_DENIED ? `DENIED/${r.b}` : `${r.kind}`);
      });
    }
    for (const reason of Object.values(LeaseDeny))
      expect(kinds, `DENIED ${reason}`).toContain(`DENIED/${reason}`);
    for (const k of [
      Kind.LEASE_GRANTED,
      Kind.LEASE_RELEASED,
      Kind.LEASE_REVOKED,
      Kind.LEASE_STATUS,
      Kind.ACT_ACK,
    ])
      expect(kinds).toContain(`${k}`);
  });
});
