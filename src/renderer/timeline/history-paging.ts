/*
 * Pure rules for paging journal history into the top of the timeline: how much a page may
 * ask for, how a page goes into the ring, what the history state becomes, and where the
 * scroll position goes so the row under the operator's eyes stays put. No I/O, no React.
 */
import { forEachEventRecord } from '../../shared/ipc-records';
import type { EventRing } from './event-ring';
import { eventU32 } from '../../shared/model';

/**
 * Where paging stands. `more`: older records may exist (scrolling to the top fetches them);
 * `start`: the journal holds nothing older; `full`: the ring is full, nothing older is
 * loaded; `none`: the host keeps no journal.
 */
export type HistoryStatus = 'idle' | 'loading' | 'more' | 'start' | 'full' | 'none' | 'error';

/** History paging state. */
export interface HistoryState {
  status: HistoryStatus;
  /** `before` of the next older page (journal record number), null before the first page. */
  cursor: number | null;
  /** History events held in the ring so far. */
  loaded: number;
}

/** Nothing loaded yet. */
export const HISTORY_IDLE: HistoryState = { status: 'idle', cursor: null, loaded: 0 };

/** Default page size (records per request). */
export const HISTORY_PAGE = 2_000;

/**
 * Records the next request may ask for: the page size, cut to the ring's free room. The
 * ring keeps its cap by refusing history rather than evicting: evicting the newest would
 * lose the live events being followed, and evicting the oldest would cut the history just
 * loaded out from under the operator scrolling into it. 0 means: do not ask.
 */
export function pageLimit(free: number, pageSize: number): number {
  return Math.max(0, Math.min(free, pageSize));
}

/**
 * Puts one page (packed records, oldest first) below the ring's oldest event, newest
 * record first so order is kept. Returns how many went in (the newest `added` of `total`)
 * and whether all did (the ring can fill up when live events arrived while the page was on
 * its way), and each record's kind.
 */
export function prependPage(
  ring: EventRing,
  records: Uint8Array,
): { added: number; complete: boolean; total: number; kinds: number[] } {
  const page: { body: Uint8Array; origin: number }[] = [];
  forEachEventRecord(records, (body, origin) => page.push({ body, origin }));
  let added = 0;
  for (let i = page.length - 1; i >= 0; i--) {
    if (ring.unshift(page[i]!.body, page[i]!.origin) === null) break;
    added++;
  }
  const kinds = page.map((r) => eventU32(r.body, 'kind'));
  return { added, complete: added === page.length, total: page.length, kinds };
}

/** The state after a page came back with `cursor` and went into a ring with `free` room left. */
export function afterPage(
  prev: HistoryState,
  page: { added: number; complete: boolean; cursor: number | null; free: number },
): HistoryState {
  const loaded = prev.loaded + page.added;
  if (!page.complete) return { status: 'full', cursor: page.cursor, loaded };
  if (page.cursor === null) return { status: 'start', cursor: null, loaded };
  return { status: page.free > 0 ? 'more' : 'full', cursor: page.cursor, loaded };
}

/** Whether a scroll position is close enough to the top to fetch the next older page. */
export function wantsOlder(status: HistoryStatus, scrollTop: number, rowHeight: number): boolean {
  return status === 'more' && scrollTop < rowHeight * 2;
}

/**
 * The scroll position that keeps the same row on screen after `rowsAbove` rows were
 * inserted above it (rows have one fixed height, so this is exact).
 */
export function anchoredScrollTop(scrollTop: number, rowsAbove: number, rowHeight: number): number {
  return scrollTop + rowsAbove * rowHeight;
}

/** Reads the page size from `?historyPage=` (1..20 000; tests use a small one), else the default. */
export function pageSizeFrom(search: string): number {
  const v = Number(new URLSearchParams(search).get('historyPage'));
  return Number.isInteger(v) && v >= 1 && v <= 20_000 ? v : HISTORY_PAGE;
}
