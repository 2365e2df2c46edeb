/*
 * Pure rules for closing the hole a reconnect leaves: which journal ranges to read, which
 * records already arrived live (same host run and seq), and how a gap row reads. Events are
 * named by (host run, seq): seq restarts with the host and wraps at 2^32, so seqs are only
 * compared within one run and relative to the run's seq at the previous subscribe.
 */
import type { InvokeResponse } from '../../shared/ipc';
import { type EventRing, RowKind } from './event-ring';

/** A journal range (after, before) to append, and whether its records may already be held. */
export interface FillRange {
  after: number;
  before: number;
  dedup: boolean;
}

/**
 * Seqs of the events that arrived live since ring number `from` (the previous subscribe),
 * and the newest of them, compared as distance from `baseSeq` so a u32 wrap keeps order.
 */
export function liveSeqsSince(
  ring: EventRing,
  from: number,
  baseSeq: number,
): { seqs: Set<number>; last: number } {
  const seqs = new Set<number>();
  let lastD = 0;
  for (let n = Math.max(from, ring.first); n < ring.total; n++) {
    if (ring.rowKind(n) !== RowKind.EVENT) continue;
    const s = ring.seq(n);
    seqs.add(s);
    const d = (s - baseSeq) >>> 0;
    // A reply or notice stamped before the mark can arrive after it; never count backwards.
    if (d < 0x80000000 && d > lastD) lastD = d;
  }
  return { seqs, last: (baseSeq + lastD) >>> 0 };
}

/**
 * The journal ranges between the previous mark and the new one. Within one run every record
 * may have arrived live (dedup by seq); after a host restart only the records before the new
 * run's first record can have (they are the old run's), the rest are all new.
 */
export function fillRanges(
  prevMark: number,
  next: InvokeResponse<'events.subscribe'>,
  sameRun: boolean,
): FillRange[] {
  const end = next.mark ?? prevMark;
  if (end <= prevMark) return [];
  if (sameRun) return [{ after: prevMark - 1, before: end, dedup: true }];
  const split = Math.min(Math.max(next.runStartRec, prevMark), end);
  const out: FillRange[] = [];
  if (split > prevMark) out.push({ after: prevMark - 1, before: split, dedup: true });
  if (end > split) out.push({ after: split - 1, before: end, dedup: false });
  return out;
}

const clock = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

/** The text of a gap row: why, how many (null: unknown), which seqs and which wall-clock span. */
export function gapNote(
  why: string,
  count: number | null,
  fromSeq: number | null,
  toSeq: number,
  span: { from: number; to: number },
): string {
  const n = count === null ? 'an unknown number of events' : `up to ${count} events`;
  const seqs = fromSeq === null ? '' : ` (seq ${(fromSeq + 1) >>> 0}–${toSeq})`;
  return `Gap: ${n}${seqs} routed ${clock(span.from)}–${clock(span.to)} are missing: ${why}`;
}
