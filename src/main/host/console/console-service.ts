/*
 * The console's side of the core: one control with the console's configured principal and
 * caps (no bypass: every command goes through Core.submit), the implementation of the IPC
 * invoke map for both shells, and the ~16 ms batching of events and snapshots toward the
 * renderers. It never touches Electron, sockets or the DOM; shells plug in as PushSinks.
 */
import {
  type CommandReply,
  HostErrorCode,
  type InputRequest,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type IpcResult,
  type PushMap,
  type Snapshot,
} from '../../../shared/ipc';
import { EventRecordWriter } from '../../../shared/ipc-records';
import {
  ErrorCode,
  Kind,
  VmsigError,
  type VmsigEvent,
  describeFields,
  isVmsigError,
  nameOf,
} from '../../../shared/model';
import { ALL_ENDPOINTS, type Log, allEvents, silentLog } from '../../core';
import { inputEvents, leaseEvent, queryInputEvent, vmOpEvent } from './command-events';
import type { HostOpRequest } from '../host-ops';
import type { ConsoleHostPort } from './host-port';
import { PendingReplies } from './pending-replies';
import { buildSnapshot } from './snapshot';
import { StateTracker } from './state-tracker';
import { isInvokeChannel, validateRequest } from './validate';
import { readSerial, vmImages, vmSettings } from './console-vms';
import { formToManaged } from './vm-form';
import { type HistorySource, historyPage, newRunId, stateRows } from './history-pages';
import { PasteRunner, layoutsFor, previewPaste } from './paste-runner';

/** A connected renderer (Electron window or WebSocket client). */
export interface PushSink {
  push<P extends keyof PushMap>(channel: P, payload: PushMap[P]): void;
  /** Whether this renderer wants the event stream (events.subscribe). */
  eventsEnabled: boolean;
}

/** Options of the service. */
export interface ConsoleServiceOptions {
  log?: Log;
  /** Batching tick (default 16 ms). */
  tickMs?: number;
  /** How the renderer names a VM's display (default `display:<id>`); it connects through the relay. */
  vncUrl?: (vmId: number) => string;
  /** Deadline for a command's reply (default 5000 ms). */
  replyTimeoutMs?: number;
}

const COUNTER_REFRESH_MS = 1000;
/** Cursor moves alone refresh the snapshot at most this often (~30 Hz), so a sensor at full rate does not flood renderers. */
const CURSOR_REFRESH_MS = 33;

type Handler<C extends InvokeChannel> = (
  req: InvokeRequest<C>,
  sink?: PushSink,
) => Promise<InvokeResponse<C>> | InvokeResponse<C>;

/** The console service: attach with start(), serve requests with dispatch(), stop() to detach. */
export class ConsoleService {
  private readonly tracker = new StateTracker();
  private readonly replies: PendingReplies;
  private readonly writer = new EventRecordWriter();
  private readonly sinks = new Set<PushSink>();
  /** Per renderer: the journal's nextRec() when its event stream was enabled (its history/live split). */
  private readonly historyMarks = new WeakMap<PushSink, number>();
  private readonly log: Log;
  private readonly tickMs: number;
  private readonly vncUrl: (vmId: number) => string;
  private controlId = 0;
  /** This host run's id (seq restarts with the host). */
  private readonly runId = newRunId();
  /** The journal's nextRec() when the console control attached: older records were addressed to other ids. */
  private attachedAtRec = 0;
  private drainScheduled = false;
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  private dirty = true;
  private cursorDirty = false;
  private lastKey = '';
  private lastSentMs = 0;
  /** Paste as keystrokes: each key event a command through the core, paced by its ACT_ACK. */
  private readonly paste = new PasteRunner(
    (req) => this.command((corr) => inputEvents(req, corr)[0]!),
    (endpoint) => this.command((corr) => queryInputEvent(endpoint, corr)),
  );

  constructor(
    private readonly host: ConsoleHostPort,
    opts: ConsoleServiceOptions = {},
  ) {
    this.log = opts.log ?? silentLog;
    this.tickMs = opts.tickMs ?? 16;
    this.vncUrl = opts.vncUrl ?? ((id) => `display:${id}`);
    this.replies = new PendingReplies(opts.replyTimeoutMs ?? 5000);
  }

  /** The console's control id in the core (0 before start). */
  get id(): number {
    return this.controlId;
  }

