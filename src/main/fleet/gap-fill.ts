/*
 * Fills the gaps of another host's feed from that host's journal (docs/fleet.md §6). When
 * a host's feed count jumps, its events for the timeline are held while the host is asked
 * for its journaled events after the last seq passed on; then the gap row goes out (saying
 * how many were filled, or why none could be), the journal's events in place, and what was
 * held. The host's answer decides what was missed; nothing is made up here. Pure apart from
 * the injected fetch, so the ordering is tested without a bus.
 */
import type { VmsigEvent } from '../../shared/model';
import { unpackEventRecords } from '../../shared/ipc-records';
import { type HostReply, NOT_IMPLEMENTED } from '../wire';

/** What a feed message says beside its event: the preemptor's control name on a LEASE_REVOKED. */
export interface FeedMeta {
  preemptor?: string;
}

/** The outcome of a fill, for the gap row. */
export type GapFill = { filled: number; complete: boolean; sampled: number } | { error: string };

/** A host's journal answer: its events after the asked seq, oldest first. */
export interface JournalAnswer {
  events: VmsigEvent[];
  /** Whether the host's journal held (and its answer carried) everything after the asked seq. */
  complete: boolean;
  /** Events its journal's policy left out of the range (sampled). */
  sampled: number;
  /** The answer could not carry all the host found: there is more after its last event. */
  more: boolean;
}

/** Answers one gap's fill asks for at most: 16 × 512 events, so a fill never runs on without end. */
export const FILL_PAGES_MAX = 16;

/** Where held and filled events go, in timeline order. */
export interface GapFillSink {
  /** Whether `ev` is new for the timeline (exactly once per host run); marks it passed on. */
  isNew(host: string, ev: VmsigEvent): boolean;
  /** The newest seq passed on for `host` (-1: none yet this run). */
  lastSeq(host: string): number;
  event(host: string, ev: VmsigEvent, meta: FeedMeta): void;
  gap(host: string, missed: number, fill: GapFill): void;
}

/** A `journal.events` reply of `host` as an answer; throws an Error saying why there is none. */
export function journalAnswer(host: string, r: HostReply): JournalAnswer {
  if (!r.ok) throw new Error(r.err === NOT_IMPLEMENTED ? r.message : `${r.err}: ${r.message}`);
  const o = (r.result ?? {}) as { events?: unknown; complete?: unknown; sampled?: unknown; more?: unknown };
  if (typeof o.events !== 'string') throw new Error(`host ${host} answered without events`);
  return {
    events: unpackEventRecords(new Uint8Array(Buffer.from(o.events, 'base64'))),
    complete: o.complete === true,
    sampled: typeof o.sampled === 'number' && Number.isInteger(o.sampled) ? o.sampled : 0,
    more: o.more === true,
  };
}

/** Asks `host` for its journaled events of run `run` after `afterSeq`; rejects with the reason it could not. */
export type JournalFetch = (host: string, run: string, afterSeq: number) => Promise<JournalAnswer>;

interface Holding {
  run: string;
  afterSeq: number;
  missed: number;
  items: { ev: VmsigEvent; meta: FeedMeta }[];
}

/** One per console: a fill in flight per host at most. */
export class GapFiller {
  private readonly holding = new Map<string, Holding>();

  constructor(
    private readonly fetch: JournalFetch,
    private readonly sink: GapFillSink,
  ) {}

  /** Whether `host`'s timeline events are held for a fill now. */
  isHolding(host: string): boolean {
    return this.holding.has(host);
  }

  /**
   * A feed event of `host` (run `run`), `missed` events after the previous one it sent (0:
   * none). Passed on at once, or held behind a fill in flight; a gap starts one.
   */
  feed(host: string, run: string, ev: VmsigEvent, meta: FeedMeta, missed: number): void {
    const held = this.holding.get(host);
    if (held) {
      held.items.push({ ev, meta });
      held.missed += missed;
      return;
    }
    const afterSeq = this.sink.lastSeq(host);
    if (missed > 0 && afterSeq >= 0) {
      this.holding.set(host, { run, afterSeq, missed, items: [{ ev, meta }] });
      this.fetchGap(host, run, afterSeq).then(
        (answer) => this.finish(host, answer),
        (e: unknown) => this.finish(host, { error: e instanceof Error ? e.message : String(e) }),
      );
      return;
    }
    // Nothing passed on yet this run: there is no place to fill from, so the row says only the count.
    if (missed > 0) this.sink.gap(host, missed, { error: 'no earlier event of this host run to fill after' });
    this.pass(host, ev, meta);
  }

  /**
   * The host's journal after `afterSeq`, page after page while an answer says there is more
   * and its last seq is below the newest the feed brought meanwhile, FILL_PAGES_MAX at most.
   */
  private async fetchGap(host: string, run: string, afterSeq: number): Promise<JournalAnswer> {
    const newestHeld = (): number =>
      Math.max(-1, ...(this.holding.get(host)?.items.map(({ ev }) => ev.seq) ?? []));
    const events: VmsigEvent[] = [];
    let sampled = 0;
    let after = afterSeq;
    for (let page = 1; ; page++) {
      const a = await this.fetch(host, run, after);
      events.push(...a.events);
      sampled += a.sampled;
      const last = a.events.at(-1)?.seq;
      if (!a.more || last === undefined || last >= newestHeld())
        return { events, complete: a.complete, sampled, more: false };
      // The page limit reached with more still there: not complete, as the row then says.
      if (page === FILL_PAGES_MAX) return { events, complete: false, sampled, more: true };
      after = last;
    }
  }

  private pass(host: string, ev: VmsigEvent, meta: FeedMeta): void {
    if (this.sink.isNew(host, ev)) this.sink.event(host, ev, meta);
  }

  /**
   * The journal answered (or could not): the gap row, then the journal's events the feed did
   * not bring merged in seq order with what was held. Held events cannot bound the gap: a
   * host's state replay after it reconnects repeats its latest events with their own seqs,
   * newer than some it never published. The journal is written before the feed publishes,
   * so an event it holds that is still on its way arrives later as a repeat of a seq already
   * shown and is dropped by the once-per-seq rule (a sampled cursor report then in flight,
   * which the journal does not hold, is dropped with it: the one loss, and only at that moment).
   */
  private finish(host: string, answer: JournalAnswer | { error: string }): void {
    const h = this.holding.get(host);
    if (!h) return;
    this.holding.delete(host);
    if ('error' in answer) {
      this.sink.gap(host, h.missed, { error: answer.error });
      for (const { ev, meta } of h.items) this.pass(host, ev, meta);
      return;
    }
    const got = new Set(h.items.map(({ ev }) => ev.seq));
    const filled = answer.events
      .filter((ev) => ev.seq > h.afterSeq && !got.has(ev.seq))
      .map((ev) => ({ ev, meta: {} }));
    this.sink.gap(host, h.missed, {
      filled: filled.length,
      complete: answer.complete,
      sampled: answer.sampled,
    });
    // Replays of older seqs sort first and are dropped by the once-per-seq rule, as unheld ones are.
    const merged = [...filled, ...h.items].sort((p, q) => p.ev.seq - q.ev.seq);
    for (const { ev, meta } of merged) this.pass(host, ev, meta);
  }
}
