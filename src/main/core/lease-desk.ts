/*
 * The core's answer to CMD_ACQUIRE / CMD_RELEASE / CMD_LEASE_STATUS: checks (bad class,
 * capability, grant, endpoint) then the arbiter, turned into addressed LEASE_* events.
 * Grants, releases and revocations are visible to observers; denials and status are
 * private to the asker. A revocation's `reason` carries the preemptor's principal (0 = death).
 */
import {
  ErrorCode,
  Kind,
  LeaseDeny,
  Prio,
  type EventInit,
  type VmsigEvent,
  decodeLeaseReq,
  encodeActAck,
  encodeLeaseReq,
  encodeLeaseStatus,
} from '../../shared/model';
import { capForLeaseClass } from './command-rules';
import type { Control } from './control';
import { maskHas } from './endpoint-mask';
import type { LeaseArbiter, LeaseRow } from './lease-arbiter';
import type { Clock } from './ports';

type EmitCore = (init: EventInit, privateTo?: number) => VmsigEvent;

/** Handles lease commands for the core. */
export class LeaseDesk {
  constructor(
    private readonly arbiter: LeaseArbiter,
    private readonly clock: Clock,
    private readonly emit: EmitCore,
  ) {}

  /** Runs the checks in §6 order; returns OK or the refusal (with the LEASE_DENIED reason, if any). */
  check(c: Control, ev: VmsigEvent, endpointExists: boolean): { err: number; deny?: LeaseDeny } {
    const cap = capForLeaseClass(decodeLeaseReq(ev.inln).cls);
    if (cap === undefined) return { err: ErrorCode.INVAL, deny: LeaseDeny.BADCLASS };
    if ((c.spec.caps & cap) === 0) return { err: ErrorCode.PERM, deny: LeaseDeny.NOCAP };
    if (!maskHas(c.spec.grant, ev.endpoint)) return { err: ErrorCode.GRANT, deny: LeaseDeny.NOGRANT };
    if (!endpointExists) return { err: ErrorCode.NOENT };
    return { err: ErrorCode.OK };
  }

  /** Answers a refused lease command privately: LEASE_DENIED with its reason, else ACT_ACK. */
  refuse(c: Control, ev: VmsigEvent, verdict: { err: number; deny?: LeaseDeny }): void {
    if (verdict.deny !== undefined) return this.denied(c, ev, decodeLeaseReq(ev.inln).cls, verdict.deny);
    const inln = encodeActAck({ ok: 0, err: verdict.err, cmdKind: ev.kind, detail: 0 });
    this.emit({ kind: Kind.ACT_ACK, endpoint: ev.endpoint, origin: c.id, corr: ev.corr, inln }, c.id);
  }

  /** Executes an admitted lease command. */
  handle(c: Control, ev: VmsigEvent): void {
    const { cls } = decodeLeaseReq(ev.inln);
    const ep = ev.endpoint;
    if (ev.kind === Kind.CMD_ACQUIRE) {
      const asker = { controlId: c.id, principal: c.spec.principal, prio: c.spec.leasePrio };
      const out = this.arbiter.acquire(ep, cls, asker, this.clock.nowNs());
      if (!out.granted) return this.denied(c, ev, cls, out.reason);
      if (out.revoked) this.revoked({ endpoint: ep, cls, holder: out.revoked }, c.spec.principal);
      this.emit(this.reply(c, ev, Kind.LEASE_GRANTED, encodeLeaseReq({ cls, reason: 0 }), Prio.HIGH));
    } else if (ev.kind === Kind.CMD_RELEASE) {
      const out = this.arbiter.release(ep, cls, c.id);
      if (!out.released) return this.denied(c, ev, cls, LeaseDeny.HELD);
      this.emit(this.reply(c, ev, Kind.LEASE_RELEASED, encodeLeaseReq({ cls, reason: 0 }), Prio.HIGH));
    } else {
      const h = this.arbiter.holder(ep, cls);
      const inln = encodeLeaseStatus({ cls, busy: h ? 1 : 0, ownerPrincipal: h?.principal ?? 0 });
      this.emit(this.reply(c, ev, Kind.LEASE_STATUS, inln, Prio.NORMAL), c.id);
    }
  }

  /** Announces revocations (to the loser, visible to observers). `by` = preemptor principal, 0 on death. */
  revokeAll(rows: readonly LeaseRow[], by: number): void {
    for (const row of rows) this.revoked(row, by);
  }

  private revoked(row: LeaseRow, by: number): void {
    this.emit({
      kind: Kind.LEASE_REVOKED,
      endpoint: row.endpoint,
      origin: row.holder.controlId,
      prio: Prio.URGENT,
      inln: encodeLeaseReq({ cls: row.cls, reason: by }),
    });
  }

  private denied(c: Control, ev: VmsigEvent, cls: number, reason: LeaseDeny): void {
    this.emit(this.reply(c, ev, Kind.LEASE_DENIED, encodeLeaseReq({ cls, reason }), Prio.HIGH), c.id);
  }

  private reply(c: Control, ev: VmsigEvent, kind: number, inln: Uint8Array, prio: Prio): EventInit {
    return { kind, endpoint: ev.endpoint, origin: c.id, corr: ev.corr, inln, prio };
  }
}