  /** Attaches the console control and subscribes it to everything its caps and grant allow. Throws PERM without a console control. */
  start(): void {
    const spec = this.host.consoleControl();
    if (!spec) throw new VmsigError(ErrorCode.PERM, 'the configuration has no control with "console": true');
    this.attachedAtRec = this.host.journal?.()?.nextRec() ?? 0;
    // In-process: never disconnected as a slow consumer; sockets pause while it catches up (§10).
    this.controlId = this.host.core.attachControl(
      { ...spec, inProcess: true },
      {
        wake: () => this.scheduleDrain(),
        closed: (code, reason) =>
          this.log('error', `the core closed the console control: ${nameOf(ErrorCode, code)} ${reason}`),
      },
    );
    this.host.core.subscribe(this.controlId, allEvents(ALL_ENDPOINTS));
    this.tickTimer = setInterval(() => this.tick(), this.tickMs);
    this.scheduleDrain();
  }

  /** Detaches from the core (its leases are revoked), rejects waiting commands, stops ticking. */
  stop(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    this.replies.close();
    if (this.controlId) this.host.core.detachControl(this.controlId);
    this.controlId = 0;
    this.sinks.clear();
  }

  /** Adds a renderer; it gets a snapshot at the next tick. Returns the disposer. */
  addSink(sink: PushSink): () => void {
    this.sinks.add(sink);
    this.dirty = true;
    this.lastKey = '';
    return () => this.sinks.delete(sink);
  }

  /** Marks host state changed (VM started/stopped); the next tick sends a snapshot. */
  markDirty(): void {
    this.dirty = true;
  }

  /** The current snapshot. */
  snapshot(): Snapshot {
    return buildSnapshot(this.host, this.tracker, this.controlId, this.vncUrl);
  }

  /**
   * Validates and runs one invoke for `sink` (the renderer that asked). Never throws:
   * every failure becomes {ok: false, error: {code, message}}.
   */
  async dispatch(channel: unknown, request: unknown, sink?: PushSink): Promise<IpcResult<unknown>> {
    try {
      if (!isInvokeChannel(channel))
        throw new VmsigError(
          HostErrorCode.UNKNOWN_CHANNEL,
          `unknown channel ${String(channel).slice(0, 64)}`,
        );
      const value = await this.run(channel, validateRequest(channel, request), sink);
      return { ok: true, value };
    } catch (e) {
      if (isVmsigError(e)) return { ok: false, error: { code: e.code, message: e.message } };
      return {
        ok: false,
        error: { code: HostErrorCode.HOST, message: e instanceof Error ? e.message : String(e) },
      };
    }
  }

  private run<C extends InvokeChannel>(
    channel: C,
    req: InvokeRequest<C>,
    sink?: PushSink,
  ): Promise<InvokeResponse<C>> | InvokeResponse<C> {
    return (this.handlers[channel] as Handler<C>)(req, sink);
  }

  /** One handler per invoke channel; the mapped type makes a missing channel a compile error. */
  private readonly handlers: { [C in InvokeChannel]: Handler<C> } = {
    'state.snapshot': () => this.snapshot(),
    'vm.start': (r) => this.hostOp({ op: 'vm.start', vm: r.id }),
    'vm.stop': (r) => this.hostOp({ op: 'vm.stop', vm: r.id }),
    'vm.addAttached': (r) => this.hostOp({ op: 'vm.add', vm: r.id, name: r.name, qmp: r.qmp }),
    'vm.remove': async (r) => {
      const out = await this.hostOp({ op: 'vm.remove', vm: r.id });
      this.tracker.forget(r.id);
      return out;
    },
    'vm.create': (r) =>
      this.hostOp({ op: 'vm.create', vm: r.id, name: r.name, managed: formToManaged(r.managed) }),
    'vm.edit': (r) =>
      this.hostOp({ op: 'vm.edit', vm: r.id, name: r.name, managed: formToManaged(r.managed) }),
    'vm.settings': (r) => vmSettings(this.host, this.host.core.control(this.controlId), r.id),
    'vm.images': () => vmImages(this.host, this.host.core.control(this.controlId)),
    'serial.read': (r) => readSerial(this.host, this.host.core.control(this.controlId), r.id, r.since),
    'vm.op': (r) => this.command((corr) => vmOpEvent(r.endpoint, r.op, corr)),
    'lease.acquire': (r) => this.command((corr) => leaseEvent(Kind.CMD_ACQUIRE, r.endpoint, r.cls, corr)),
    'lease.release': (r) => this.command((corr) => leaseEvent(Kind.CMD_RELEASE, r.endpoint, r.cls, corr)),
    'input.query': (r) => this.command((corr) => queryInputEvent(r.endpoint, corr)),
    'input.send': (r) => this.sendInput(r),
    'input.layouts': (r) => layoutsFor(this.host.vms().find((v) => v.id === r.endpoint)?.layout),
    'input.preview': (r) => previewPaste(this.paste, r.layout, r.text),
    'input.type': (r) => this.paste.type(r.endpoint, r.text, r.layout),
    'input.typeCancel': (r) => ({ cancelled: this.paste.cancel(r.endpoint) }),
    'history.query': (r, sink) => {
      const journal = this.historySource().journal;
      const before = r.before ?? (sink && this.historyMarks.get(sink)) ?? journal?.nextRec() ?? 0;
      return historyPage(this.historySource(), { limit: r.limit, vm: r.vm, before, after: r.after });
    },
    'events.subscribe': (r, sink) => {
      if (sink && r.enabled) this.enableEvents(sink);
      else if (sink) sink.eventsEnabled = false;
      const mark = (sink && this.historyMarks.get(sink)) ?? null;
      // The current state goes to this renderer alone (re-subscribing the console control
      // would replay it to every window), and only what its history will not already hold.
      const replay = this.host.core.replayFor(this.controlId);
      const state = r.enabled ? stateRows(this.historySource(), replay.events, mark) : '';
      return {
        enabled: r.enabled,
        run: this.runId,
        mark,
        runStartRec: this.attachedAtRec,
        seq: replay.seq,
        state,
      };
    },
  };

