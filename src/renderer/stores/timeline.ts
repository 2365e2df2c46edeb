/*
 * The event timeline's React-visible state: a version counter bumped at most once per
 * animation frame, plus pause/follow, the filter, the selected row and where history paging
 * stands. The 100 000-event ring (journal history below the live tail) and its filtered
 * index live outside React (timelineData) and rows read them directly.
 */
import { create } from 'zustand';
import { type TimelineFilter, NO_FILTER } from '../timeline/event-filter';
import { EventRing } from '../timeline/event-ring';
import { type HistoryState, HISTORY_IDLE, afterPage, prependPage } from '../timeline/history-paging';
import { TimelineIndex } from '../timeline/timeline-index';
import { Activity } from '../timeline/activity';
import { timelinePacer } from '../timeline/frame-pacer';
import { filterFromQuery, queryWithFilter } from '../timeline/filter-url';
import {
  FIRST_REC,
  retainedAway,
  retentionNote,
  sampledGap,
  sampledNote,
  withPending,
} from '../timeline/journal-gaps';

/** Timeline state. */
export interface TimelineState {
  version: number;
  paused: boolean;
  follow: boolean;
  filter: TimelineFilter;
  /** Ring number of the event shown in the detail pane, or null. */
  selected: number | null;
  /** Rows shown while paused (frozen length), null when live. */
  frozenLength: number | null;
  /** Journal history paging. */
  history: HistoryState;
  /** Rows the last history page added above the view; `n` counts pages so each is applied once. */
  prepended: { rows: number; n: number };
  /** The row a find jumped to; `n` counts jumps so each scrolls once. */
  jump: { row: number; n: number };
}

/** The filter the page address names (a shared view), or none outside a browser. */
const initialFilter = typeof window === 'undefined' ? NO_FILTER : filterFromQuery(window.location.search);

/** The ring and its index: mutable, outside React state. */
export const timelineData = {
  ring: new EventRing(100_000),
  index: null as unknown as TimelineIndex,
  /** What the activity strip draws (fed by the feed per event). */
  activity: new Activity(),
};
timelineData.index = new TimelineIndex(timelineData.ring);
timelineData.index.setFilter(initialFilter);

/** The timeline store. */
export const useTimeline = create<TimelineState>()(() => ({
  version: 0,
  paused: false,
  follow: true,
  filter: initialFilter,
  selected: null,
  frozenLength: null,
  history: HISTORY_IDLE,
  prepended: { rows: 0, n: 0 },
  jump: { row: 0, n: 0 },
}));

/** Selects row `row` of the index and scrolls it into view (following stops). */
export function jumpToRow(row: number): void {
  if (row < 0 || row >= timelineData.index.length) return;
  useTimeline.setState((s) => ({
    selected: timelineData.index.at(row),
    follow: false,
    jump: { row, n: s.jump.n + 1 },
  }));
}

let framePending = false;
let lastUpdateMs = -Infinity;
let lastUpdateTotal = 0;
/**
 * When more than BUSY_EVENTS arrived since the rows last updated, they update at most every
 * BUSY_FRAME_MS: at tens of thousands of events a second rows scroll past unreadably at any
 * rate, and re-rendering and laying them out every frame is the page's largest recurring
 * cost (the frame rate itself stays at the display's). A few events show at the next frame.
 */
const BUSY_EVENTS = 250;
const BUSY_FRAME_MS = 50;

/**
 * Called after events were pushed into the ring: syncs the index and bumps the version at
 * the next paced frame (frame-pacer.ts: every frame at most, less while the operator types,
 * and less under load).
 */
export function scheduleTimelineFrame(): void {
  if (framePending) return;
  framePending = true;
  const onFrame = (t: number): void => {
    const { ring, index } = timelineData;
    if (ring.total - lastUpdateTotal > BUSY_EVENTS && t - lastUpdateMs < BUSY_FRAME_MS) {
      timelinePacer.request(onFrame);
      return;
    }
    framePending = false;
    lastUpdateMs = t;
    lastUpdateTotal = ring.total;
    index.sync();
    if (!useTimeline.getState().paused) useTimeline.setState((s) => ({ version: s.version + 1 }));
  };
  timelinePacer.request(onFrame);
}

/** Replaces the filter and rebuilds the index. */
export function setTimelineFilter(filter: TimelineFilter): void {
  timelineData.index.setFilter(filter);
  // The address names the view so it can be shared; only the query changes (never the fragment).
  if (typeof window !== 'undefined') {
    const { pathname, search, hash } = window.location;
    const query = queryWithFilter(search, filter);
    if (query !== search) window.history.replaceState(window.history.state, '', `${pathname}${query}${hash}`);
  }
  useTimeline.setState((s) => ({
    filter,
    version: s.version + 1,
    frozenLength: s.paused ? timelineData.index.length : null,
  }));
}

/** Pauses (freezes the rows shown) or resumes following the live stream. */
export function setPaused(paused: boolean): void {
  timelineData.index.sync();
  useTimeline.setState((s) => ({
    paused,
    frozenLength: paused ? timelineData.index.length : null,
    version: s.version + 1,
  }));
}

/** Rows the list should show now. */
export function visibleLength(s: TimelineState): number {
  return s.frozenLength ?? timelineData.index.length;
}

/** What the journal could not supply for one history page (see journal-gaps.ts). */
export interface PageGaps {
  /** The answer's (index, count, wall ms) triples of sampled-away events. */
  sampled: readonly number[];
  /** Sampled away after the page's newest record (the first page only: up to the live mark). */
  pending: number;
  /** Oldest record on disk (retention deleted those below), null when none. */
  firstRec: number | null;
}

/**
 * Prepends one page of history (packed records, oldest first, all older than anything the
 * ring holds) and records where paging stands. Events the journal sampled away in that page
 * get a gap row above it, and the page that reaches the journal's start gets one for what
 * retention deleted. Rows added above the current view are reported in `prepended` so the
 * view can keep its scroll anchored.
 */
export function prependHistory(records: Uint8Array, cursor: number | null, gaps?: PageGaps): void {
  const { ring, index } = timelineData;
  const page = prependPage(ring, records);
  if (gaps && page.added > 0) {
    const total = page.total;
    const sampled = withPending(
      sampledGap(
        gaps.sampled,
        (i) => i >= total - page.added,
        (i) => page.kinds[i]!,
      ),
      gaps.pending,
      Date.now(),
    );
    if (sampled) ring.unshiftGap(sampledNote(sampled));
    const gone = cursor === null && page.complete ? retainedAway(gaps.firstRec, FIRST_REC - 1) : 0;
    if (gone > 0) ring.unshiftGap(retentionNote(gone, null));
  }
  const rows = index.syncOlder();
  useTimeline.setState((s) => ({
    history: afterPage(s.history, { ...page, cursor, free: ring.free }),
    prepended: { rows, n: s.prepended.n + 1 },
    frozenLength: s.frozenLength === null ? null : s.frozenLength + rows,
    version: s.version + 1,
  }));
}

/** Sets the history paging state (loading, no journal, error, full). */
export function setHistory(history: HistoryState): void {
  useTimeline.setState({ history });
}
