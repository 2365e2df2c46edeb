import { describe, expect, it } from 'vitest';
import { packEventRecords } from '../../shared/ipc-records';
import { Dir, Kind, encodeEventBody, makeEvent } from '../../shared/model';
import { RowKind } from '../timeline/event-ring';
import { NO_FILTER } from '../timeline/event-filter';
import { prependHistory, setTimelineFilter, timelineData, useTimeline } from './timeline';

const ev = (seq: number, kind: number = Kind.ACT_ACK) =>
  makeEvent({ kind, seq, tsNs: seq * 1000, dir: Dir.UP, endpoint: 1 });

const shownSeqs = (): number[] => {
  const { ring, index } = timelineData;
  return Array.from({ length: index.length }, (_, i) => ring.get(index.at(i))!.seq);
};

describe('prependHistory', () => {
  it('puts each older page above what is shown, filtered, and reports the rows added for anchoring', () => {
    const { ring } = timelineData;
    ring.clear();
    setTimelineFilter(NO_FILTER);
    for (const s of [10, 11]) ring.push(encodeEventBody(ev(s)), 0);
    timelineData.index.sync();
    prependHistory(packEventRecords([ev(7), ev(8, Kind.LEASE_GRANTED), ev(9)]), 42);
    expect(shownSeqs()).toEqual([7, 8, 9, 10, 11]);
    expect(useTimeline.getState().history).toEqual({ status: 'more', cursor: 42, loaded: 3 });
    expect(useTimeline.getState().prepended.rows).toBe(3);

    setTimelineFilter({ ...NO_FILTER, kinds: [Kind.LEASE_GRANTED] });
    prependHistory(packEventRecords([ev(5, Kind.LEASE_GRANTED), ev(6)]), null);
    expect(shownSeqs()).toEqual([5, 8]);
    expect(useTimeline.getState().prepended.rows).toBe(1);
    expect(useTimeline.getState().history).toEqual({ status: 'start', cursor: null, loaded: 5 });
    // History rows carry negative ring numbers (the view marks them); live ones do not.
    expect(timelineData.index.at(0)).toBeLessThan(0);
    setTimelineFilter(NO_FILTER);
    expect(shownSeqs()).toEqual([5, 6, 7, 8, 9, 10, 11]);
  });
});

describe('prependHistory with what the journal could not supply', () => {
  const rows = (): string[] => {
    const { ring, index } = timelineData;
    return Array.from({ length: index.length }, (_, i) => {
      const n = index.at(i);
      return ring.rowKind(n) === RowKind.GAP ? ring.note(n) : String(ring.get(n)!.seq);
    });
  };

  it('puts a gap row with the sampled-away count above the page, and one for retention at the start', () => {
    const { ring } = timelineData;
    ring.clear();
    setTimelineFilter(NO_FILTER);
    ring.push(encodeEventBody(ev(20)), 0);
    timelineData.index.sync();
    const loaded = useTimeline.getState().history.loaded;
    const at = new Date(2026, 0, 1, 9, 30, 5).getTime();
    // Records 14 and 16 are kept cursor reports: 9 and 4 left out before them; 3 more after 16 up to the mark.
    prependHistory(packEventRecords([ev(14, Kind.CURSOR_STATE), ev(15), ev(16, Kind.CURSOR_STATE)]), 7, {
      sampled: [0, 9, at, 2, 4, at + 2000],
      pending: 3,
      firstRec: 1,
    });
    expect(rows()[0]).toMatch(
      /^Gap: 16 CURSOR_STATE events routed 09:30:05–\d\d:\d\d:\d\d are missing: the journal sampled them away/,
    );
    expect(rows().slice(1)).toEqual(['14', '15', '16', '20']);
    expect(useTimeline.getState().prepended.rows).toBe(4);
    // The page that reaches the start: the oldest record on disk is 41, so 40 were deleted.
    prependHistory(packEventRecords([ev(12)]), null, { sampled: [], pending: 0, firstRec: 41 });
    expect(rows()[0]).toBe(
      'Gap: up to 40 events are missing: journal retention deleted them (disk budget or age)',
    );
    expect(rows()[1]).toBe('12');
    // Gap rows are not history events.
    expect(useTimeline.getState().history.loaded - loaded).toBe(4);
  });
});
