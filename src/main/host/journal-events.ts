/*
 * The `journal.events` host request (docs/protocol-host-frames.md): this host run's
 * journaled events after a seq, oldest first, for a fleet console whose feed missed them
 * (docs/fleet.md §6). It answers only what the asking control may observe (its caps and
 * grant, as the console's own history), never typed keys (as the feed), and never more
 * than fits one reply (`more` says to ask again after its last seq). It only reads the journal.
 */
import {
  ALL_ENDPOINTS,
  type Core,
  type SubscriptionFilter,
  admits,
  allEvents,
  effectiveFilter,
} from '../core';
import { Cap, ErrorCode, Kind, type VmsigEvent, VmsigError, eventBodySize } from '../../shared/model';
import { packEventRecords } from '../../shared/ipc-records';
import { HostOpUnsupported } from '../wire';
import type { Journal, JournalRecord } from './journal';

/** Events one answer carries at most (the asker pages on while `more`). */
export const JOURNAL_EVENTS_MAX = 512;
/** Packed bytes one answer carries at most: base64 of it stays well inside a 1 MiB frame. */
const ANSWER_BYTES_MAX = 512 * 1024;
/** Records read back from the newest at most before giving up on reaching `afterSeq`. */
const SCAN_MAX = 16_384;
const PAGE = 1024;

/**
 * What the fleet feed carries: every kind but typed keys (CMD_INPUT, INPUT_HELD), which are
 * passwords at a login prompt and the feed is read by every user the bus lets subscribe.
 */
export function publicFeedFilter(): SubscriptionFilter {
  const f = allEvents(ALL_ENDPOINTS);
  for (const k of [Kind.CMD_INPUT, Kind.INPUT_HELD]) f.kinds[k >> 3]! &= ~(1 << (k & 7));
  return f;
}

/** Where the answer reads from. */
export interface JournalEventsSource {
  core: Core;
  journal(): Pick<Journal, 'reader' | 'nextRec'> | null;
  /** The first record of this host run: seqs restart with the host, so older records are another run's. */
  runStartRec: number;
}

/** The answer: packed event records (base64, origin 0), whether they reach back to `afterSeq`. */
export interface JournalEventsAnswer {
  events: string;
  count: number;
  /** False when the journal no longer holds (retention), or this answer could not carry, all of the range. */
  complete: boolean;
  /** Events of the range the journal's policy left out (sampled cursor reports), as its records count them. */
  sampled: number;
  /** This answer could not carry all it found: ask again after its last seq for the rest. */
  more: boolean;
}

function intArg(args: Record<string, unknown>, k: string, min: number, max: number): number {
  const v = args[k];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new VmsigError(ErrorCode.INVAL, `${k} must be an integer in ${min}..${max}`);
  return v;
}

/**
 * Answers `journal.events {afterSeq, limit}` for control `controlId`: this run's events with
 * a seq above `afterSeq` that the control may observe, oldest first, at most `limit`.
 * Throws VmsigError PERM without OBSERVE, INVAL on bad args, HostOpUnsupported without a journal.
 */
export function journalEvents(
  src: JournalEventsSource,
  controlId: number,
  args: Record<string, unknown>,
): JournalEventsAnswer {
  for (const k of Object.keys(args))
    if (k !== 'afterSeq' && k !== 'limit')
      throw new VmsigError(ErrorCode.INVAL, `unknown argument "${k.slice(0, 32)}"`);
  const afterSeq = intArg(args, 'afterSeq', 0, Number.MAX_SAFE_INTEGER);
  const limit = intArg(args, 'limit', 1, JOURNAL_EVENTS_MAX);
  const c = src.core.control(controlId);
  if (!c || (c.spec.caps & Cap.OBSERVE) === 0)
    throw new VmsigError(ErrorCode.PERM, 'journal.events needs OBSERVE');
  const journal = src.journal();
  if (!journal) throw new HostOpUnsupported('this host keeps no journal');
  const f = effectiveFilter(publicFeedFilter(), c.spec.caps, c.spec.grant);
  const seen = (r: JournalRecord): boolean => {
    const ev = r.event;
    return admits(f, ev.kind, ev.source, ev.dir, ev.prio, ev.endpoint);
  };
  // Newest first, a page at a time, until a record at or below afterSeq: a gap is recent,
  // so this reads about as many records as the gap holds, not the whole run.
  const reader = journal.reader();
  const found: JournalRecord[] = [];
  let before = journal.nextRec();
  let reached = false;
  for (let scanned = 0; scanned < SCAN_MAX && !reached;) {
    const page = reader.query({ limit: PAGE, order: 'desc', before, fromRec: src.runStartRec });
    for (const r of page.records) {
      if (r.event.seq <= afterSeq) {
        reached = true;
        break;
      }
      if (seen(r)) found.push(r);
    }
    scanned += page.records.length;
    if (page.cursor === null) {
      // The run's first record, or the oldest retention left: complete only in the first case.
      reached ||= (reader.firstRec() ?? Infinity) <= src.runStartRec;
      break;
    }
    before = page.cursor;
  }
  found.reverse();
  const events: VmsigEvent[] = [];
  let bytes = 0;
  let sampled = 0;
  for (const r of found) {
    bytes += 8 + eventBodySize(r.event);
    if (events.length === limit || bytes > ANSWER_BYTES_MAX) break;
    // Control ids are this host's own: the asker's timeline could only misname them.
    events.push({ ...r.event, origin: 0 });
    sampled += r.skippedBefore ?? 0;
  }
  return {
    events: Buffer.from(packEventRecords(events)).toString('base64'),
    count: events.length,
    complete: reached && events.length === found.length,
    sampled,
    more: events.length < found.length,
  };
}
