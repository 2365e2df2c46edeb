/*
 * The order a filled gap reaches the timeline: the gap row, the journal's events in place,
 * then what the feed brought meanwhile; each seq once; a failed fill says why.
 */
import { describe, expect, it } from 'vitest';
import { Kind, type VmsigEvent, makeEvent } from '../../shared/model';
import { FILL_PAGES_MAX, type GapFill, GapFiller, type JournalAnswer } from './gap-fill';

const ev = (seq: number, kind: number = Kind.CURSOR_STATE): VmsigEvent => ({ ...makeEvent({ kind }), seq });

/** A sink with the timeline's once-per-seq rule, recording what went out in order. */
function sink() {
  let last = -1;
  const out: string[] = [];
  return {
    out,
    isNew: (_h: string, e: VmsigEvent) => (e.seq > last ? ((last = e.seq), true) : false),
    lastSeq: () => last,
    event: (_h: string, e: VmsigEvent, meta: { preemptor?: string }) =>
      out.push(`${e.seq}${meta.preemptor ? `:${meta.preemptor}` : ''}`),
    gap: (_h: string, missed: number, fill: GapFill) =>
      out.push(`gap ${missed} ${'error' in fill ? `error ${fill.error}` : `filled ${fill.filled}`}`),
  };
}

/** A fetch answered when the test says so. */
function deferredFetch() {
  const asked: { run: string; afterSeq: number }[] = [];
  let settle: (a: JournalAnswer | Error) => void = () => {};
  const fetch = (_host: string, run: string, afterSeq: number) => {
    asked.push({ run, afterSeq });
    return new Promise<JournalAnswer>((resolve, reject) => {
      settle = (a) => (a instanceof Error ? reject(a) : resolve(a));
    });
  };
  return { asked, fetch, answer: (a: JournalAnswer | Error) => settle(a) };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('GapFiller', () => {
  it('passes events straight on while no gap is seen', () => {
    const s = sink();
    const f = new GapFiller(deferredFetch().fetch, s);
    for (const n of [1, 2, 3]) f.feed('b', 'r1', ev(n), n === 2 ? { preemptor: 'robot' } : {}, 0);
    expect(s.out).toEqual(['1', '2:robot', '3']);
  });

  it('holds the feed for the fill, then the gap row, the missed events in place, and the live ones', async () => {
    const s = sink();
    const d = deferredFetch();
    const f = new GapFiller(d.fetch, s);
    f.feed('b', 'r1', ev(10), {}, 0);
    // After a reconnect: a replayed state event (old seq) reveals the jump, then live ones.
    f.feed('b', 'r1', ev(4, Kind.SEAM_UP), {}, 6);
    f.feed('b', 'r1', ev(15), {}, 0);
    f.feed('b', 'r1', ev(16), {}, 0);
    expect(s.out).toEqual(['10']);
    expect(d.asked).toEqual([{ run: 'r1', afterSeq: 10 }]);
    expect(f.isHolding('b')).toBe(true);
    // The journal also holds 15 and 16 (written ahead of the feed): they show once, live.
    d.answer({ events: [14, 11, 12, 13, 15, 16].map((n) => ev(n)), complete: true, sampled: 0, more: false });
    await tick();
    expect(s.out).toEqual(['10', 'gap 6 filled 4', '11', '12', '13', '14', '15', '16']);
    expect(f.isHolding('b')).toBe(false);
  });

  it('says why a gap could not be filled, and still passes on what was held', async () => {
    const s = sink();
    const d = deferredFetch();
    const f = new GapFiller(d.fetch, s);
    f.feed('b', 'r1', ev(1), {}, 0);
    f.feed('b', 'r1', ev(5), {}, 3);
    f.feed('b', 'r1', ev(6), {}, 0);
    d.answer(new Error('this host keeps no journal'));
    await tick();
    expect(s.out).toEqual(['1', 'gap 3 error this host keeps no journal', '5', '6']);
  });

  it('fills a second jump during a fill in the same row, in seq order', async () => {
    const s = sink();
    const d = deferredFetch();
    const f = new GapFiller(d.fetch, s);
    f.feed('b', 'r1', ev(1), {}, 0);
    f.feed('b', 'r1', ev(5), {}, 3);
    f.feed('b', 'r1', ev(9), {}, 2);
    d.answer({ events: [2, 3, 4, 5, 7, 8].map((n) => ev(n)), complete: true, sampled: 0, more: false });
    await tick();
    expect(s.out).toEqual(['1', 'gap 5 filled 5', '2', '3', '4', '5', '7', '8', '9']);
  });

  it('has nothing to fill after when no event of the run was passed on yet', () => {
    const s = sink();
    const d = deferredFetch();
    const f = new GapFiller(d.fetch, s);
    f.feed('b', 'r1', ev(7), {}, 2);
    expect(d.asked).toEqual([]);
    expect(s.out).toEqual(['gap 2 error no earlier event of this host run to fill after', '7']);
  });

  it("fills past a replayed state event newer than some missed ones (B's cursor state after a reconnect)", async () => {
    const s = sink();
    const d = deferredFetch();
    const f = new GapFiller(d.fetch, s);
    f.feed('b', 'r1', ev(10), {}, 0);
    // B's replay: its cursor state is its last report while the bus was down (13), after
    // which it granted a lease (14) and took it back (15); the journal sampled 11 and 12 away.
    f.feed('b', 'r1', ev(13), {}, 5);
    d.answer({
      events: [ev(13), ev(14, Kind.LEASE_GRANTED), ev(15, Kind.LEASE_REVOKED)],
      complete: true,
      sampled: 2,
      more: false,
    });
    await tick();
    expect(s.out).toEqual(['10', 'gap 5 filled 2', '13', '14', '15']);
  });

  it('pages a gap bigger than one answer: asks again after the last seq while the host says more', async () => {
    const s = sink();
    const d = deferredFetch();
    const f = new GapFiller(d.fetch, s);
    f.feed('b', 'r1', ev(10), {}, 0);
    f.feed('b', 'r1', ev(20), {}, 9);
    d.answer({ events: [11, 12, 13].map((n) => ev(n)), complete: false, sampled: 0, more: true });
    await tick();
    expect(d.asked).toEqual([
      { run: 'r1', afterSeq: 10 },
      { run: 'r1', afterSeq: 13 },
    ]);
    expect(s.out, 'nothing goes out before the last page').toEqual(['10']);
    d.answer({
      events: [14, 15, 16, 17, 18, 19, 20].map((n) => ev(n)),
      complete: true,
      sampled: 0,
      more: false,
    });
    await tick();
    expect(s.out).toEqual([
      '10',
      'gap 9 filled 9',
      '11',
      '12',
      '13',
      '14',
      '15',
      '16',
      '17',
      '18',
      '19',
      '20',
    ]);
  });

  it('stops paging once it reached what the feed brought, and after FILL_PAGES_MAX answers', async () => {
    const s = sink();
    const d = deferredFetch();
    const f = new GapFiller(d.fetch, s);
    f.feed('b', 'r1', ev(10), {}, 0);
    f.feed('b', 'r1', ev(13), {}, 2);
    // The host says more (the feed moved on), but 13 was reached: no second ask.
    d.answer({ events: [11, 12, 13, 14].map((n) => ev(n)), complete: false, sampled: 0, more: true });
    await tick();
    expect(d.asked).toHaveLength(1);
    expect(s.out).toEqual(['10', 'gap 2 filled 3', '11', '12', '13', '14']);

    const s2 = sink();
    const d2 = deferredFetch();
    const g = new GapFiller(d2.fetch, s2);
    const last = 10_000;
    g.feed('b', 'r1', ev(1), {}, 0);
    g.feed('b', 'r1', ev(last), {}, last - 2);
    let seq = 1;
    for (let i = 0; i < FILL_PAGES_MAX; i++) {
      d2.answer({ events: [++seq, ++seq].map((n) => ev(n)), complete: false, sampled: 0, more: true });
      await tick();
    }
    expect(d2.asked).toHaveLength(FILL_PAGES_MAX);
    expect(s2.out[1]).toBe(`gap ${last - 2} filled ${2 * FILL_PAGES_MAX}`);
    expect(g.isHolding('b')).toBe(false);
  });
});
