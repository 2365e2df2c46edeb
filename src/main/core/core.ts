/*
 * The signaling core: stamps, gates and routes every event. Adapters own seams per
 * endpoint and receive only commands that passed the gate; controls receive what their
 * effective filter admits, through bounded per-class queues. It never does I/O, never
 * reads `origin` from a client, and never lets a refused command reach an adapter.
 */
import {
  Cap,
  Dir,
  ErrorCode,
  type EventInit,
  Kind,
  Prio,
  Source,
  type VmsigEvent,
  encodeActAck,
  isKnownKind,
  isRetiredKind,
  makeEvent,
} from '../../shared/model';
import type { AdapterPort, AdapterSpec } from './adapter-port';
import { AdapterRegistry } from './adapter-registry';
import { LEASE_COMMANDS, clampClientPrio, ruleFor } from './command-rules';
import { commandRefusal, droppedNotice, sensorRefusal } from './core-notices';
import {
  Control,
  type ControlSink,
  type ControlSpec,
  DEFAULT_QUEUE_BYTES,
  DEFAULT_QUEUE_LIMITS,
  type QueueBytes,
  type QueueLimits,
} from './control';
import { maskHas } from './endpoint-mask';
import { checkPayload } from './payload-limits';
import type { SubscriptionFilter } from './filter';
import { type HostOpName, hostOpVerdict } from './host-gate';
import { LeaseArbiter } from './lease-arbiter';
import { LeaseDesk } from './lease-desk';
import { PayloadLedger } from './payload-ledger';
import type { Clock, Log } from './ports';
import { Pressure } from './pressure';
import { silentLog } from './ports';
import { ReplayState } from './replay-state';
import { RouteIndex } from './route-index';

export type { AdapterPort, AdapterSpec } from './adapter-port';

/** Result of a control's submission. */
export interface SubmitOutcome {
  accepted: boolean;
  err: number;
  /** True when the core already answered (ACT_ACK, LEASE_*, ERROR event); false means the transport should send an ERROR frame `err`. */
  replied: boolean;
}

/**
 * Called synchronously for every event the core routes (and every refused command). A tap
 * that keeps a record (the journal) returns false when it could not record `ev`: an
 * admitted command is then answered ACT_ACK{ok=0, err=IO} and never reaches an adapter
 * (write-ahead, §10). Any other return means recorded or deliberately not kept.
 */
export type Tap = (ev: VmsigEvent, refusedWith?: number) => boolean | void;

/** Construction options. */
export interface CoreOptions {
  clock: Clock;
  log?: Log;
  queueLimits?: QueueLimits;
  /** Per-class byte budgets (default DEFAULT_QUEUE_BYTES). */
  queueBytes?: QueueBytes;
}

/** The signaling core. */
export class Core {
  readonly ledger = new PayloadLedger();
  readonly arbiter = new LeaseArbiter();
  /** Up while an in-process control (the console) is above its watermark: transports pause reads. */
  readonly pressure = new Pressure();
  private readonly replay = new ReplayState(this.ledger);
  private readonly leaseDesk: LeaseDesk;
  private readonly clock: Clock;
  private readonly log: Log;
  private readonly limits: QueueLimits;
  private readonly queueBytes: QueueBytes;
  private readonly controlsById = new Map<number, Control>();
  private controlList: Control[] = [];
  private readonly routeIndex = new RouteIndex();
  private readonly adapters = new AdapterRegistry({
    route: (ev) => this.route(ev),
    hasEndpoint: (id) => this.endpointNames.has(id),
    seamReported: (endpoint, source) => this.replay.seamUp(endpoint, source),
  });
  private readonly endpointNames = new Map<number, string>();
  private taps: Tap[] = [];
  private nextControlId = 1;
  private seq = 0;
  private routedCount = 0;

