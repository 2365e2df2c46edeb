// Gap detection in a host's feed count: jumps are gaps; the first message, a new run, a
// repeated or older count, or a missing or malformed header are not.
import { describe, expect, it } from 'vitest';
import { FeedGaps, feedHeaderValue, parseFeedHeader } from './feed-gaps';

describe('feed gaps', () => {
  it('reports how many counts a host skipped, per host', () => {
    const g = new FeedGaps();
    const seen = [1, 2, 3, 7, 8, 20].map((n) => g.note('b', feedHeaderValue('run1', n)));
    expect(seen).toEqual([0, 0, 0, 3, 0, 11]);
    // Another host's counts are its own.
    expect(g.note('c', feedHeaderValue('runC', 500))).toBe(0);
    expect(g.note('c', feedHeaderValue('runC', 502))).toBe(1);
    expect(g.note('b', feedHeaderValue('run1', 21))).toBe(0);
  });

  it('starts again for a new run of the host (a restart), whatever its count', () => {
    const g = new FeedGaps();
    g.note('b', feedHeaderValue('run1', 100));
    expect(g.note('b', feedHeaderValue('run2', 400))).toBe(0);
    expect(g.note('b', feedHeaderValue('run2', 402))).toBe(1);
  });

  it('does not count a repeated or older message as a gap', () => {
    const g = new FeedGaps();
    g.note('b', feedHeaderValue('r', 10));
    expect(g.note('b', feedHeaderValue('r', 10))).toBe(0);
    expect(g.note('b', feedHeaderValue('r', 4))).toBe(0);
    expect(g.note('b', feedHeaderValue('r', 6))).toBe(1);
  });

  it('ignores a missing or malformed header (never throws)', () => {
    const g = new FeedGaps();
    g.note('b', feedHeaderValue('r', 1));
    for (const bad of [
      undefined,
      '',
      'r',
      'r x',
      'r -3',
      'r 1 2',
      'r\n5',
      `${'x'.repeat(40)} 5`,
      'r 9999999999999999',
    ])
      expect(g.note('b', bad)).toBe(0);
    expect(parseFeedHeader('r 12')).toEqual({ run: 'r', count: 12 });
    expect(g.note('b', feedHeaderValue('r', 3))).toBe(1);
  });
});
