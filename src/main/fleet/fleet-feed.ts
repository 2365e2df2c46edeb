/*
 * The fleet-wide event feed (docs/fleet.md §2): an observing control of the core whose
 * events go out on `vmsig.HOST.evt.VM.KIND`, in the core's seq order. It is drained at
 * once whether NATS is up or not (a bus that is gone never backs up the core); when the
 * bus returns, re-subscribing replays the host's current state before live events.
 */
import { ALL_ENDPOINTS, type Core, type Log } from '../core';
import { publicFeedFilter } from '../host/journal-events';
import { Cap, Kind, LeaseClass, type VmsigEvent, encodeEventBody, nameOf } from '../../shared/model';
import { packEventRecords } from '../../shared/ipc-records';
import type { NatsLink } from './nats-link';
import { eventSubject } from './subjects';
import { FEED_HEADER, feedHeaderValue } from './feed-gaps';
import { PREEMPTOR_HEADER, preemptorName } from './preemptor';

/**
 * Everything but typed keys (publicFeedFilter): the feed is read by every user the
 * nats-server lets subscribe, and key codes are passwords at a login prompt (the journal
 * redacts them too). A session still sees them when its own control may.
 */
const feedFilter = publicFeedFilter;

/** The feed's control and where its events go. */
export class FleetFeed {
  private id = 0;
  private link: NatsLink | null = null;
  private scheduled = false;
  private closed = false;
  /** Events this feed has had in this run, published or (bus gone) dropped: consoles see gaps by it. */
  private count = 0;

  constructor(
    private readonly core: Core,
    private readonly host: string,
    private readonly log: Log,
    /** This host run's id (the bridge's), carried with the count. */
    private readonly run = '0',
  ) {}

  /** Starts (or, after a reconnect, restarts) publishing on `link`: the state is replayed first. */
  attach(link: NatsLink): void {
    if (this.closed) return;
    this.link = link;
    if (this.id === 0) {
      this.id = this.core.attachControl(
        {
          name: `fleet-feed:${this.host}`,
          principal: 0,
          caps: Cap.OBSERVE,
          grant: ALL_ENDPOINTS,
          leasePrio: 0,
        },
        {
          wake: () => this.schedule(),
          closed: (_code, reason) => {
            // Too slow for the core (it never should be: it drains at once). Start over.
            this.log('warn', `fleet: feed control closed by the core: ${reason}`);
            this.id = 0;
            if (this.link) this.attach(this.link);
          },
        },
      );
    }
    this.core.subscribe(this.id, feedFilter());
    // What the subscribe queued is the replay: say how much, so an operator (and a test) sees the catch-up.
    this.log('info', `fleet: feed replays ${this.core.pending(this.id)} state events of host "${this.host}"`);
  }

  /** The bus is gone: events are drained and dropped until `attach` again. */
  detach(): void {
    this.link = null;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.id === 0) return;
      this.core.drain(this.id, (ev) => {
        this.count++;
        this.link?.publish(
          eventSubject(this.host, ev.endpoint, ev.kind),
          encodeEventBody(ev),
          this.headers(ev),
        );
        return true;
      });
    });
  }

  /** The feed count, and on a preemption the preemptor's control name (the body has only its principal). */
  private headers(ev: VmsigEvent): Record<string, string> {
    const h: Record<string, string> = { [FEED_HEADER]: feedHeaderValue(this.run, this.count) };
    const by = ev.kind === Kind.LEASE_REVOKED ? preemptorName(this.core, ev) : null;
    if (by !== null) h[PREEMPTOR_HEADER] = by;
    return h;
  }

  /**
   * The answer to a `state` request (docs/fleet.md §2): what a late joiner of the feed is
   * owed — the replay a new subscriber would get (seams, lifecycle, cursor), the leases and
   * the seq it is current to — sent to the asker only, so nobody else sees it twice.
   */
  state(run: string, vms: unknown): Uint8Array {
    const core = this.core;
    const replay = this.id ? core.replayFor(this.id) : { events: [], seq: 0 };
    const controls = core.controls();
    const leases = core.arbiter.list().map((row) => {
      const c = controls.find((x) => x.id === row.holder.controlId);
      return {
        endpoint: row.endpoint,
        cls: nameOf(LeaseClass, row.cls),
        controlId: row.holder.controlId,
        controlName: c?.spec.name ?? `control ${row.holder.controlId}`,
        principal: row.holder.principal,
      };
    });
    const body = {
      host: this.host,
      run,
      seq: replay.seq,
      vms,
      leases,
      events: Buffer.from(packEventRecords(replay.events)).toString('base64'),
    };
    return new TextEncoder().encode(JSON.stringify(body));
  }

  /** Detaches the feed's control. */
  close(): void {
    this.closed = true;
    this.link = null;
    if (this.id !== 0) this.core.detachControl(this.id);
    this.id = 0;
  }
}
