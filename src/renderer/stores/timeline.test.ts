import { describe, expect, it } from 'vitest';
import { packEventRecords } from '../../shared/ipc-records';
import { Dir, Kind, encodeEventBody, makeEvent } from '../../shared/model';
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
