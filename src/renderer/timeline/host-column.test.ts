/* The timeline's host column: rows of other fleet hosts keep their host through the ring, the detail and the export. */
import { describe, expect, it } from 'vitest';
import { Dir, Kind, Source, encodeEventBody, encodeSeam, makeEvent } from '../../shared/model';
import { NO_FILTER } from './event-filter';
import { EventRing } from './event-ring';
import { exportRows, toCsv } from './export-rows';
import { TimelineIndex } from './timeline-index';

const body = (seq: number): Uint8Array =>
  encodeEventBody(
    makeEvent({
      kind: Kind.SEAM_UP,
      endpoint: 1,
      seq,
      source: Source.CORE,
      dir: Dir.UP,
      inln: encodeSeam({ seam: Source.INPUT, reason: 0 }),
    }),
  );

describe('timeline host column', () => {
  it('tags rows with their host; this host is the empty name, and local-only rings export as before', () => {
    const ring = new EventRing(4);
    const idx = new TimelineIndex(ring);
    idx.setFilter(NO_FILTER);
    ring.push(body(1), 0);
    expect(ring.hasRemote).toBe(false);
    expect(toCsv(exportRows(ring, idx)).split('\r\n')[0]).toBe(
      'row,seq,tsNs,endpoint,kind,source,dir,prio,corr,origin,fields',
    );
    ring.push(body(1), 0, 0, 'b');
    ring.push(body(2), 0, 0, 'c');
    idx.sync();
    expect([ring.hostOf(0), ring.hostOf(1), ring.hostOf(2)]).toEqual(['', 'b', 'c']);
    const rows = exportRows(ring, idx, 'a');
    expect(rows.map((r) => [r.host, r.seq])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 2],
    ]);
    const csv = toCsv(rows).split('\r\n');
    expect(csv[0]).toMatch(/,fields,host$/);
    expect(csv[2]).toMatch(/,b$/);
  });

  it('keeps the host of a slot when the ring wraps over it', () => {
    const ring = new EventRing(2);
    ring.push(body(1), 0, 0, 'b');
    ring.push(body(2), 0);
    ring.push(body(3), 0, 0, 'c'); // overwrites slot of #0
    expect([ring.hostOf(1), ring.hostOf(2)]).toEqual(['', 'c']);
  });
});