  constructor(opts: CoreOptions) {
    this.clock = opts.clock;
    this.log = opts.log ?? silentLog;
    this.limits = opts.queueLimits ?? DEFAULT_QUEUE_LIMITS;
    this.queueBytes = opts.queueBytes ?? DEFAULT_QUEUE_BYTES;
    this.leaseDesk = new LeaseDesk(this.arbiter, this.clock, (init, privateTo) =>
      this.emitCore(init, privateTo),
    );
  }

  // ---- endpoints ----

  /** Declares an endpoint (VM) 1..63 with its display name. */
  addEndpoint(id: number, name: string): void {
    if (!Number.isInteger(id) || id < 1 || id > 63)
      throw new RangeError(`endpoint id ${id} is outside 1..63`);
    this.endpointNames.set(id, name);
  }

  /** Removes an endpoint: its adapters are unregistered, its leases freed and its state forgotten. */
  removeEndpoint(id: number): void {
    this.adapters.dropEndpoint(id);
    this.leaseDesk.revokeAll(this.arbiter.dropEndpoint(id), 0);
    this.replay.forget(id);
    this.endpointNames.delete(id);
  }

  /** Known endpoints, ascending. */
  endpoints(): { id: number; name: string }[] {
    return [...this.endpointNames].map(([id, name]) => ({ id, name })).sort((a, b) => a.id - b.id);
  }

  // ---- adapters ----

  /** Claims a seam of an endpoint for an adapter. Throws when another adapter owns it. */
  registerAdapter(spec: AdapterSpec): AdapterPort {
    return this.adapters.register(spec);
  }

  /** Whether a seam of an endpoint is owned and reported up. */
  seamUp(endpoint: number, source: number): boolean {
    return this.adapters.owner(endpoint, source) !== undefined && this.replay.seamUp(endpoint, source);
  }

  // ---- controls ----

  /** Attaches a control; returns its id (never 0, unique while the core lives). */
  attachControl(spec: ControlSpec, sink: ControlSink): number {
    const id = this.nextControlId++;
    const c = new Control(id, spec, sink, this.limits, this.queueBytes, (ev) => this.ledger.drop(ev));
    this.controlsById.set(id, c);
    this.controlList = [...this.controlList, c];
    this.routeIndex.invalidate();
    return id;
  }

  /** Detaches a control: its leases are revoked (observers see it), its queue released. */
  detachControl(id: number, code?: number, reason = ''): void {
    const c = this.controlsById.get(id);
    if (!c) return;
    this.controlsById.delete(id);
    c.detached = true;
    this.controlList = this.controlList.filter((x) => x !== c);
    this.routeIndex.invalidate();
    for (const ev of c.clear()) this.ledger.drop(ev);
    if (this.pressure.active) this.relieveIfSettled();
    this.leaseDesk.revokeAll(this.arbiter.dropControl(id), 0);
    if (code !== undefined) {
      try {
        c.sink.closed(code, reason);
      } catch (e) {
        this.log('warn', `control ${id} close handler threw: ${String(e)}`);
      }
    }
  }

  /** Replaces a control's subscription and replays current state that the filter admits. */
  subscribe(id: number, filter: SubscriptionFilter): void {
    const c = this.controlsById.get(id);
    if (!c) return;
    c.subscribe(filter);
    this.routeIndex.invalidate();
    for (const ev of this.replay.snapshot()) if (c.wants(ev)) this.deliverTo(c, ev);
  }

  /** The state a subscribe would replay to control `id` now (what its filter admits), and the last seq stamped. */
  replayFor(id: number): { events: VmsigEvent[]; seq: number } {
    const c = this.controlsById.get(id);
    return { events: c ? this.replay.snapshot().filter((ev) => c.wants(ev)) : [], seq: this.seq };
  }

