/*
 * The console's side of the core: one control with the console's configured principal and
 * caps (no bypass: every command goes through Core.submit), the implementation of the IPC
 * invoke map for both shells, and the ~16 ms tick that drives the push to the renderers
 * (renderer-push.ts). It never touches Electron, sockets or the DOM; shells plug in as PushSinks.
 */
import {
  HostErrorCode,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type CommandReply,
  type FleetSnapshot,
  type GapFillView,
  type IpcResult,
  type Snapshot,
} from '../../../shared/ipc';
import { ErrorCode, Kind, VmsigError, type VmsigEvent, isVmsigError, nameOf } from '../../../shared/model';
import { ALL_ENDPOINTS, type Log, allEvents, silentLog } from '../../core';
import { inputEvents, leaseEvent, queryInputEvent, vmOpEvent } from './command-events';
import type { HostOpRequest } from '../host-ops';
import type { ConsoleHostPort } from './host-port';
import { ConsoleCommands, toReply } from './console-commands';
import { RendererPush, type PushSink } from './renderer-push';
import { buildSnapshot } from './snapshot';
import { StateTracker } from './state-tracker';
import { isInvokeChannel, validateRequest } from './validate';
import { readSerial, vmImages, vmSettings, watchSerial } from './console-vms';
import { SerialPushes } from './serial-pushes';
import { formToManaged } from './vm-form';
import { WindowStreams } from './window-streams';
import { PasteRunner, layoutsFor, previewPaste } from './paste-runner';
import { MacroDesk, MacroPlays } from '../macros';
import { RemotePastes } from '../../fleet/remote-pastes';

export type { PushSink } from './renderer-push';

/** Options of the service. */
export interface ConsoleServiceOptions {
  log?: Log;
  /** Batching tick (default 16 ms). */
  tickMs?: number;
  /** How the renderer names a VM's display (default `display:<id>`); it connects through the relay. */
  vncUrl?: (vmId: number) => string;
  /** Deadline for a command's reply (default 5000 ms). */
  replyTimeoutMs?: number;
  /** The fleet view, when this host is in a NATS fleet (docs/fleet.md §9). */
  fleet?: ConsoleFleetPort;
}

/** The other hosts of the fleet as the console reaches them: only through their own cores. */
export interface ConsoleFleetPort {
  snapshot(): FleetSnapshot;
  /** Sends a command to `host`'s core in this console's NATS session and resolves with its reply event. */
  command(host: string, ev: VmsigEvent): Promise<VmsigEvent>;
  /** Calls `listener` when the view changed; returns the disposer. */
  onChange(listener: () => void): () => void;
  /**
   * Calls `listener` with each new event of another host (the timeline's host column), with
   * the preemptor's control name that host gave for a LEASE_REVOKED.
   */
  onEvent(listener: (host: string, ev: VmsigEvent, meta?: { preemptor?: string }) => void): () => void;
  /** Calls `listener` when a host's feed skipped events this console never got (a gap row), with what its journal filled. */
  onGap?(listener: (host: string, missed: number, fill?: GapFillView) => void): () => void;
}

type Handler<C extends InvokeChannel> = (
  req: InvokeRequest<C>,
  sink?: PushSink,
) => Promise<InvokeResponse<C>> | InvokeResponse<C>;

/** The console service: attach with start(), serve requests with dispatch(), stop() to detach. */
export class ConsoleService {
  private readonly tracker = new StateTracker();
  private readonly commands: ConsoleCommands;
  private readonly push: RendererPush;
  private readonly streams: WindowStreams;
  /** The serial panes each renderer has open, fed once per tick. */
  private readonly serialPushes: SerialPushes<PushSink>;
  private readonly log: Log;
  private readonly tickMs: number;
  private readonly vncUrl: (vmId: number) => string;
  private controlId = 0;
  private drainScheduled = false;
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  /** One key sequence (paste or macro) at a time per VM. */
  private readonly plays = new MacroPlays();
  /** Paste as keystrokes: each key event a command through the core, paced by its ACT_ACK. */
  private readonly paste = new PasteRunner(
    (req) => this.commands.command((corr) => inputEvents(req, corr)[0]!),
    (endpoint) => this.commands.command((corr) => queryInputEvent(endpoint, corr)),
    this.plays,
  );
  /** Keyboard macros, played through the same commands as paste. */
  private readonly macros = new MacroDesk(
    (req) => this.commands.command((corr) => inputEvents(req, corr)[0]!),
    (endpoint) => this.commands.command((corr) => queryInputEvent(endpoint, corr)),
    undefined,
    this.plays,
  );

