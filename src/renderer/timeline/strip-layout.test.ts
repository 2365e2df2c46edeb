import { describe, expect, it } from 'vitest';
import { Dir, Kind, LeaseClass, VmState } from '../../shared/model';
import { Activity, WINDOW_S } from './activity';
import { LANE, MARK_BAND, STRIP_HEIGHT, groupStats, layoutStrip, secondAt } from './strip-layout';

describe('activity strip layout', () => {
  const t = 1_800_000_000_000;

  it('stacks each second by kind group, scaled to the peak second, and places marks and spans in that second', () => {
    const a = new Activity();
    a.tick(t - 2000);
    for (let i = 0; i < 30; i++) a.count(Kind.CURSOR_STATE, Dir.UP);
    a.tick(t - 1000);
    for (let i = 0; i < 10; i++) a.count(Kind.CMD_VM, Dir.DOWN);
    for (let i = 0; i < 10; i++) a.count(Kind.ACT_ACK, Dir.UP);
    a.mark({ ms: t - 600, endpoint: 1, state: VmState.PAUSED });
    a.lease(Kind.LEASE_GRANTED, 1, LeaseClass.INPUT, 3, t - 900);
    a.tick(t);
    const l = layoutStrip(a, 900, t);
    expect(l.col).toBe(900 / WINDOW_S);
    expect(l.peak).toBe(30);
    const s = t / 1000;
    expect(l.bars.map((b) => [b.second - s, b.group, b.count])).toEqual([
      [-2, 3, 30],
      [-1, 0, 10],
      [-1, 1, 10],
    ]);
    // One lane for VM 1's lease at the bottom; the peak bar fills what is left below the marks.
    const full = l.bars[0]!;
    expect([full.y0, full.y1]).toEqual([MARK_BAND, STRIP_HEIGHT - LANE]);
    const [cmd, ack] = [l.bars[1]!, l.bars[2]!];
    expect(ack.y1).toBeCloseTo(cmd.y0);
    expect(cmd.y1 - cmd.y0).toBeCloseTo((full.y1 - full.y0) / 3);
    const mark = l.marks[0]!;
    expect(mark.second).toBe(s - 1);
    expect(secondAt(l, mark.x)).toBe(s - 1);
    expect(secondAt(l, (mark.second - l.startSecond + 0.5) * l.col)).toBe(s - 1);
    expect(l.spans).toEqual([
      // A held span runs to now: the start of the current second's column.
      expect.objectContaining({
        endpoint: 1,
        holder: 3,
        to: null,
        y: STRIP_HEIGHT - LANE,
        x1: (WINDOW_S - 1) * l.col,
      }),
    ]);
    expect(secondAt(l, l.spans[0]!.x0)).toBe(s - 1);
    const g = groupStats(l, s);
    expect(g.map((x) => [x.rate, x.total, x.peak?.count ?? 0])).toEqual([
      [10, 10, 10],
      [10, 10, 10],
      [0, 0, 0],
      [0, 30, 30],
      [0, 0, 0],
    ]);
  });

  it('drops marks and spans that left the window and clamps clicks to it', () => {
    const a = new Activity();
    a.tick(t - 400_000);
    a.mark({ ms: t - 400_000, endpoint: 2, state: VmState.RUNNING });
    a.lease(Kind.LEASE_GRANTED, 2, LeaseClass.POWER, 1, t - 400_000);
    a.lease(Kind.LEASE_RELEASED, 2, LeaseClass.POWER, 1, t - 399_000);
    a.tick(t);
    const l = layoutStrip(a, 600, t);
    expect([l.marks, l.spans, l.bars]).toEqual([[], [], []]);
    expect(secondAt(l, -5)).toBe(l.startSecond);
    expect(secondAt(l, 10_000)).toBe(t / 1000);
  });
});
