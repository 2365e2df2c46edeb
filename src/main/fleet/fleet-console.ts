/*
 * The fleet as the console of this host reaches it (docs/fleet.md §9), as the console's
 * own NATS user: watching is the shared feed and presence (one publish per host, fanned
 * out by the server) plus a `state` request per (re)join; commands and screens go in
 * sessions with the owning host's core, which alone decides. NATS being down never
 * touches the local console; the view recovers when the bus returns.
 */
import { type NatsConnection, connect, errors, nkeyAuthenticator } from '@nats-io/transport-node';
import type { Log } from '../core';
import type { NatsConfig } from '../host/config';
import { ErrorCode, VmsigError, type VmsigEvent, decodeEventBody } from '../../shared/model';
import type { FleetSnapshot } from '../../shared/ipc';
import { WireClient } from '../wire';
import { JOURNAL_EVENTS_MAX } from '../host/journal-events';
import { FleetView } from './fleet-view';
import { FEED_HEADER, FeedGaps, parseFeedHeader } from './feed-gaps';
import { type FeedMeta, type GapFill, GapFiller, type JournalAnswer, journalAnswer } from './gap-fill';
import { PREEMPTOR_HEADER, parsePreemptor } from './preemptor';
import { openSessionOn } from './session-link';
import type { SubjectStream } from './subject-stream';
import { ALL_EVENTS, ALL_PRESENCE, parseFleetSubject, sessionSubject, stateSubject } from './subjects';

const SWEEP_MS = 250;
/** How long a host's timeline events wait for its journal's answer to a gap. */
const FILL_TIMEOUT_MS = 3000;
/** A session id no session uses: probes go where a host listens for heartbeats and are ignored there. */
const PROBE_SID = 'probe';

/** The console's fleet client. Create with `FleetConsole.start`; it connects in the background. */
export class FleetConsole {
  readonly view: FleetView;
  private nc: NatsConnection | null = null;
  private readonly sessions = new Map<string, Promise<WireClient>>();
  private readonly mine = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<(host: string, ev: VmsigEvent, meta: FeedMeta) => void>();
  private readonly gapListeners = new Set<(host: string, missed: number, fill: GapFill) => void>();
  private readonly gaps = new FeedGaps();
  /** Holds a host's timeline events while its journal fills a gap of its feed. */
  private readonly filler = new GapFiller((host, run, afterSeq) => this.journalSince(host, run, afterSeq), {
    isNew: (host, ev) => this.view.newForTimeline(host, ev),
    lastSeq: (host) => this.view.timelineSeqOf(host),
    event: (host, ev, meta) => {
      for (const l of this.eventListeners) l(host, ev, meta);
    },
    gap: (host, missed, fill) => {
      for (const l of this.gapListeners) l(host, missed, fill);
    },
  });
  private readonly sweep: NodeJS.Timeout;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  private warned = false;

  private constructor(
    private readonly config: NatsConfig & { console: NonNullable<NatsConfig['console']> },
    private readonly log: Log,
  ) {
    this.view = new FleetView(config.host, () => performance.now());
    this.sweep = setInterval(() => {
      if (this.view.sweep()) this.changed();
      this.probe();
    }, SWEEP_MS);
  }

  /** Starts when `config.console` names the console's NATS user; null otherwise. */
  static start(config: NatsConfig, log: Log): FleetConsole | null {
    if (!config.console) return null;
    const f = new FleetConsole(config as NatsConfig & { console: NonNullable<NatsConfig['console']> }, log);
    f.connect();
    return f;
  }

