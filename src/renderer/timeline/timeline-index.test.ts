import { describe, expect, it } from 'vitest';
import { Dir, Kind, Source, encodeEventBody, encodeSeam, makeEvent, utf8Encode } from '../../shared/model';
import { NO_FILTER } from './event-filter';
import { EventRing } from './event-ring';
import { TimelineIndex } from './timeline-index';

function body(kind: number, endpoint: number, name = ''): Uint8Array {
  const payload = name ? { bytes: utf8Encode(name), codec: 0, flags: 0 } : null;
  return encodeEventBody(
    makeEvent({
      kind,
      endpoint,
      source: Source.CORE,
      dir: Dir.UP,
      inln: encodeSeam({ seam: Source.INPUT, reason: 0 }),
      payload,
    }),
  );
}

describe('EventRing', () => {
  it('keeps the last `capacity` events, with payloads, and forgets older ones', () => {
    const ring = new EventRing(3);
    for (let i = 0; i < 5; i++) ring.push(body(Kind.SEAM_UP, i + 1, `vm${i}`), 7);
    expect(ring.first).toBe(2);
    expect(ring.get(1)).toBeNull();
    const ev = ring.get(4)!;
    expect(ev.endpoint).toBe(5);
    expect(ev.origin).toBe(7);
    expect(new TextDecoder().decode(ev.payload!.bytes)).toBe('vm4');
  });
});

describe('TimelineIndex', () => {
  it('shows only events that pass the filter, including ones appended later', () => {
    const ring = new EventRing(100);
    const idx = new TimelineIndex(ring);
    ring.push(body(Kind.SEAM_UP, 1), 0);
    ring.push(body(Kind.SEAM_DOWN, 2), 0);
    idx.setFilter({ ...NO_FILTER, kinds: [Kind.SEAM_DOWN] });
    expect(idx.length).toBe(1);
    ring.push(body(Kind.SEAM_DOWN, 3), 0);
    idx.sync();
    expect([idx.at(0), idx.at(1)]).toEqual([1, 2]);
  });

  it('matches free text against the decoded event', () => {
    const ring = new EventRing(100);
    const idx = new TimelineIndex(ring);
    ring.push(body(Kind.SEAM_UP, 1, 'alpha'), 0);
    ring.push(body(Kind.SEAM_UP, 1, 'beta'), 0);
    idx.setFilter({ ...NO_FILTER, text: 'BETA' });
    expect(idx.length).toBe(1);
    expect(idx.at(0)).toBe(1);
  });

  it('drops rows the ring overwrote', () => {
    const ring = new EventRing(10);
    const idx = new TimelineIndex(ring);
    idx.setFilter(NO_FILTER);
    for (let i = 0; i < 25; i++) ring.push(body(Kind.SEAM_UP, 1), 0);
    idx.sync();
    expect(idx.length).toBe(10);
    expect(idx.at(0)).toBe(15);
  });
});
