import { describe, expect, it } from 'vitest';
import { Dir, Kind, encodeEventBody, makeEvent } from '../../shared/model';
import { linkedEvent } from './corr-link';
import { EventRing, RowKind } from './event-ring';
import { NO_FILTER } from './event-filter';
import { fillRanges, gapNote, liveSeqsSince } from './gap-fill';
import { filterFromQuery, queryWithFilter } from './filter-url';

const ev = (seq: number, corr = 0, dir: number = Dir.UP): Uint8Array =>
  encodeEventBody(makeEvent({ kind: Kind.ACT_ACK, seq, corr, dir, endpoint: 1 }));

const sub = (mark: number | null, runStartRec = 0) => ({
  enabled: true,
  run: 'r',
  mark,
  runStartRec,
  seq: 0,
  state: '',
  sampled: 0,
});

describe('gap fill', () => {
  it('collects the live seqs since the last subscribe and the newest across a u32 wrap', () => {
    const ring = new EventRing(10);
    ring.push(ev(1), 0);
    const from = ring.total;
    for (const s of [0xfffffffe, 0xffffffff, 0, 1]) ring.push(ev(s), 0);
    ring.push(ev(7), 0, RowKind.STATE);
    const { seqs, last } = liveSeqsSince(ring, from, 0xfffffff0);
    expect([...seqs]).toEqual([0xfffffffe, 0xffffffff, 0, 1]);
    expect(last).toBe(1);
  });

  it('reads one deduplicated range within a run, and splits at the new run after a restart', () => {
    expect(fillRanges(10, sub(20), true)).toEqual([{ after: 9, before: 20, dedup: true }]);
    expect(fillRanges(10, sub(20, 15), false)).toEqual([
      { after: 9, before: 15, dedup: true },
      { after: 14, before: 20, dedup: false },
    ]);
    expect(fillRanges(20, sub(20), true)).toEqual([]);
  });

  it('says how many, which seqs and when in a gap row', () => {
    const at = new Date(2026, 0, 1, 10, 0, 0).getTime();
    expect(gapNote('no journal', 5, 10, 15, { from: at, to: at + 61_000 })).toBe(
      'Gap: up to 5 events (seq 11–15) routed 10:00:00–10:01:01 are missing: no journal',
    );
    expect(gapNote('x', null, null, 3, { from: at, to: at })).toMatch(
      /^Gap: an unknown number of events routed/,
    );
  });
});

describe('corr links', () => {
  it('links a command and its reply of the same origin, never a stranger with the same corr', () => {
    const ring = new EventRing(10);
    const cmd = ring.push(ev(1, 9, Dir.DOWN), 4);
    ring.push(ev(2, 9, Dir.UP), 5); // same corr, another control's reply
    const reply = ring.push(ev(3, 9, Dir.UP), 4);
    expect(linkedEvent(ring, cmd)).toBe(reply);
    expect(linkedEvent(ring, reply)).toBe(cmd);
    expect(linkedEvent(ring, ring.push(ev(4, 0, Dir.UP), 4))).toBeNull();
  });
});

describe('filter in the query', () => {
  it('round-trips kinds, prio, VM and text, keeps other keys and ignores unknown names', () => {
    const f = { ...NO_FILTER, kinds: [Kind.ACT_ACK], prioMin: 2, endpoints: [1], text: 'paused' };
    const q = queryWithFilter('?historyPage=25', f);
    expect(q).toContain('historyPage=25');
    expect(filterFromQuery(q)).toEqual({ ...f, prioMin: 2 });
    expect(filterFromQuery('?kind=NOPE,ACT_ACK&vm=-1,x')).toEqual({ ...NO_FILTER, kinds: [Kind.ACT_ACK] });
    expect(queryWithFilter('?kind=ACT_ACK', NO_FILTER)).toBe('');
  });
});