  /** Runs a host operation as the console's own control: the same gate and journal as any control's. */
  private async hostOp(req: HostOpRequest): Promise<{ id: number }> {
    try {
      await this.host.hostOp(this.controlId, req);
    } finally {
      this.dirty = true;
    }
    return { id: req.vm };
  }

  /**
   * Turns `sink`'s event stream on with an exact history/live split. Everything the core
   * routed so far is drained and pushed to the other renderers first (so none of it reaches
   * `sink` live: it is history for `sink`), then, in the same synchronous step, the sink is enabled and the journal's
   * nextRec() noted: every event routed from here on is journaled at or above that mark and
   * reaches `sink` live; everything journaled below it is history.
   */
  private enableEvents(sink: PushSink): void {
    // Also when it was on already (an Electron window reloads on the same sink): its new page
    // gets the events routed before the mark as history, so they must not follow live.
    sink.eventsEnabled = false;
    this.drain();
    this.flushEvents();
    sink.eventsEnabled = true;
    const journal = this.host.journal?.() ?? null;
    if (journal) this.historyMarks.set(sink, journal.nextRec());
  }

  private historySource(): HistorySource {
    const journal = this.host.journal?.() ?? null;
    return {
      journal,
      self: this.host.core.control(this.controlId),
      runStartRec: this.attachedAtRec,
      log: this.log,
    };
  }

  /** Input at rate: no waiting for QEMU; the core's verdict is the answer. */
  private sendInput(req: InputRequest): InvokeResponse<'input.send'> {
    for (const ev of inputEvents(req, 0)) {
      const out = this.host.core.submit(this.controlId, ev);
      if (!out.accepted) return { accepted: false, err: nameOf(ErrorCode, out.err) };
    }
    return { accepted: true, err: '' };
  }

  /** Submits one command and waits for the reply addressed to the console. */
  private async command(build: (corr: number) => VmsigEvent): Promise<CommandReply> {
    const corr = this.replies.corr();
    const waiting = this.replies.wait(corr);
    const out = this.host.core.submit(this.controlId, build(corr));
    if (!out.replied) {
      this.replies.cancel(corr);
      waiting.catch(() => undefined);
      throw new VmsigError(out.err, 'the core refused the command');
    }
    this.scheduleDrain();
    return toReply(await waiting);
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.drainScheduled = false;
    if (!this.controlId) return;
    this.host.core.drain(this.controlId, (ev) => {
      if (this.tracker.apply(ev) || (ev.kind >= Kind.LEASE_GRANTED && ev.kind <= Kind.LEASE_REVOKED)) {
        if (ev.kind === Kind.CURSOR_STATE) this.cursorDirty = true;
        else this.dirty = true;
      }
      if (ev.origin === this.controlId) this.replies.offer(ev);
      this.writer.append(ev);
      return true;
    });
  }

  /** Snapshot first, then events: a revocation in this tick can name a preemptor the snapshot just listed. */
  private tick(): void {
    this.pushSnapshotIfChanged();
    this.flushEvents();
  }

  /** Pushes the events batched so far to every renderer whose stream is on. */
  private flushEvents(): void {
    if (this.writer.count === 0) return;
    const batch = this.writer.take();
    for (const s of this.sinks) if (s.eventsEnabled) this.safePush(s, 'events', batch);
  }

  private pushSnapshotIfChanged(): void {
    const now = Date.now();
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

/** Decodes a reply event for the UI. */
export function toReply(ev: VmsigEvent): CommandReply {
  const fields = describeFields(ev);
  const kind = nameOf(Kind, ev.kind);
  if (ev.kind === Kind.ACT_ACK)
    return { kind, ok: fields.ok === true, err: fields.ok === true ? '' : String(fields.err), fields };
  if (ev.kind === Kind.LEASE_DENIED) return { kind, ok: false, err: String(fields.reason), fields };
  return { kind, ok: true, err: '', fields };
}