  /**
   * Submits an event from a control. DOWN commands pass the gate (§6) or get a refusal
   * addressed to the sender; UP CURSOR_STATE needs SENSOR. `origin`, `source`, `seq` and
   * `ts_ns` are always overwritten.
   */
  submit(id: number, ev: VmsigEvent): SubmitOutcome {
    const c = this.controlsById.get(id);
    if (!c) return this.unrouted(ev, { accepted: false, err: ErrorCode.PERM, replied: false });
    ev.origin = id;
    ev.seq = 0;
    ev.tsNs = 0;
    if (ev.dir === Dir.UP) return this.submitSensor(c, ev);
    if (ev.dir !== Dir.DOWN)
      return this.unrouted(ev, { accepted: false, err: ErrorCode.KIND, replied: false });
    ev.source = Source.CONTROL;
    if (isRetiredKind(ev.kind) || !isKnownKind(ev.kind)) return this.refuse(c, ev, ErrorCode.KIND);
    // Before any gate: an oversized payload is refused whoever sends it (EXTENT/INVAL, §10).
    const payloadErr = checkPayload(ev);
    if (payloadErr !== ErrorCode.OK) return this.refuse(c, ev, payloadErr);
    if (LEASE_COMMANDS.has(ev.kind)) {
      ev.prio = clampClientPrio(ev.prio);
      const verdict = this.leaseDesk.check(c, ev, this.endpointNames.has(ev.endpoint));
      if (verdict.err !== ErrorCode.OK) {
        // Observers (the journal) see the refused command, stamped, before its answer.
        this.runTaps(this.stamp(ev), verdict.err);
        this.leaseDesk.refuse(c, ev, verdict);
        return this.unrouted(ev, { accepted: false, err: verdict.err, replied: true });
      }
      if (!this.recordCommand(ev)) return this.refuse(c, ev, ErrorCode.IO, true);
      this.fanOut(ev);
      this.leaseDesk.handle(c, ev);
      return { accepted: true, err: ErrorCode.OK, replied: true };
    }
    const rule = ruleFor(ev.kind, ev.inln);
    if (!rule.ok) {
      // A bad op says nothing about endpoints; still, outside the grant GRANT answers first (§6).
      const err = maskHas(c.spec.grant, ev.endpoint) ? ErrorCode[rule.err] : ErrorCode.GRANT;
      return this.refuse(c, ev, err);
    }
    const err = this.gate(c, ev, rule.cap, rule.lease, rule.seam);
    if (err !== ErrorCode.OK) return this.refuse(c, ev, err);
    ev.prio = clampClientPrio(ev.prio);
    const adapter = this.adapters.owner(ev.endpoint, rule.seam)!;
    if (!this.recordCommand(ev)) return this.refuse(c, ev, ErrorCode.IO, true);
    // The adapter consumes the payload (MEMWRITE SRC_PAYLOAD): hold it until handle returns.
    this.ledger.retain(ev);
    this.fanOut(ev);
    try {
      adapter.handle(ev);
    } catch (e) {
      this.log('error', `adapter ${rule.seam}@${ev.endpoint} threw on kind ${ev.kind}: ${String(e)}`);
      this.emitCore({
        kind: Kind.ACT_ACK,
        endpoint: ev.endpoint,
        corr: ev.corr,
        origin: id,
        inln: encodeActAck({ ok: 0, err: ErrorCode.IO, cmdKind: ev.kind, detail: 0 }),
      });
    } finally {
      this.ledger.drop(ev);
    }
    return { accepted: true, err: ErrorCode.OK, replied: true };
  }

  /**
   * Gates a host operation (§10) for control `id` with the same identity, grant and lease
   * table as commands: OK, or PERM / GRANT / NOENT / LEASE (PERM for an unknown control).
   * The core does not run the operation; the host does, only after OK.
   */
  gateHostOp(id: number, op: HostOpName, endpoint: number): number {
    const c = this.controlsById.get(id);
    if (!c) return ErrorCode.PERM;
    return hostOpVerdict(c, op, endpoint, this.endpointNames.has(endpoint), this.arbiter);
  }

