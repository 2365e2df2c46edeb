/*
 * Pure rules for the events the journal itself cannot supply: those its policy sampled away
 * or capped (each kept record counts the ones left out before it, per kind and VM) and those
 * retention deleted (every record below the oldest on disk). Says how many and when, for a
 * gap row; no I/O, no React.
 */
import { Kind, nameOf } from '../../shared/model';

/** What a page's (or a fill's) sampled-away events add up to. */
export interface SampledGap {
  count: number;
  /** Kind numbers of the records that carried counts. */
  kinds: number[];
  /** Wall-time span of those records (the left-out events came just before each). */
  fromMs: number;
  toMs: number;
}

/**
 * Sums the `sampled` triples (index, count, wall ms) of a history answer over the records
 * `taken(i)` says went into the timeline (a record deduplicated as already live had its
 * predecessors arrive live too). `kindAt(i)` reads a record's kind. Null when nothing is missing.
 */
export function sampledGap(
  sampled: readonly number[],
  taken: (i: number) => boolean,
  kindAt: (i: number) => number,
): SampledGap | null {
  let gap: SampledGap | null = null;
  for (let k = 0; k + 2 < sampled.length; k += 3) {
    const [i, count, ms] = [sampled[k]!, sampled[k + 1]!, sampled[k + 2]!];
    if (count <= 0 || !taken(i)) continue;
    gap ??= { count: 0, kinds: [], fromMs: ms, toMs: ms };
    gap.count += count;
    const kind = kindAt(i);
    if (!gap.kinds.includes(kind)) gap.kinds.push(kind);
    gap.fromMs = Math.min(gap.fromMs, ms);
    gap.toMs = Math.max(gap.toMs, ms);
  }
  return gap;
}

/** Two gaps as one (counts added, kinds joined, spans covered). */
export function mergeGaps(a: SampledGap, b: SampledGap): SampledGap {
  return {
    count: a.count + b.count,
    kinds: [...new Set([...a.kinds, ...b.kinds])],
    fromMs: Math.min(a.fromMs, b.fromMs),
    toMs: Math.max(a.toMs, b.toMs),
  };
}

/** Adds `pending` (left out after the last record counted, up to `nowMs`) to a gap, or starts one. */
export function withPending(gap: SampledGap | null, pending: number, nowMs: number): SampledGap | null {
  if (pending <= 0) return gap;
  if (!gap) return { count: pending, kinds: [], fromMs: nowMs, toMs: nowMs };
  return { ...gap, count: gap.count + pending, toMs: Math.max(gap.toMs, nowMs) };
}

/** The number a journal gives its first record ever (segment-writer.ts): paging reached the start when nothing below it is missing. */
export const FIRST_REC = 1;

/**
 * Records retention deleted from a range that starts just after record `after`: those below
 * the oldest record on disk (`firstRec`; null: none on disk, nothing can be said).
 */
export function retainedAway(firstRec: number | null, after: number): number {
  if (firstRec === null) return 0;
  return Math.max(0, firstRec - (after + 1));
}

const clock = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

/**
 * The gap row for sampled-away events; `upTo` when the count is a bound (after a reconnect,
 * some counted just before the cut may have arrived live).
 */
export function sampledNote(gap: SampledGap, upTo = false): string {
  const kinds = gap.kinds.length ? ` ${gap.kinds.map((k) => nameOf(Kind, k)).join(', ')}` : '';
  const span =
    gap.fromMs === gap.toMs ? `up to ${clock(gap.toMs)}` : `${clock(gap.fromMs)}–${clock(gap.toMs)}`;
  return `Gap: ${upTo ? 'up to ' : ''}${gap.count}${kinds} events routed ${span} are missing: the journal sampled them away (its policy keeps a share of high-rate kinds)`;
}

/** The gap row for records retention deleted (`beforeMs`: wall time of the oldest record kept, if known). */
export function retentionNote(records: number, beforeMs: number | null): string {
  const when = beforeMs === null ? '' : ` before ${clock(beforeMs)}`;
  return `Gap: up to ${records} events${when} are missing: journal retention deleted them (disk budget or age)`;
}