  constructor(
    private readonly host: ConsoleHostPort,
    opts: ConsoleServiceOptions = {},
  ) {
    this.log = opts.log ?? silentLog;
    this.tickMs = opts.tickMs ?? 16;
    this.vncUrl = opts.vncUrl ?? ((id) => `display:${id}`);
    const controlId = (): number => this.controlId;
    this.commands = new ConsoleCommands(
      host.core,
      controlId,
      () => this.scheduleDrain(),
      opts.replyTimeoutMs,
    );
    this.push = new RendererPush(() => this.snapshot(), this.log);
    this.serialPushes = new SerialPushes((id) => host.serialLog?.(id) ?? null);
    this.streams = new WindowStreams({
      host,
      log: this.log,
      controlId,
      catchUp: () => {
        this.drain();
        this.push.flushEvents();
      },
    });
    this.fleet = opts.fleet ?? null;
    this.fleet?.onChange(() => this.markDirty());
    this.fleet?.onEvent((host, ev, meta) => this.push.appendRemote(host, ev, meta?.preemptor));
    this.fleet?.onGap?.((host, missed, fill) => this.push.appendRemoteGap(host, missed, fill));
  }

  private readonly fleet: ConsoleFleetPort | null;
  /** Pastes on other hosts' VMs: typed here, each key decided by the owning host's core. */
  private readonly remotePastes = new RemotePastes(
    (host, ev) => this.remote(host, ev),
    (host) => this.remoteHost(host) !== undefined,
  );

  private remoteHost(host: string): FleetSnapshot['hosts'][number] | undefined {
    return this.fleet?.snapshot().hosts.find((x) => x.name === host);
  }

  /** A command to another host's core; its reply decoded as a local one's. */
  private async remote(host: string, ev: VmsigEvent): Promise<CommandReply> {
    if (!this.fleet) throw new VmsigError(ErrorCode.NOENT, 'this host is not in a fleet (no nats.console)');
    return toReply(await this.fleet.command(host, ev));
  }

  /** The console's control id in the core (0 before start). */
  get id(): number {
    return this.controlId;
  }

  /** Attaches the console control and subscribes it to everything its caps and grant allow. Throws PERM without a console control. */
  start(): void {
    const spec = this.host.consoleControl();
    if (!spec) throw new VmsigError(ErrorCode.PERM, 'the configuration has no control with "console": true');
    this.streams.attaching();
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
    this.commands.close();
    if (this.controlId) this.host.core.detachControl(this.controlId);
    this.controlId = 0;
    this.push.clear();
    // Serial watches hold listeners on the VMs' logs: end them with the renderers.
    this.serialPushes.clear();
  }

  /** Adds a renderer; it gets a snapshot at the next tick. Returns the disposer. */
  addSink(sink: PushSink): () => void {
    const remove = this.push.add(sink);
    return () => {
      remove();
      this.serialPushes.forget(sink);
    };
  }

  /** Marks host state changed (VM started/stopped); the next tick sends a snapshot. */
  markDirty(): void {
    this.push.markDirty();
  }