  /** Delivers queued events to `deliver`, highest class first, until it returns false; returns the count. */
  drain(id: number, deliver: (ev: VmsigEvent) => boolean): number {
    const c = this.controlsById.get(id);
    if (!c) return 0;
    let n = 0;
    if (c.droppedUnreported > 0) {
      const count = c.droppedUnreported;
      c.droppedUnreported = 0;
      n++;
      if (!deliver(this.stamp(droppedNotice(c.id, count)))) return n;
    }
    for (let ev = c.take(); ev; ev = c.take()) {
      n++;
      c.delivered++;
      let more = false;
      try {
        more = deliver(ev);
      } finally {
        if (ev.payload !== null) this.ledger.drop(ev);
      }
      if (!more) break;
    }
    if (this.pressure.active && c.spec.inProcess === true && c.settle()) this.relieveIfSettled();
    return n;
  }

  /** Events waiting for a control. */
  pending(id: number): number {
    return this.controlsById.get(id)?.queued ?? 0;
  }

  /** The control's routing state, for snapshots and the wire server. */
  control(id: number): Control | undefined {
    return this.controlsById.get(id);
  }

  /** Every attached control. */
  controls(): readonly Control[] {
    return this.controlList;
  }

  /** Adds a synchronous observer of every routed event; returns its disposer. */
  addTap(tap: Tap): () => void {
    this.taps = [...this.taps, tap];
    return () => {
      this.taps = this.taps.filter((t) => t !== tap);
    };
  }

  /** Emits a core-originated event (source CORE), optionally only to one control. */
  emitCore(init: EventInit, privateTo?: number): VmsigEvent {
    const ev = makeEvent(init);
    if (init.prio === undefined) ev.prio = Prio.NORMAL;
    ev.source = Source.CORE;
    ev.dir = Dir.UP;
    this.route(ev, privateTo);
    return ev;
  }

  /** Counters for tests, benchmarks and the UI. */
  stats(): { seq: number; routed: number; controls: number; payloads: ReturnType<PayloadLedger['stats']> } {
    return {
      seq: this.seq,
      routed: this.routedCount,
      controls: this.controlList.length,
      payloads: this.ledger.stats(),
    };
  }

  // ---- internals ----

  private gate(c: Control, ev: VmsigEvent, cap: number, lease: number | null, seam: number): number {
    if ((c.spec.caps & cap) === 0) return ErrorCode.PERM;
    if (!maskHas(c.spec.grant, ev.endpoint)) return ErrorCode.GRANT;
    if (!this.endpointNames.has(ev.endpoint)) return ErrorCode.NOENT;
    if (lease !== null && !this.arbiter.holds(ev.endpoint, lease, c.id)) return ErrorCode.LEASE;
    if (!this.seamUp(ev.endpoint, seam)) return ErrorCode.SEAM;
    return ErrorCode.OK;
  }

  private submitSensor(c: Control, ev: VmsigEvent): SubmitOutcome {
    // A sensor's report is a broadcast, not a reply: without this its own cursor would
    // come back to it as "addressed", even before it subscribed.
    ev.origin = 0;
    if (ev.kind !== Kind.CURSOR_STATE || (c.spec.caps & Cap.SENSOR) === 0) {
      return this.unrouted(ev, { accepted: false, err: ErrorCode.KIND, replied: false });
    }
    let err: number = checkPayload(ev);
    if (err !== ErrorCode.OK) err = ErrorCode.INVAL;
    else if (!maskHas(c.spec.grant, ev.endpoint)) err = ErrorCode.GRANT;
    else if (!this.endpointNames.has(ev.endpoint)) err = ErrorCode.NOENT;
    if (err !== ErrorCode.OK) {
      this.emitCore(sensorRefusal(c.id, ev, err), c.id);
      return this.unrouted(ev, { accepted: false, err, replied: true });
    }
    ev.source = Source.FRAME;
    ev.prio = clampClientPrio(ev.prio);
    this.route(ev);
    return { accepted: true, err: ErrorCode.OK, replied: true };
  }

