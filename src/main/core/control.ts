/*
 * One control as the core sees it: identity from configuration, its effective
 * subscription, and four bounded queues (one per priority class) drained highest first.
 * Overflow policy (§7): BULK/NORMAL drop the oldest and report DROPPED later; HIGH/URGENT
 * overflow means the control is too slow and must be disconnected (the core does that).
 */
import { Dir, PRIO_MAX, Prio, type VmsigEvent } from '../../shared/model';
import { ClassQueue } from './class-queue';
import type { EndpointMask } from './endpoint-mask';
import { type SubscriptionFilter, admits, effectiveFilter } from './filter';

/** Identity and rights of a control, from configuration (never from the client). */
export interface ControlSpec {
  name: string;
  principal: number;
  caps: number;
  grant: EndpointMask;
  leasePrio: number;
}

/** How the core reaches a control's transport. */
export interface ControlSink {
  /** The queues went from empty to non-empty; drain soon (not re-entrantly required). */
  wake(): void;
  /** The core closed this control (slow consumer, shutdown); `code` is a frame error code. */
  closed(code: number, reason: string): void;
}

/** Per-class queue capacities, indexed by prio. */
export type QueueLimits = readonly [bulk: number, normal: number, high: number, urgent: number];

/** Protocol §7 defaults. */
export const DEFAULT_QUEUE_LIMITS: QueueLimits = [1024, 4096, 4096, 1024];

/** What happened when an event was offered to a control's queue. */
export type OfferResult = { kind: 'queued'; dropped?: VmsigEvent } | { kind: 'overflow' };

// Shared results: offer() runs once per delivery, so the common answers allocate nothing.
const QUEUED: OfferResult = Object.freeze({ kind: 'queued' });
const OVERFLOW: OfferResult = Object.freeze({ kind: 'overflow' });

/** A connected control's routing state. */
export class Control {
  /** Effective filter (request ∩ caps ∩ grant), or null before the first SUBSCRIBE. */
  filter: SubscriptionFilter | null = null;
  /** The filter as the client asked for it, for the controls panel. */
  requested: SubscriptionFilter | null = null;
  droppedUnreported = 0;
  droppedTotal = 0;
  delivered = 0;
  /** Set once the core detached it; routing skips it without a map lookup. */
  detached = false;
  private readonly queues: ClassQueue<VmsigEvent>[];
  private pending = 0;

  constructor(
    readonly id: number,
    readonly spec: ControlSpec,
    readonly sink: ControlSink,
    limits: QueueLimits,
  ) {
    this.queues = limits.map((n) => new ClassQueue<VmsigEvent>(n));
  }

  /** Replaces the subscription; the effective filter never exceeds caps and grant. */
  subscribe(req: SubscriptionFilter): void {
    this.requested = req;
    this.filter = effectiveFilter(req, this.spec.caps, this.spec.grant);
  }

  /** Whether this control receives `ev` (addressed UP replies always reach their origin). */
  wants(ev: VmsigEvent): boolean {
    if (ev.origin === this.id && ev.dir === Dir.UP) return true;
    const f = this.filter;
    return f !== null && admits(f, ev.kind, ev.source, ev.dir, ev.prio, ev.endpoint);
  }

  /** Number of queued events across all classes. */
  get queued(): number {
    return this.pending;
  }

  /** Queues `ev` in its class; BULK/NORMAL overflow evicts the oldest, HIGH/URGENT reports overflow. */
  offer(ev: VmsigEvent): OfferResult {
    const cls = ev.prio < PRIO_MAX ? ev.prio : Prio.URGENT;
    const q = this.queues[cls]!;
    let dropped: VmsigEvent | undefined;
    if (q.full) {
      if (cls >= Prio.HIGH) return OVERFLOW;
      dropped = q.shift();
      this.pending--;
      this.droppedUnreported++;
      this.droppedTotal++;
    }
    q.push(ev);
    this.pending++;
    return dropped ? { kind: 'queued', dropped } : QUEUED;
  }

  /** Removes the next event: highest class first, FIFO within a class. */
  take(): VmsigEvent | undefined {
    if (this.pending === 0) return undefined;
    for (let p = PRIO_MAX - 1; p >= 0; p--) {
      const q = this.queues[p]!;
      if (q.size === 0) continue;
      this.pending--;
      return q.shift();
    }
    return undefined;
  }

  /** Empties every queue, returning what was pending (for payload release on close). */
  clear(): VmsigEvent[] {
    const out: VmsigEvent[] = [];
    for (let ev = this.take(); ev; ev = this.take()) out.push(ev);
    return out;
  }
}
