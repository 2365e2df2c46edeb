/*
 * The event timeline's React-visible state: a version counter bumped at most once per
 * animation frame, plus pause/follow, the filter and the selected row. The 100 000-event
 * ring and its filtered index live outside React (timelineData) and rows read them directly.
 */
import { create } from 'zustand';
import { forEachEventRecord } from '../../shared/ipc-records';
import { type VmsigEvent, decodeEventBody, encodeEventBody } from '../../shared/model';
import { type TimelineFilter, NO_FILTER } from '../timeline/event-filter';
import { EventRing } from '../timeline/event-ring';
import { TimelineIndex } from '../timeline/timeline-index';

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
}

/** The ring and its index: mutable, outside React state. */
export const timelineData = {
  ring: new EventRing(100_000),
  index: null as unknown as TimelineIndex,
};
timelineData.index = new TimelineIndex(timelineData.ring);
timelineData.index.setFilter(NO_FILTER);

/** The timeline store. */
export const useTimeline = create<TimelineState>()(() => ({
  version: 0,
  paused: false,
  follow: true,
  filter: NO_FILTER,
  selected: null,
  frozenLength: null,
}));

let framePending = false;

/** Called after events were pushed into the ring: syncs the index and bumps the version once per frame. */
export function scheduleTimelineFrame(): void {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(() => {
    framePending = false;
    timelineData.index.sync();
    if (!useTimeline.getState().paused) useTimeline.setState((s) => ({ version: s.version + 1 }));
  });
}

/** Replaces the filter and rebuilds the index. */
export function setTimelineFilter(filter: TimelineFilter): void {
  timelineData.index.setFilter(filter);
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

/**
 * Rebuilds the ring as `history` (packed records, oldest first) followed by the live
 * events it holds; history the console already saw live (same seq and time or later) is
 * skipped. Returns how many history events were added.
 */
export function rebuildWithHistory(history: Uint8Array): number {
  const { ring } = timelineData;
  const live: VmsigEvent[] = [];
  for (let n = ring.first; n < ring.total; n++) {
    const ev = ring.get(n);
    if (ev) live.push(ev);
  }
  const firstLive = live[0];
  ring.clear();
  let added = 0;
  forEachEventRecord(history, (body, origin) => {
    const ev = decodeEventBody(body);
    if (firstLive && ev.seq >= firstLive.seq && ev.tsNs >= firstLive.tsNs) return;
    ring.push(body, origin);
    added++;
  });
  for (const ev of live) ring.push(encodeEventBody(ev), ev.origin);
  timelineData.index.setFilter(useTimeline.getState().filter);
  useTimeline.setState((s) => ({
    version: s.version + 1,
    frozenLength: s.paused ? timelineData.index.length : null,
  }));
  return added;
}
