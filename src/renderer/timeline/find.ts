/*
 * Finding rows in the filtered timeline: by seq (the newest row with it), by wall-clock time
 * (the first row at or after it), and the next row after a position that a filter admits
 * (wrapping to the top). Returns row positions in the index, -1 when nothing matches.
 */
import { type TimelineFilter, compileFilter } from './event-filter';
import { type EventRing, RowKind } from './event-ring';
import type { TimelineIndex } from './timeline-index';

/** The newest row whose event has `seq`. */
export function findSeq(ring: EventRing, index: TimelineIndex, seq: number): number {
  for (let i = index.length - 1; i >= 0; i--) {
    const n = index.at(i);
    if (ring.rowKind(n) !== RowKind.GAP && ring.seq(n) === seq >>> 0) return i;
  }
  return -1;
}

/** The first row at or after wall time `ms`, given one (core ns, wall ms) pair of the same instant. */
export function findTime(
  ring: EventRing,
  index: TimelineIndex,
  ms: number,
  clock: { ns: number; ms: number },
): number {
  // tsNs at `ms` on the core clock; events of another host run compare meaninglessly, as in the rows.
  const ns = clock.ns - (clock.ms - ms) * 1e6;
  for (let i = 0; i < index.length; i++) {
    const n = index.at(i);
    if (ring.rowKind(n) === RowKind.GAP) continue;
    const ev = ring.get(n);
    if (ev && ev.tsNs >= ns) return i;
  }
  return -1;
}

/** The first row after `from` that `filter` admits, wrapping past the end once. */
export function findNext(
  ring: EventRing,
  index: TimelineIndex,
  from: number,
  filter: TimelineFilter,
): number {
  const pred = compileFilter(filter);
  const len = index.length;
  for (let k = 1; k <= len; k++) {
    const i = (from + k + len) % len;
    const n = index.at(i);
    if (ring.rowKind(n) !== RowKind.GAP && pred(ring, n)) return i;
  }
  return -1;
}

/** "HH:MM[:SS[.mmm]]" today (local time) → epoch ms, or null. */
export function parseClock(text: string, now: Date): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(text.trim());
  if (!m) return null;
  const d = new Date(now);
  d.setHours(Number(m[1]), Number(m[2]), Number(m[3] ?? 0), Number((m[4] ?? '0').padEnd(3, '0')));
  return Number.isNaN(d.getTime()) ? null : d.getTime();
}
