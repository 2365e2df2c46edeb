import { describe, expect, it } from 'vitest';
import { Kind } from '../../shared/model';
import { mergeGaps, retainedAway, sampledGap, sampledNote, withPending } from './journal-gaps';

describe('journal gaps', () => {
  const t0 = new Date(2026, 0, 1, 12, 0, 0).getTime();

  it('sums the sampled-away counts of the records taken in, with their kinds and span', () => {
    // Records 0, 2 and 5 carry counts; record 2 arrived live (so did what it counts).
    const triples = [0, 9, t0, 2, 9, t0 + 1000, 5, 4, t0 + 7000];
    const kinds = [Kind.CURSOR_STATE, Kind.ACT_ACK, Kind.CURSOR_STATE, 0, 0, Kind.INPUT_HELD];
    const gap = sampledGap(
      triples,
      (i) => i !== 2,
      (i) => kinds[i]!,
    );
    expect(gap).toEqual({
      count: 13,
      kinds: [Kind.CURSOR_STATE, Kind.INPUT_HELD],
      fromMs: t0,
      toMs: t0 + 7000,
    });
    expect(sampledNote(gap!)).toBe(
      'Gap: 13 CURSOR_STATE, INPUT_HELD events routed 12:00:00–12:00:07 are missing: the journal sampled them away (its policy keeps a share of high-rate kinds)',
    );
    expect(
      sampledGap(
        [],
        () => true,
        () => 0,
      ),
    ).toBeNull();
    expect(
      sampledGap(
        [2, 9, t0],
        (i) => i !== 2,
        () => 0,
      ),
    ).toBeNull();
  });

  it('adds what is pending at the mark, and merges ranges', () => {
    expect(withPending(null, 0, t0)).toBeNull();
    expect(withPending(null, 5, t0)).toEqual({ count: 5, kinds: [], fromMs: t0, toMs: t0 });
    const a = { count: 2, kinds: [Kind.CURSOR_STATE], fromMs: t0, toMs: t0 + 10 };
    expect(withPending(a, 3, t0 + 50)).toEqual({ ...a, count: 5, toMs: t0 + 50 });
    expect(mergeGaps(a, { count: 1, kinds: [Kind.CURSOR_STATE], fromMs: t0 - 5, toMs: t0 })).toEqual({
      count: 3,
      kinds: [Kind.CURSOR_STATE],
      fromMs: t0 - 5,
      toMs: t0 + 10,
    });
    expect(sampledNote({ count: 5, kinds: [], fromMs: t0, toMs: t0 }, true)).toMatch(
      /^Gap: up to 5 events routed up to 12:00:00 are missing/,
    );
  });

  it('counts the records retention deleted below the oldest on disk', () => {
    expect(retainedAway(null, 10)).toBe(0);
    expect(retainedAway(1, 0)).toBe(0);
    expect(retainedAway(41, 0)).toBe(40);
    // A range starting above the oldest kept record lost nothing.
    expect(retainedAway(41, 50)).toBe(0);
  });
});
