/*
 * The host's bridge to a NATS fleet (docs/fleet.md): serves remote sessions (the socket
 * protocol over session subjects, each as the control its NATS user maps to), publishes
 * the core's events on the fleet feed and the host's presence. The core stays the only
 * arbiter; NATS only carries. Losing NATS never touches local controls: remote sessions
 * end by their heartbeat, and on reconnect the observer replays the host's state.
 */
import type { Clock, Core, Log } from '../core';
import type { NatsConfig } from '../host/config';
import type { HostRequestHandler } from '../wire';
import type { DisplayHostPort } from '../host/display';
import { ENDPOINT_MAX, ErrorCode, VmsigError, nameOf } from '../../shared/model';
import { HostSession } from './host-session';
import { SESSION_GONE } from './session-link';
import { DisplaySession } from './display-session';
import { FleetFeed } from './fleet-feed';
import { type NatsLink, OpenBusError, openNatsLink } from './nats-link';
import { hostInbound, parseSessionSubject, presenceSubject, sessionSubject, stateSubject } from './subjects';

/** How to run a bridge. */
export interface FleetBridgeOptions {
  config: NatsConfig;
  core: Core;
  clock: Clock;
  log: Log;
  hostRequests?: HostRequestHandler;
  /** The host's VMs for its presence message. */
  vms(): { id: number; name: string; state: string; layout?: string }[];
  /** The host's VM screens, for remote viewers (docs/fleet.md §9); absent: no remote screens. */
  display?: DisplayHostPort;
  /** Silence after which a remote session is closed (default 1300 ms, swept every 100 ms: leases go within 1.4 s of the last heartbeat, well inside 2 s on a loaded host). */
  sessionTimeoutMs?: number;
}

/** Sessions at most per NATS user and per host: a client cannot pin unbounded controls. */
export const SESSIONS_PER_USER = 16;
export const SESSIONS_PER_HOST = 64;
const SWEEP_MS = 100;
const PRESENCE_MS = 1000;

/** The VM a session's `open` asks to view (`{"display": N}`), or null for a protocol session. */
function screenOf(data: Uint8Array): number | null {
  if (data.length === 0 || data.length > 256) return null;
  try {
    const v = (JSON.parse(new TextDecoder().decode(data)) as { display?: unknown }).display;
    return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= ENDPOINT_MAX ? v : null;
  } catch {
    return null;
  }
}

/** A running bridge. Create with `FleetBridge.start`; it connects (and reconnects) in the background. */
export class FleetBridge {
  private readonly sessions = new Map<string, HostSession | DisplaySession>();
  private readonly feed: FleetFeed;
  private link: NatsLink | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  private stopped = false;
  private failedOnce = false;
  private retry: NodeJS.Timeout | null = null;

  private constructor(private readonly opts: FleetBridgeOptions) {
    this.feed = new FleetFeed(opts.core, opts.config.host, opts.log, this.run);
  }

  /** Starts connecting; resolves at once (a host without NATS still serves locally). */
  static start(opts: FleetBridgeOptions): FleetBridge {
    const b = new FleetBridge(opts);
    const timeout = opts.sessionTimeoutMs ?? 1300;
    b.timers.push(
      setInterval(() => {
        for (const s of [...b.sessions.values()]) if (s.silentFor(timeout)) b.endSession(s, 'heartbeat lost');
      }, SWEEP_MS),
      setInterval(() => b.announce(), PRESENCE_MS),
    );
    b.connect();
    return b;
  }

  /** Whether the bridge is connected to NATS now. */
  get connected(): boolean {
    return this.link?.connected === true;
  }