  /** Answers ACT_ACK{ok=0, err}; the taps see the refusal unless they are why (IO: not recorded, §10). */
  private refuse(c: Control, ev: VmsigEvent, err: number, tapped = false): SubmitOutcome {
    if (!tapped) this.runTaps(this.stamp(ev), err);
    this.emitCore(commandRefusal(c.id, ev, err), c.id);
    return this.unrouted(ev, { accepted: false, err, replied: true });
  }

  /** A refused submission is consumed here: its payload is released (exactly once, §7). */
  private unrouted(ev: VmsigEvent, out: SubmitOutcome): SubmitOutcome {
    this.ledger.releaseUnheld(ev);
    return out;
  }

  private stamp(ev: VmsigEvent): VmsigEvent {
    this.seq = (this.seq + 1) >>> 0;
    ev.seq = this.seq;
    ev.tsNs = this.clock.nowNs();
    return ev;
  }

  /** Runs every tap; false when one could not record `ev` (a throwing tap counts as not recorded). */
  private runTaps(ev: VmsigEvent, refusedWith?: number): boolean {
    let recorded = true;
    for (const tap of this.taps) {
      try {
        if (tap(ev, refusedWith) === false) recorded = false;
      } catch (e) {
        recorded = false;
        this.log('error', `tap threw: ${String(e)}`);
      }
    }
    return recorded;
  }

  /** Stamps an admitted command and shows it to the taps before anyone else sees it; false when unrecorded. */
  private recordCommand(ev: VmsigEvent): boolean {
    this.stamp(ev);
    return this.taps.length === 0 || this.runTaps(ev);
  }

  /** Stamps, shows to the taps, records state, and fans out (or delivers privately). */
  private route(ev: VmsigEvent, privateTo?: number): void {
    this.stamp(ev);
    if (this.taps.length > 0) this.runTaps(ev);
    this.fanOut(ev, privateTo);
  }

  /** Records replay state and delivers a stamped, tapped event to its receivers. */
  private fanOut(ev: VmsigEvent, privateTo?: number): void {
    this.routedCount++;
    // Hold the payload while fanning out, so a receiver that drains synchronously
    // cannot release it before the others have it; the last holder releases.
    this.ledger.retain(ev);
    this.replay.observe(ev);
    if (privateTo !== undefined) {
      const c = this.controlsById.get(privateTo);
      if (c) this.deliverTo(c, ev);
    } else {
      const list = this.routeIndex.subscribers(ev, this.controlList);
      for (let i = 0; i < list.length; i++) this.deliverTo(list[i]!, ev);
      // Replies addressed to a control reach it whatever its filter (§5).
      if (ev.origin !== 0 && ev.dir === Dir.UP) {
        const o = this.controlsById.get(ev.origin);
        if (o !== undefined && !list.includes(o)) this.deliverTo(o, ev);
      }
    }
    this.ledger.drop(ev);
  }

  private deliverTo(c: Control, ev: VmsigEvent): void {
    if (c.detached) return;
    const r = c.offer(ev);
    if (r === 'queued') {
      if (ev.payload !== null) this.ledger.retain(ev);
      if (c.aboveWater) this.pressure.raise();
      if (c.queued === 1) c.sink.wake();
    } else if (r === 'rejected') c.sink.wake();
    else {
      this.log('warn', `control ${c.id} (${c.spec.name}) is too slow: disconnecting`);
      this.detachControl(c.id, ErrorCode.SLOW_CONSUMER, 'HIGH/URGENT queue overflow (count or bytes)');
    }
  }

  /** Lowers the pressure once no in-process control is above water. */
  private relieveIfSettled(): void {
    for (const o of this.controlList) if (o.spec.inProcess === true && !o.settle()) return;
    this.pressure.relieve();
  }
}