  /** The current snapshot. */
  snapshot(): Snapshot {
    const snap = buildSnapshot(this.host, this.tracker, this.controlId, this.vncUrl);
    return this.fleet ? { ...snap, fleet: this.fleet.snapshot() } : snap;
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
      if (isVmsigError(e)) {
        // A configuration field (ConfigError, a serial port that is not there) goes with it for the form.
        const field = (e as { field?: unknown }).field;
        const error = { code: e.code, message: e.message, ...(typeof field === 'string' && { field }) };
        return { ok: false, error };
      }
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
    'vm.addAttached': ({ id, ...vm }) => this.hostOp({ op: 'vm.add', vm: id, ...vm }),
    'vm.editAttached': ({ id, name, ...attached }) => this.hostOp({ op: 'vm.edit', vm: id, name, attached }),
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
    'serial.watch': (r, sink) =>
      watchSerial(this.serialPushes, this.host.core.control(this.controlId), sink, r),
    'vm.op': (r) => this.commands.command((corr) => vmOpEvent(r.endpoint, r.op, corr)),
    'lease.acquire': (r) =>
      this.commands.command((corr) => leaseEvent(Kind.CMD_ACQUIRE, r.endpoint, r.cls, corr)),
    'lease.release': (r) =>
      this.commands.command((corr) => leaseEvent(Kind.CMD_RELEASE, r.endpoint, r.cls, corr)),
    'input.query': (r) => this.commands.command((corr) => queryInputEvent(r.endpoint, corr)),
    'input.send': (r) => this.commands.sendInput(r),
    'input.layouts': (r) => layoutsFor(this.host.vms().find((v) => v.id === r.endpoint)?.layout),
    'input.preview': (r) => previewPaste(this.paste, r.layout, r.text),
    'input.type': (r) => this.paste.type(r.endpoint, r.text, r.layout),
    'input.typeCancel': (r) => ({ cancelled: this.paste.cancel(r.endpoint) }),
    'macro.list': () => this.macros.list(),
    'macro.save': (r) => this.macros.save(r),
    'macro.play': (r) => this.macros.play(r),
    'macro.cancel': (r) => this.macros.cancel(r),
    'history.query': (r, sink) => this.streams.history(r, sink),
    'events.subscribe': (r, sink) => this.streams.subscribe(r, sink),
    'fleet.vmOp': (r) => this.remote(r.host, vmOpEvent(r.endpoint, r.op, 0)),
    'fleet.acquire': (r) => this.remote(r.host, leaseEvent(Kind.CMD_ACQUIRE, r.endpoint, r.cls, 0)),
    'fleet.release': (r) => this.remote(r.host, leaseEvent(Kind.CMD_RELEASE, r.endpoint, r.cls, 0)),
    'fleet.query': (r) => this.remote(r.host, queryInputEvent(r.endpoint, 0)),
    'fleet.input': async (r) => {
      for (const ev of inputEvents(r.input, 0)) {
        const reply = await this.remote(r.host, ev);
        if (!reply.ok) return { accepted: false, err: reply.err };
      }
      return { accepted: true, err: '' };
    },
    'fleet.layouts': (r) => layoutsFor(this.remoteHost(r.host)?.vms.find((v) => v.id === r.endpoint)?.layout),
    'fleet.type': (r) => this.remotePastes.type(r.host, r.endpoint, r.text, r.layout),
    'fleet.typeCancel': (r) => ({ cancelled: this.remotePastes.cancel(r.host, r.endpoint) }),
    'fleet.macroPlay': async (r) => {
      const { played, total, cancelled, err } = await this.remotePastes.play(
        r.host,
        r.endpoint,
        this.macros.store.load(r.name),
        r.speed,
      );
      return { played, total, cancelled, err };
    },
    'fleet.macroCancel': (r) => ({ cancelled: this.remotePastes.cancel(r.host, r.endpoint) }),
  };

  /** Runs a host operation as the console's own control: the same gate and journal as any control's. */
  private async hostOp(req: HostOpRequest): Promise<{ id: number }> {
    try {
      await this.host.hostOp(this.controlId, req);
    } finally {
      this.push.markDirty();
    }
    return { id: req.vm };
  }

  /** One push tick: snapshot and events (renderer-push.ts), then the watched serial output. */
  private tick(): void {
    this.push.tick();
    this.serialPushes.flush((sink, payload) => {
      try {
        sink.push('serial', payload);
      } catch {
        this.serialPushes.forget(sink); // a closed window: RendererPush drops it too
      }
    });
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
        if (ev.kind === Kind.CURSOR_STATE) this.push.markCursorMoved();
        else this.push.markDirty();
      }
      if (ev.origin === this.controlId) this.commands.offer(ev);
      this.push.append(ev);
      return true;
    });
  }
}