  /** Remote sessions open now. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  private connect(): void {
    const { config, log } = this.opts;
    openNatsLink(config, log, {
      connected: (link, again) => {
        if (this.stopped) return void link.close().catch(() => {});
        this.link = link;
        this.feed.attach(link);
        this.announce();
        log(
          'info',
          `fleet: ${again ? 'reconnected to' : 'connected to'} ${config.url} as host "${config.host}"`,
        );
      },
      disconnected: () => {
        this.feed.detach();
        log('warn', `fleet: lost ${config.url}; local controls keep working, remote sessions end within 2 s`);
      },
      subscriptions: {
        [hostInbound(config.host, 'open')]: (subject, data, respond) => this.onOpen(subject, data, respond),
        // A late joiner of the feed asks for the state it missed; the answer goes to it alone.
        [stateSubject(config.host)]: (_subject, _data, respond) =>
          respond(this.feed.state(this.run, this.opts.vms())),
        [hostInbound(config.host, 'in')]: (subject, data) => this.session(subject)?.deliver(data),
        // A heartbeat of a session this host does not hold (ended while the bus was gone, its
        // `fin` lost) is told so, and the client ends its side; a console's probe gets the same.
        [hostInbound(config.host, 'hb')]: (subject, _data, respond) => {
          const s = this.session(subject);
          if (s) s.heard();
          else respond(SESSION_GONE);
        },
        [hostInbound(config.host, 'fin')]: (subject) => {
          const s = this.session(subject);
          if (s) this.endSession(s, 'closed by the client');
        },
      },
    }).catch((e: unknown) => {
      if (e instanceof OpenBusError) return log('error', `fleet: ${e.message}`);
      // Not there yet (or refused us): the host serves locally and tries again.
      if (!this.failedOnce)
        log('warn', `fleet: cannot reach ${config.url} (${String(e)}); retrying every second`);
      this.failedOnce = true;
      if (!this.stopped) this.retry = setTimeout(() => this.connect(), 1000);
    });
  }

  private session(subject: string): HostSession | DisplaySession | undefined {
    const s = parseSessionSubject(subject);
    return s && s.host === this.opts.config.host ? this.sessions.get(`${s.user}.${s.sid}`) : undefined;
  }

  private onOpen(subject: string, data: Uint8Array, respond: (data: Uint8Array) => void): void {
    const { config, log } = this.opts;
    const reply = (o: object): void => respond(new TextEncoder().encode(JSON.stringify(o)));
    const s = parseSessionSubject(subject);
    if (!s || s.host !== config.host) return;
    // The user comes from the subject, which the nats-server lets only that user publish on.
    const spec = config.users.get(s.user);
    if (!spec) {
      log('warn', `fleet: NATS user "${s.user}" has no control on this host; session refused`);
      return reply({
        ok: false,
        error: 'AUTH',
        msg: `NATS user ${s.user} has no control on host ${config.host}`,
      });
    }
    const key = `${s.user}.${s.sid}`;
    if (this.sessions.has(key)) return reply({ ok: false, error: 'BUSY', msg: 'session id in use' });
    const mine = [...this.sessions.values()].filter((x) => x.user === s.user).length;
    if (mine >= SESSIONS_PER_USER || this.sessions.size >= SESSIONS_PER_HOST)
      return reply({ ok: false, error: 'TOO_MANY', msg: 'too many sessions' });
    const screen = screenOf(data);
    if (screen !== null) return this.openScreen(s.user, s.sid, spec, screen, reply);
    const session = new HostSession(
      s.user,
      s.sid,
      spec,
      {
        core: this.opts.core,
        clock: this.opts.clock,
        log,
        hostRequests: this.hostRequests(),
        now: () => performance.now(),
      },
      (data) => this.link?.publish(sessionSubject(config.host, s.user, s.sid, 'out'), data),
      (x) => {
        if (this.sessions.get(key) !== x) return;
        this.sessions.delete(key);
        this.link?.publish(sessionSubject(config.host, s.user, s.sid, 'fin'), new Uint8Array(0));
      },
    );
    this.sessions.set(key, session);
    log('info', `fleet: session ${s.sid} opened by NATS user "${s.user}" as control "${spec.name}"`);
    reply({ ok: true, host: config.host, run: this.run });
  }

  /** A remote viewer of VM `endpoint`'s screen (docs/fleet.md §9), admitted as the user's control. */
  private openScreen(
    user: string,
    sid: string,
    spec: NonNullable<ReturnType<NatsConfig['users']['get']>>,
    endpoint: number,
    reply: (o: object) => void,
  ): void {
    const { config, log } = this.opts;
    if (!this.opts.display) return reply({ ok: false, error: 'NOENT', msg: 'this host serves no screens' });
    const key = `${user}.${sid}`;
    let session: DisplaySession;
    try {
      session = new DisplaySession(
        user,
        sid,
        spec,
        endpoint,
        { core: this.opts.core, log, display: this.opts.display, now: () => performance.now() },
        (data) => this.link?.publish(sessionSubject(config.host, user, sid, 'out'), data),
        (x) => {
          if (this.sessions.get(key) !== x) return;
          this.sessions.delete(key);
          this.link?.publish(sessionSubject(config.host, user, sid, 'fin'), new Uint8Array(0));
        },
      );
    } catch (e) {
      const code = (e as { code?: number }).code ?? ErrorCode.IO;
      return reply({ ok: false, error: nameOf(ErrorCode, code), msg: (e as Error).message });
    }
    this.sessions.set(key, session);
    log('info', `fleet: screen of VM ${endpoint} opened by NATS user "${user}" as control "${spec.name}"`);
    reply({ ok: true, host: config.host, run: this.run });
  }

  /**
   * The host's requests as a session gets them. `journal.events` names the feed run its seq
   * belongs to (seqs restart with the host): another run's is refused INVAL, so a console
   * never fills a gap with the events of a run it did not miss them from.
   */
  private hostRequests(): HostRequestHandler | undefined {
    const inner = this.opts.hostRequests;
    if (!inner) return undefined;
    return (controlId, op, args) => {
      if (op !== 'journal.events') return inner(controlId, op, args);
      const { run, ...rest } = args;
      if (run !== this.run)
        return Promise.reject(
          new VmsigError(
            ErrorCode.INVAL,
            `run ${String(run).slice(0, 32)} is not this host's run ${this.run}`,
          ),
        );
      return inner(controlId, op, rest);
    };
  }

  private endSession(s: HostSession | DisplaySession, why: string): void {
    this.opts.log('info', `fleet: session ${s.sid} of "${s.user}" ends: ${why}`);
    s.drop();
  }

  private announce(): void {
    if (!this.link?.connected) return;
    const body = {
      host: this.opts.config.host,
      run: this.run,
      sessions: this.sessions.size,
      vms: this.opts.vms(),
    };
    this.link.publish(presenceSubject(this.opts.config.host), new TextEncoder().encode(JSON.stringify(body)));
  }

  /** Ends every remote session (ERROR SHUTDOWN), the feed, and the NATS connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    if (this.retry) clearTimeout(this.retry);
    for (const s of [...this.sessions.values()]) s.fail();
    this.feed.close();
    await this.link?.close();
  }
}
