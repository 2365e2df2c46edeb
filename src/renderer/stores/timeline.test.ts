import { describe, expect, it } from 'vitest';
import { packEventRecords } from '../../shared/ipc-records';
import { Dir, Kind, encodeEventBody, makeEvent } from '../../shared/model';
import { rebuildWithHistory, timelineData } from './timeline';

const ev = (seq: number, kind: number = Kind.ACT_ACK) =>
  makeEvent({ kind, seq, tsNs: seq * 1000, dir: Dir.UP, endpoint: 1 });

describe('rebuildWithHistory', () => {
  it('puts journaled history before the live events and skips history the console already saw live', () => {
    const { ring, index } = timelineData;
    ring.clear();
    for (const s of [10, 11]) ring.push(encodeEventBody(ev(s)), 0);
    const added = rebuildWithHistory(packEventRecords([ev(7), ev(8, Kind.LEASE_GRANTED), ev(10)]));
    expect(added).toBe(2);
    const seqs = Array.from({ length: index.length }, (_, i) => ring.get(index.at(i))!.seq);
    expect(seqs).toEqual([7, 8, 10, 11]);
  });
});
