import { describe, expect, it } from 'vitest';
import { packEventRecords } from '../../shared/ipc-records';
import { Dir, Kind, encodeEventBody, makeEvent } from '../../shared/model';
import { EventRing } from './event-ring';
import {
  HISTORY_IDLE,
  HISTORY_PAGE,
  afterPage,
  anchoredScrollTop,
  pageLimit,
  pageSizeFrom,
  prependPage,
  wantsOlder,
} from './history-paging';

const ev = (seq: number) => makeEvent({ kind: Kind.ACT_ACK, seq, tsNs: seq, dir: Dir.UP, endpoint: 1 });
const seqs = (ring: EventRing): number[] => {
  const out: number[] = [];
  for (let n = ring.first; n < ring.total; n++) out.push(ring.get(n)!.seq);
  return out;
};

describe('EventRing.unshift', () => {
  it('numbers prepended history below the oldest event and refuses it once full, evicting nothing', () => {
    const ring = new EventRing(4);
    ring.push(encodeEventBody(ev(10)), 0);
    expect(ring.unshift(encodeEventBody(ev(9)), 3)).toBe(-1);
    expect(ring.get(-1)?.origin).toBe(3);
    ring.unshift(encodeEventBody(ev(8)), 0);
    ring.push(encodeEventBody(ev(11)), 0);
    expect(ring.free).toBe(0);
    expect(ring.unshift(encodeEventBody(ev(7)), 0)).toBeNull();
    expect(seqs(ring)).toEqual([8, 9, 10, 11]);
    // A live event into a full ring still evicts the oldest (history first), as before.
    ring.push(encodeEventBody(ev(12)), 0);
    expect(seqs(ring)).toEqual([9, 10, 11, 12]);
    expect(ring.get(-2)).toBeNull();
  });
});

describe('prependPage', () => {
  it('keeps the page in order below what the ring holds', () => {
    const ring = new EventRing(10);
    ring.push(encodeEventBody(ev(5)), 0);
    expect(prependPage(ring, packEventRecords([ev(2), ev(3), ev(4)]))).toMatchObject({
      added: 3,
      complete: true,
      total: 3,
    });
    expect(seqs(ring)).toEqual([2, 3, 4, 5]);
  });

  it('takes only the newest records that fit when live events filled the ring meanwhile', () => {
    const ring = new EventRing(4);
    ring.push(encodeEventBody(ev(5)), 0);
    ring.push(encodeEventBody(ev(6)), 0);
    expect(prependPage(ring, packEventRecords([ev(1), ev(2), ev(3), ev(4)]))).toMatchObject({
      added: 2,
      complete: false,
      total: 4,
    });
    expect(seqs(ring)).toEqual([3, 4, 5, 6]);
  });
});

describe('paging state', () => {
  it("asks for at most the ring's free room, and nothing when full", () => {
    expect(pageLimit(100_000, HISTORY_PAGE)).toBe(HISTORY_PAGE);
    expect(pageLimit(150, HISTORY_PAGE)).toBe(150);
    expect(pageLimit(0, HISTORY_PAGE)).toBe(0);
  });

  it('goes on while the journal has older records, stops at its start or when the ring is full', () => {
    const one = afterPage(HISTORY_IDLE, { added: 2000, complete: true, cursor: 500, free: 90_000 });
    expect(one).toEqual({ status: 'more', cursor: 500, loaded: 2000 });
    expect(afterPage(one, { added: 499, complete: true, cursor: null, free: 1 })).toEqual({
      status: 'start',
      cursor: null,
      loaded: 2499,
    });
    expect(afterPage(one, { added: 10, complete: false, cursor: 1, free: 0 }).status).toBe('full');
    expect(afterPage(one, { added: 2000, complete: true, cursor: 7, free: 0 }).status).toBe('full');
  });

  it('fetches older only near the top and only when more may exist', () => {
    expect(wantsOlder('more', 0, 22)).toBe(true);
    expect(wantsOlder('more', 43, 22)).toBe(true);
    expect(wantsOlder('more', 44, 22)).toBe(false);
    for (const s of ['loading', 'start', 'full', 'none', 'idle'] as const)
      expect(wantsOlder(s, 0, 22)).toBe(false);
  });

  it('moves the scroll position down by exactly the rows inserted above', () => {
    // Row 3 at the top of the view (scrollTop 66 with 22 px rows); 100 rows go in above: it is now row 103.
    expect(anchoredScrollTop(66, 100, 22)).toBe(103 * 22);
    expect(anchoredScrollTop(0, 0, 22)).toBe(0);
  });

  it('reads the page size from the URL, within 1..20000', () => {
    expect(pageSizeFrom('?token=a&historyPage=25')).toBe(25);
    expect(pageSizeFrom('?historyPage=0')).toBe(HISTORY_PAGE);
    expect(pageSizeFrom('?historyPage=x')).toBe(HISTORY_PAGE);
    expect(pageSizeFrom('')).toBe(HISTORY_PAGE);
  });
});