  /** The user the console speaks as. */
  get user(): string {
    return this.config.console.user;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every new feed event of another host, once, in seq order, with its host's word on a preemptor; returns the disposer. */
  onEvent(listener: (host: string, ev: VmsigEvent, meta: FeedMeta) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Each jump in a host's feed count, with what its journal filled (those follow via onEvent) or why not; returns the disposer. */
  onGap(listener: (host: string, missed: number, fill: GapFill) => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  snapshot(): FleetSnapshot {
    return this.view.snapshot((host) => this.mine.get(host) ?? 0);
  }

  /** Sends `ev` to `host`'s core in the console's session there; resolves with the reply (ACT_ACK, LEASE_*…). */
  async command(host: string, ev: VmsigEvent): Promise<VmsigEvent> {
    const client = await this.session(host);
    return client.request({ kind: ev.kind, endpoint: ev.endpoint, prio: ev.prio, inln: ev.inln }, 5000);
  }

  /**
   * `host`'s journaled events of feed run `run` after `afterSeq`, asked in the console's
   * session there (its control's caps and grant decide what it gets); rejects with why not.
   */
  private async journalSince(host: string, run: string, afterSeq: number): Promise<JournalAnswer> {
    const ask = async (): Promise<JournalAnswer> => {
      const client = await this.session(host);
      const args = { run, afterSeq, limit: JOURNAL_EVENTS_MAX };
      return journalAnswer(host, await client.hostRequest('journal.events', args, FILL_TIMEOUT_MS));
    };
    // A gap follows an outage, after which the session may be one the host already ended:
    // its next heartbeat says so and ends it here, and the question goes again in a new one.
    return ask().catch(() => ask());
  }

  /** A byte stream to `host`'s relay for VM `endpoint`'s screen, admitted by that host. */
  async openScreen(host: string, endpoint: number): Promise<SubjectStream> {
    const nc = this.requireLink();
    return openSessionOn(nc, {
      user: this.user,
      host,
      body: new TextEncoder().encode(JSON.stringify({ display: endpoint })),
    });
  }

  private requireLink(): NatsConnection {
    if (!this.nc || this.nc.isClosed() || !this.view.connected)
      throw new VmsigError(ErrorCode.IO, `not connected to ${this.config.url}`);
    return this.nc;
  }

  /** The console's session with `host`, opened on first use and again after it ended. */
  private session(host: string): Promise<WireClient> {
    let s = this.sessions.get(host);
    if (s) return s;
    s = (async () => {
      const stream = await openSessionOn(this.requireLink(), {
        user: this.user,
        host,
        onEnd: () => {
          this.sessions.delete(host);
          this.mine.delete(host);
          this.changed();
        },
      });
      const client = WireClient.over(stream);
      const welcome = await client.hello('', `console@${this.config.host}`);
      this.mine.set(host, welcome.controlId);
      this.changed();
      return client;
    })();
    this.sessions.set(host, s);
    s.catch(() => this.sessions.delete(host));
    return s;
  }

  /**
   * Asks each reachable host's heartbeat subject (as the CLI's heartbeat does): the host
   * never answers, so a timeout is a live host, while a host gone from the bus is "no
   * responders" at once — shown unreachable without waiting for its `up` to fall silent.
   */
  private probe(): void {
    const nc = this.nc;
    if (!nc || !this.view.connected) return;
    for (const host of this.view.reachableHosts()) {
      nc.request(sessionSubject(host, this.user, PROBE_SID, 'hb'), new Uint8Array(0), {
        timeout: SWEEP_MS,
      }).then(
        () => {},
        (e: unknown) => {
          if (e instanceof errors.RequestError && e.isNoResponders() && this.view.gone(host)) this.changed();
        },
      );
    }
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  private connect(): void {
    const { url, console: who } = this.config;
    connect({
      servers: url,
      name: `vmsig-console-${this.config.host}`,
      ...(who.password !== undefined
        ? { user: who.user, pass: who.password }
        : { authenticator: nkeyAuthenticator(new TextEncoder().encode(who.nkeySeed ?? '')) }),
      // Replies come to this user's own inbox, which no other user may subscribe to.
      inboxPrefix: `_INBOX_${who.user}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 100,
      pingInterval: 1000,
      maxPingOut: 2,
    }).then(
      async (nc) => {
        if (nc.info?.auth_required !== true) {
          await nc.close();
          return this.log(
            'error',
            `fleet view: ${url} does not require authentication: not joining an open bus`,
          );
        }
        if (this.stopped) return void nc.close();
        this.nc = nc;
        this.view.connected = true;
        this.log('info', `fleet view: connected to ${url} as "${who.user}"`);
        nc.subscribe(ALL_PRESENCE, { callback: (_e, m) => this.onMessage(m.subject, m.data) });
        nc.subscribe(ALL_EVENTS, {
          callback: (_e, m) =>
            this.onMessage(m.subject, m.data, m.headers?.get(FEED_HEADER), m.headers?.get(PREEMPTOR_HEADER)),
        });
        this.changed();
        void this.watchStatus(nc);
      },
      (e: unknown) => {
        if (!this.warned)
          this.log('warn', `fleet view: cannot reach ${url} (${String(e)}); retrying every second`);
        this.warned = true;
        if (!this.stopped) this.retry = setTimeout(() => this.connect(), 1000);
      },
    );
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        this.view.connected = false;
        this.changed();
      } else if (s.type === 'reconnect') {
        this.view.connected = true;
        // Events went by while we were away: ask every host for its state again.
        for (const host of this.view.resync()) this.askState(host);
        this.changed();
      }
    }
  }

  private onMessage(subject: string, data: Uint8Array, feedHeader?: string, preemptor?: string): void {
    const s = parseFleetSubject(subject);
    if (!s || s.host === this.config.host) return;
    if (s.kind === 'up') {
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder().decode(data));
      } catch {
        return;
      }
      if (this.view.presence(s.host, body)) this.askState(s.host);
      this.changed();
      return;
    }
    let ev: VmsigEvent;
    try {
      ev = decodeEventBody(data);
    } catch {
      return;
    }
    // Before the event: the gap row (and what B's journal fills) where the missing events would have been.
    const missed = this.gaps.note(s.host, feedHeader);
    const by = parsePreemptor(preemptor);
    this.filler.feed(s.host, parseFeedHeader(feedHeader)?.run ?? '', ev, by ? { preemptor: by } : {}, missed);
    const r = this.view.event(s.host, ev);
    if (r.ask) this.askState(s.host);
    if (r.changed) this.changed();
  }

  private readonly asking = new Set<string>();

  /** Requests `host`'s state (one request at a time per host). */
  private askState(host: string): void {
    const nc = this.nc;
    if (!nc || this.asking.has(host)) return;
    this.asking.add(host);
    nc.request(stateSubject(host), new Uint8Array(0), { timeout: 2000 })
      .then((m) => {
        if (this.view.state(host, JSON.parse(new TextDecoder().decode(m.data)))) this.changed();
      })
      .catch((e: unknown) => this.log('debug', `fleet view: state of ${host}: ${String(e)}`))
      .finally(() => this.asking.delete(host));
  }

  /** Ends sessions (their leases go at once) and the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweep);
    if (this.retry) clearTimeout(this.retry);
    for (const s of this.sessions.values()) void s.then((c) => c.close()).catch(() => {});
    await this.nc?.drain().catch(() => this.nc?.close());
  }
}
