/*
 * Exclusive leases per (endpoint, class). Pure bookkeeping: it decides grant, denial,
 * preemption and release, and reports who lost what; the core turns the outcomes into
 * addressed LEASE_* events. Capability and grant checks happen before it is asked.
 */
import { LeaseDeny } from '../../shared/model';

/** Who holds a lease, and since when. */
export interface LeaseHolder {
  controlId: number;
  principal: number;
  prio: number;
  sinceNs: number;
}

/** A control asking for a lease. */
export type LeaseAsker = Omit<LeaseHolder, 'sinceNs'>;

/** Outcome of an acquire. `revoked` is the previous owner when the asker preempted it. */
export type AcquireOutcome =
  | { granted: true; again: boolean; revoked?: LeaseHolder }
  | { granted: false; reason: LeaseDeny; holder: LeaseHolder };

/** One row of the lease table. */
export interface LeaseRow {
  endpoint: number;
  cls: number;
  holder: LeaseHolder;
}

const key = (endpoint: number, cls: number): number => endpoint * 16 + cls;

/** The lease table and its rules. */
export class LeaseArbiter {
  private readonly leases = new Map<number, LeaseRow>();

  /**
   * free → granted; held by the asker → granted again; held by another of equal prio →
   * denied HELD; of higher prio → denied LOWER_PRIO; of lower prio → granted, owner revoked.
   */
  acquire(endpoint: number, cls: number, asker: LeaseAsker, nowNs: number): AcquireOutcome {
    const k = key(endpoint, cls);
    const row = this.leases.get(k);
    if (row && row.holder.controlId === asker.controlId) return { granted: true, again: true };
    if (row && row.holder.prio === asker.prio)
      return { granted: false, reason: LeaseDeny.HELD, holder: row.holder };
    if (row && row.holder.prio > asker.prio) {
      return { granted: false, reason: LeaseDeny.LOWER_PRIO, holder: row.holder };
    }
    this.leases.set(k, { endpoint, cls, holder: { ...asker, sinceNs: nowNs } });
    return row ? { granted: true, again: false, revoked: row.holder } : { granted: true, again: false };
  }

  /** Releases the lease if `controlId` owns it; returns the holder otherwise (undefined when free). */
  release(
    endpoint: number,
    cls: number,
    controlId: number,
  ): { released: true } | { released: false; holder?: LeaseHolder } {
    const k = key(endpoint, cls);
    const row = this.leases.get(k);
    if (row && row.holder.controlId === controlId) {
      this.leases.delete(k);
      return { released: true };
    }
    return row ? { released: false, holder: row.holder } : { released: false };
  }

  /** The current holder, or undefined when free. */
  holder(endpoint: number, cls: number): LeaseHolder | undefined {
    return this.leases.get(key(endpoint, cls))?.holder;
  }

  /** Whether `controlId` holds the lease. */
  holds(endpoint: number, cls: number, controlId: number): boolean {
    return this.leases.get(key(endpoint, cls))?.holder.controlId === controlId;
  }

  /** Removes every lease of a control (disconnect, death); returns what it lost. */
  dropControl(controlId: number): LeaseRow[] {
    return this.dropWhere((r) => r.holder.controlId === controlId);
  }

  /** Removes every lease on an endpoint that went away; returns what was freed. */
  dropEndpoint(endpoint: number): LeaseRow[] {
    return this.dropWhere((r) => r.endpoint === endpoint);
  }

  /** Every lease, ordered by endpoint then class. */
  list(): LeaseRow[] {
    return [...this.leases.values()].sort((a, b) => a.endpoint - b.endpoint || a.cls - b.cls);
  }

  private dropWhere(pred: (r: LeaseRow) => boolean): LeaseRow[] {
    const dropped: LeaseRow[] = [];
    for (const [k, row] of this.leases) {
      if (pred(row)) {
        this.leases.delete(k);
        dropped.push(row);
      }
    }
    return dropped.sort((a, b) => a.endpoint - b.endpoint || a.cls - b.cls);
  }
}
