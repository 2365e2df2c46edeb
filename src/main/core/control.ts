/*
 * One control as the core sees it: identity from configuration, its effective
 * subscription, and four queues (one per priority class) bounded by count and by bytes,
 * drained highest first. Overflow policy (§7, §10): BULK/NORMAL drop the oldest and report
 * DROPPED later; HIGH/URGENT overflow means the control is too slow and must be
 * disconnected (the core does that), except for a control hosted in the core's own
 * process, which is never disconnected: it drops like BULK and raises its watermark flag.
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
  /**
   * Hosted in the core's own process (the console): never disconnected as a slow consumer.
   * The host keeps its queues from overflowing by pausing socket reads while `aboveWater`.
   */
  inProcess?: boolean;
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

/** Per-class byte budgets (payloads included), indexed by prio. */
export type QueueBytes = readonly [bulk: number, normal: number, high: number, urgent: number];

/** Protocol §7 defaults. */
export const DEFAULT_QUEUE_LIMITS: QueueLimits = [1024, 4096, 4096, 1024];

const MiB = 1024 * 1024;
/**
 * Byte budgets (§10): without them 4096 queued 1 MiB events could pin 4 GiB per control.
 * A 96-byte event costs 104, so count bounds the small ones and bytes the payloads (a
 * NORMAL queue of 16 MiB still holds 255 full 64 KiB memory writes).
 */
export const DEFAULT_QUEUE_BYTES: QueueBytes = [4 * MiB, 16 * MiB, 16 * MiB, 4 * MiB];

/** What a queued event costs against a byte budget: its frame (header and body) on the wire. */
export function queuedCost(ev: VmsigEvent): number {
  return ev.payload === null ? 104 : 104 + ev.payload.bytes.length;
}

/** `queued`: it waits in its class; `rejected`: dropped itself (larger than the class budget); `overflow`: disconnect. */
export type OfferResult = 'queued' | 'rejected' | 'overflow';

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

  /** In-process controls only: a class is at least half full (count or bytes) since the last low water. */
  aboveWater = false;

  /** `release` is called for each queued event the byte or count bound evicts. */
  constructor(
    readonly id: number,
    readonly spec: ControlSpec,
    readonly sink: ControlSink,
    limits: QueueLimits,
    bytes: QueueBytes = DEFAULT_QUEUE_BYTES,
    private readonly release: (ev: VmsigEvent) => void = () => {},
  ) {
    this.queues = limits.map((n, p) => new ClassQueue<VmsigEvent>(n, bytes[p]));
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

  /** Bytes queued across all classes. */
  get queuedBytes(): number {
    let n = 0;
    for (const q of this.queues) n += q.bytes;
    return n;
  }

  /**
   * Queues `ev` in its class. Over the count or byte bound, BULK/NORMAL (and every class of
   * an in-process control) evict the oldest until it fits, each passed to `release`;
   * HIGH/URGENT report overflow.
   */
  offer(ev: VmsigEvent): OfferResult {
    const cls = ev.prio < PRIO_MAX ? ev.prio : Prio.URGENT;
    const q = this.queues[cls]!;
    const size = queuedCost(ev);
    if (!q.fits(size)) {
      if (cls >= Prio.HIGH && this.spec.inProcess !== true) return 'overflow';
      if (size > q.byteBudget) {
        this.noteDropped();
        return 'rejected';
      }
      while (!q.fits(size)) {
        this.pending--;
        this.noteDropped();
        this.release(q.shift()!);
      }
    }
    q.push(ev, size);
    this.pending++;
    if (this.spec.inProcess === true && !this.aboveWater)
      this.aboveWater = q.size * 2 >= q.capacity || q.bytes * 2 >= q.byteBudget;
    return 'queued';
  }

  /** In-process controls: clears `aboveWater` once every class is at most a quarter full; returns whether it is clear. */
  settle(): boolean {
    if (!this.aboveWater) return true;
    for (const q of this.queues) if (q.size * 4 > q.capacity || q.bytes * 4 > q.byteBudget) return false;
    this.aboveWater = false;
    return true;
  }

  private noteDropped(): void {
    this.droppedUnreported++;
    this.droppedTotal++;
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
