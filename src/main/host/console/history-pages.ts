/*
 * The console's journal side of the timeline: pages of history (older pages below a
 * renderer's history/live mark, and the range a reconnected renderer missed), and the
 * replayed state a fresh renderer gets once. Every event the console shows is identified by
 * its host run and seq; a replayed event the journal already holds is never sent twice.
 */
import { randomUUID } from 'node:crypto';
import type { InvokeResponse } from '../../../shared/ipc';
import { EventRecordWriter } from '../../../shared/ipc-records';
import { Dir, type VmsigEvent } from '../../../shared/model';
import { type Control, type Log, admits } from '../../core';
import type { Journal, JournalRecord } from '../journal';

/** What paging needs from the console: its journal, its control, and where its run began. */
export interface HistorySource {
  journal: Pick<Journal, 'nextRec' | 'reader' | 'pendingSkips'> | null;
  self: Control | undefined;
  /** The journal's nextRec() when the console control attached (this run's first record). */
  runStartRec: number;
  log: Log;
}

/** A host run's id: seq restarts with the host, so (run, seq) names an event, seq alone does not. */
export const newRunId = (): string => randomUUID();

/** A page request: `before` pages down (newest first), `after` fills forward (oldest first). */
export interface PageRequest {
  limit: number;
  vm?: number;
  before: number;
  after?: number;
}

/**
 * One page of journaled events the console would have received live, oldest first, packed
 * and base64-encoded, with the cursor of the next page (older for `desc`, newer for `after`).
 */
export function historyPage(src: HistorySource, req: PageRequest): InvokeResponse<'history.query'> {
  const { journal, self } = src;
  if (!journal) return noRecords(false, 0, null);
  const firstRec = journal.reader().firstRec();
  if (!self) return noRecords(true, src.runStartRec, firstRec);
  const accept = (r: JournalRecord): boolean => historyAdmits(self, src.runStartRec, r);
  const forward = req.after !== undefined;
  const page = journal.reader().query({
    limit: req.limit,
    vm: req.vm,
    order: forward ? 'asc' : 'desc',
    before: req.before,
    ...(forward ? { after: req.after } : {}),
    accept,
  });
  for (const d of page.damage)
    src.log('warn', `journal damage met while paging history: ${d.segment} at byte ${d.offset}`);
  const writer = new EventRecordWriter();
  const ordered = forward ? page.records : [...page.records].reverse();
  const sampled: number[] = [];
  ordered.forEach((rec, i) => {
    writer.append({ ...rec.event, origin: rec.controlId });
    if (rec.skippedBefore) sampled.push(i, rec.skippedBefore, rec.wallMs);
  });
  return {
    available: true,
    records: Buffer.from(writer.take()).toString('base64'),
    count: page.records.length,
    cursor: page.cursor,
    runStartRec: src.runStartRec,
    sampled,
    firstRec,
  };
}

/** A page without records: no journal (`available` false), or nothing the console may see. */
function noRecords(
  available: boolean,
  runStartRec: number,
  firstRec: number | null,
): InvokeResponse<'history.query'> {
  return { available, records: '', count: 0, cursor: null, runStartRec, sampled: [], firstRec };
}

/**
 * Events the console would see that the journal sampled away or capped and no record below
 * the current mark counts yet (left out since the last kept one of their kind and VM).
 */
export function pendingSampled(src: HistorySource): number {
  const f = src.self?.filter;
  if (!src.journal || !f) return 0;
  let n = 0;
  for (const p of src.journal.pendingSkips())
    if (admits(f, p.kind, p.source, p.dir, p.prio, p.endpoint)) n += p.count;
  return n;
}

/**
 * Whether the console would have received `r` live: its effective filter (caps and grant,
 * §6), or a reply addressed to it. Control ids restart with the host, so a record counts as
 * addressed to the console only when written since it attached.
 */
export function historyAdmits(self: Control, runStartRec: number, r: JournalRecord): boolean {
  const ev = r.event;
  if (ev.dir === Dir.UP && r.controlId === self.id && r.rec >= runStartRec) return true;
  const f = self.filter;
  return f !== null && admits(f, ev.kind, ev.source, ev.dir, ev.prio, ev.endpoint);
}

/**
 * The replayed state (seams, lifecycle, cursor, MEMCTX) a renderer's history will not hold:
 * replayed events are this run's events routed before `mark`, so each one the journal kept
 * is in this run's records below the mark and reaches the renderer as history. Only those it
 * did not keep (sampled cursor reports; everything without a journal) are sent, packed, to be
 * shown as marked state rows. One bounded scan of this run's records per subscribe.
 */
export function stateRows(src: HistorySource, replay: readonly VmsigEvent[], mark: number | null): string {
  let missing = replay;
  if (src.journal && mark !== null && replay.length > 0) {
    const want = new Set(replay.map((ev) => ev.seq >>> 0));
    const found = src.journal.reader().query({
      limit: want.size,
      order: 'desc',
      before: mark,
      fromRec: src.runStartRec,
      accept: (r) => want.has(r.event.seq >>> 0),
    });
    const held = new Set(found.records.map((r) => r.event.seq >>> 0));
    missing = replay.filter((ev) => !held.has(ev.seq >>> 0));
  }
  if (missing.length === 0) return '';
  const writer = new EventRecordWriter();
  for (const ev of missing) writer.append(ev);
  return Buffer.from(writer.take()).toString('base64');
}
