/*
 * Fans the console's state out to its renderers: the events routed since the last tick go as
 * one packed batch to every renderer whose stream is on, and the snapshot goes when something
 * in it changed (cursor moves alone at most ~30 Hz, counters once a second). A renderer whose
 * push throws is dropped so it cannot stop the others. It never reads the core itself.
 */
import type { GapFillView, PushMap, Snapshot } from '../../../shared/ipc';
import { EventRecordWriter } from '../../../shared/ipc-records';
import { type VmsigEvent, decodeLeaseReq } from '../../../shared/model';
import type { Log } from '../../core';

/** A connected renderer (Electron window or WebSocket client). */
export interface PushSink {
  push<P extends keyof PushMap>(channel: P, payload: PushMap[P]): void;
  /** Whether this renderer wants the event stream (events.subscribe). */
  eventsEnabled: boolean;
}

/** Counters alone refresh the snapshot this often. */
export const COUNTER_REFRESH_MS = 1000;
/** Cursor moves alone refresh the snapshot at most this often (~30 Hz), so a sensor at full rate does not flood renderers. */
export const CURSOR_REFRESH_MS = 33;

/** One host's events batched this tick. */
interface RemoteBatch {
  writer: EventRecordWriter;
  preemptors: Record<string, string>;
}

/** A host's batch as a push entry; the batch starts empty again. */
function takeRemote(host: string, r: RemoteBatch): PushMap['fleetEvents'][number] {
  const records = Buffer.from(r.writer.take()).toString('base64');
  const names = r.preemptors;
  r.preemptors = {};
  return Object.keys(names).length ? { host, records, preemptors: names } : { host, records };
}

/** The renderers and what is batched for them; see the module comment. */
export class RendererPush {
  private readonly sinks = new Set<PushSink>();
  private readonly writer = new EventRecordWriter();
  private dirty = true;
  private cursorDirty = false;
  /** The last snapshot pushed, without its clock and counters: an unchanged one is not sent again. */
  private lastKey = '';
  private lastSentMs = 0;

  /** `snapshot` builds the current snapshot; `now` is wall-clock ms (injected for tests). */
  constructor(
    private readonly snapshot: () => Snapshot,
    private readonly log: Log,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds a renderer; it gets a snapshot at the next tick. Returns the disposer. */
  add(sink: PushSink): () => void {
    this.sinks.add(sink);
    this.dirty = true;
    this.lastKey = '';
    return () => this.sinks.delete(sink);
  }

  /** Forgets every renderer. */
  clear(): void {
    this.sinks.clear();
  }

  /** Something in the snapshot changed: the next tick sends it. */
  markDirty(): void {
    this.dirty = true;
  }

  /** Only the cursor moved: the next tick past CURSOR_REFRESH_MS sends the snapshot. */
  markCursorMoved(): void {
    this.cursorDirty = true;
  }

  /** Batches one routed event for the event streams. */
  append(ev: VmsigEvent): void {
    this.writer.append(ev);
  }

  /**
   * Batches one event of another fleet host for the event streams (the timeline's host
   * column); `preemptor` is the control name that host gave for a LEASE_REVOKED's principal.
   */
  appendRemote(host: string, ev: VmsigEvent, preemptor?: string): void {
    let r = this.remote.get(host);
    if (!r) this.remote.set(host, (r = { writer: new EventRecordWriter(), preemptors: {} }));
    r.writer.append(ev);
    if (preemptor !== undefined) r.preemptors[decodeLeaseReq(ev.inln).reason] = preemptor;
  }

  /**
   * A host's feed skipped `missed` events: what is batched of it so far goes first, then the
   * gap (with what its journal filled: those events are appended next), so the renderer's row
   * sits where the missing events would have been.
   */
  appendRemoteGap(host: string, missed: number, fill?: GapFillView): void {
    const r = this.remote.get(host);
    if (r && r.writer.count > 0) this.remoteDone.push(takeRemote(host, r));
    this.remoteDone.push({ host, records: '', missed, ...(fill && { fill }) });
  }

  /** Other hosts' events of this tick, per host, with the preemptors they named. */
  private readonly remote = new Map<string, RemoteBatch>();
  /** Entries of this tick already in order (a host's events up to a gap, and the gap). */
  private remoteDone: PushMap['fleetEvents'] = [];

  /** Snapshot first, then events: a revocation in this tick can name a preemptor the snapshot just listed. */
  tick(): void {
    this.pushSnapshotIfChanged();
    this.flushEvents();
  }

  /** Pushes the events batched so far to every renderer whose stream is on. */
  flushEvents(): void {
    const remote = [
      ...this.remoteDone,
      ...[...this.remote].filter(([, r]) => r.writer.count > 0).map(([host, r]) => takeRemote(host, r)),
    ];
    this.remoteDone = [];
    if (remote.length)
      for (const s of this.sinks) if (s.eventsEnabled) this.safePush(s, 'fleetEvents', remote);
    if (this.writer.count === 0) return;
    const batch = this.writer.take();
    for (const s of this.sinks) if (s.eventsEnabled) this.safePush(s, 'events', batch);
  }

  private pushSnapshotIfChanged(): void {
    const now = this.now();
    const since = now - this.lastSentMs;
    const due = this.dirty || (this.cursorDirty && since >= CURSOR_REFRESH_MS) || since >= COUNTER_REFRESH_MS;
    if (this.sinks.size === 0 || !due) return;
    this.dirty = false;
    this.cursorDirty = false;
    const snap = this.snapshot();
    const key = JSON.stringify({
      ...snap,
      clock: 0,
      controls: snap.controls.map((c) => ({ ...c, queued: 0, delivered: 0 })),
    });
    if (key === this.lastKey && now - this.lastSentMs < COUNTER_REFRESH_MS) return;
    this.lastKey = key;
    this.lastSentMs = now;
    for (const s of this.sinks) this.safePush(s, 'snapshot', snap);
  }

  private safePush<P extends keyof PushMap>(s: PushSink, channel: P, payload: PushMap[P]): void {
    try {
      s.push(channel, payload);
    } catch (e) {
      this.log('warn', `dropping a renderer whose push failed: ${String(e)}`);
      this.sinks.delete(s);
    }
  }
}
