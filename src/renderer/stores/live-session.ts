/*
 * This renderer's live stream across (re)connects: subscribing holds incoming batches until
 * the host answered, then puts in order what belongs before them: on the first subscribe the
 * replayed state the journal lacks (marked state rows), on a reconnect the range missed while
 * disconnected, read from the journal and deduplicated by (host run, seq) against what did
 * arrive live, or a gap row saying what is missing when the journal cannot supply it.
 */
import { getApi } from '../api';
import { RowKind } from '../timeline/event-ring';
import { type FillRange, fillRanges, gapNote, liveSeqsSince } from '../timeline/gap-fill';
import {
  type SampledGap,
  mergeGaps,
  retainedAway,
  retentionNote,
  sampledGap,
  sampledNote,
  withPending,
} from '../timeline/journal-gaps';
import { forEachEventRecord } from '../../shared/ipc-records';
import type { InvokeResponse } from '../../shared/ipc';
import { eventU32 } from '../../shared/model';
import { notify } from './notices';
import { scheduleTimelineFrame, timelineData } from './timeline';

type Subscribed = InvokeResponse<'events.subscribe'>;

/** The last subscribe's answer, and where its live events start in the ring. */
let session: (Subscribed & { liveFrom: number }) | null = null;
/** Batches that arrived while a subscribe (and its fill) was on its way, in order. */
let held: Uint8Array[] | null = null;
/** Wall time the connection was lost (for the gap row's span). */
let lostAt: number | null = null;

/** Events sampled away before the first subscribe's mark that no history record counts (see history.ts). */
export function sampledAtFirstMark(): number {
  return firstSampled;
}
let firstSampled = 0;

const decode = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

/** Whether a batch must wait (a subscribe is being settled); the feed then hands it here. */
export function holdBatch(batch: Uint8Array): boolean {
  if (held === null) return false;
  held.push(batch);
  return true;
}

/** Notes that the connection dropped (the gap row's span starts here). */
export function connectionLost(): void {
  lostAt ??= Date.now();
}

/**
 * Subscribes and settles what comes before the live stream; `onBatch` takes the held
 * batches afterwards. Returns whether the host turned the stream on.
 */
export async function subscribeLive(onBatch: (b: Uint8Array) => void): Promise<boolean> {
  held = [];
  try {
    const r = await getApi().invoke('events.subscribe', { enabled: true });
    if (!r.ok) return false;
    const next = r.value;
    const ring = timelineData.ring;
    if (session === null) {
      if (next.state) forEachEventRecord(decode(next.state), (b, o) => ring.push(b, o, RowKind.STATE));
      firstSampled = next.sampled;
    } else {
      await fillMissed(session, next);
    }
    session = { ...next, liveFrom: ring.total };
    lostAt = null;
    return true;
  } finally {
    const batches = held ?? [];
    held = null;
    for (const b of batches) onBatch(b);
    scheduleTimelineFrame();
  }
}

/** Loads what was routed between the previous live stream and the new mark, or marks the gap. */
async function fillMissed(prev: NonNullable<typeof session>, next: Subscribed): Promise<void> {
  const ring = timelineData.ring;
  const seen = liveSeqsSince(ring, prev.liveFrom, prev.seq);
  const sameRun = prev.run === next.run;
  const span = { from: lostAt ?? Date.now(), to: Date.now() };
  if (prev.mark === null || next.mark === null) {
    const missing = sameRun ? (next.seq - seen.last) >>> 0 : null;
    if (missing !== 0)
      ring.pushGap(
        gapNote('this host keeps no journal', missing, sameRun ? seen.last : null, next.seq, span),
      );
    return;
  }
  let filled = 0;
  let sampled: SampledGap | null = null;
  for (const range of fillRanges(prev.mark, next, sameRun)) {
    const out = await fillRange(range, seen.seqs);
    filled += out.added;
    if (out.sampled) sampled = sampled ? mergeGaps(sampled, out.sampled) : out.sampled;
    if (out.cut) ring.pushGap(gapNote('the journal could not be read', null, null, next.seq, span));
  }
  // Left out after the last record of their kind and VM below the new mark: no record counts them.
  sampled = withPending(sampled, next.sampled, span.to);
  if (sampled) ring.pushGap(sampledNote(sampled, true));
  if (filled > 0) notify('info', `Loaded ${filled} events missed while disconnected`);
}

/**
 * Appends one journal range in order, skipping seqs that arrived live; pages until done.
 * Says what the journal could not supply: a retention gap row goes in at once (it precedes
 * the records), the sampled-away count is returned (its events are spread between them).
 */
async function fillRange(
  range: FillRange,
  seen: Set<number>,
): Promise<{ added: number; cut: boolean; sampled: SampledGap | null }> {
  const ring = timelineData.ring;
  let after = range.after;
  let added = 0;
  let sampled: SampledGap | null = null;
  for (;;) {
    const limit = Math.min(5_000, ring.capacity);
    const r = await getApi().invoke('history.query', { limit, after, before: range.before });
    if (!r.ok || !r.value.available) return { added, cut: true, sampled };
    if (after === range.after) {
      const missing = Math.min(retainedAway(r.value.firstRec, range.after), range.before - range.after - 1);
      if (missing > 0) ring.pushGap(retentionNote(missing, null));
    }
    const taken: boolean[] = [];
    const kinds: number[] = [];
    forEachEventRecord(decode(r.value.records), (body, origin) => {
      const seq = eventU32(body, 'seq');
      kinds.push(eventU32(body, 'kind'));
      const dup = range.dedup && seen.has(seq);
      taken.push(!dup);
      if (dup) return;
      ring.push(body, origin);
      added++;
    });
    const page = sampledGap(
      r.value.sampled,
      (i) => taken[i] === true,
      (i) => kinds[i]!,
    );
    if (page) sampled = sampled ? mergeGaps(sampled, page) : page;
    if (r.value.cursor === null || r.value.count < limit) return { added, cut: false, sampled };
    after = r.value.cursor;
  }
}
