/*
 * Where everything in the activity strip goes, in CSS pixels: one column per second of the
 * window with its stacked bar per kind group, lifecycle marks and lease spans in lanes per VM.
 * The canvas paints this layout and the strip's summary for screen readers (and tests) is
 * read from it, so what is described is what is drawn. Pure: no DOM, no React.
 */
import { type Activity, GROUPS, WINDOW_S } from './activity';

/** Strip height and the parts of it (px). */
export const STRIP_HEIGHT = 72;
/** Marks sit in the top band, above the bars. */
export const MARK_BAND = 8;
/** Each VM with lease spans gets a lane this high at the bottom. */
export const LANE = 5;

/** One group's segment of one second's bar (y0 < y1; only segments with events). */
export interface BarSegment {
  second: number;
  group: number;
  count: number;
  x: number;
  w: number;
  y0: number;
  y1: number;
}

/** A lifecycle mark at x (2 px wide, MARK_BAND high). */
export interface MarkBox {
  x: number;
  ms: number;
  second: number;
  endpoint: number;
  state: number;
}

/** A lease span in its VM's lane; `to` null while held. */
export interface SpanBox {
  x0: number;
  x1: number;
  y: number;
  h: number;
  endpoint: number;
  cls: number;
  holder: number;
  from: number;
  to: number | null;
}

/** The whole picture at one instant. */
export interface StripLayout {
  width: number;
  /** Epoch second of the leftmost column; columns are `col` px wide. */
  startSecond: number;
  col: number;
  /** Largest events/s of any second in the window (the bars' full height), at least 1. */
  peak: number;
  bars: BarSegment[];
  marks: MarkBox[];
  spans: SpanBox[];
}

/** Lays out `a` (already ticked to now) on a strip `width` px wide, lease spans ending at `nowMs` while held. */
export function layoutStrip(a: Activity, width: number, nowMs: number): StripLayout {
  const startSecond = a.now - WINDOW_S + 1;
  const col = width / WINDOW_S;
  const lanes = [...new Set(a.spans.map((s) => s.endpoint))].sort((x, y) => x - y);
  const barsH = STRIP_HEIGHT - MARK_BAND - lanes.length * LANE;
  let peak = 1;
  for (let s = startSecond; s <= a.now; s++) {
    let sum = 0;
    for (let k = 0; k < GROUPS.length; k++) sum += a.at(s, k);
    if (sum > peak) peak = sum;
  }
  const bars: BarSegment[] = [];
  for (let i = 0; i < WINDOW_S; i++) {
    const second = startSecond + i;
    let y = MARK_BAND + barsH;
    for (let group = 0; group < GROUPS.length; group++) {
      const count = a.at(second, group);
      if (count === 0) continue;
      const h = (count / peak) * barsH;
      bars.push({ second, group, count, x: i * col, w: Math.max(1, col - 0.5), y0: y - h, y1: y });
      y -= h;
    }
  }
  const x = (ms: number): number => (ms / 1000 - startSecond) * col;
  const marks: MarkBox[] = [];
  for (const m of a.marks) {
    const second = Math.floor(m.ms / 1000);
    if (second >= startSecond)
      marks.push({ x: x(m.ms), ms: m.ms, second, endpoint: m.endpoint, state: m.state });
  }
  const spans: SpanBox[] = [];
  for (const sp of a.spans) {
    const x1 = x(sp.to ?? nowMs);
    if (x1 < 0) continue;
    const x0 = Math.max(0, x(sp.from));
    const lane = lanes.indexOf(sp.endpoint);
    spans.push({
      x0,
      x1: Math.max(x0 + 1, x1),
      y: STRIP_HEIGHT - (lane + 1) * LANE,
      h: LANE - 1,
      endpoint: sp.endpoint,
      cls: sp.cls,
      holder: sp.holder,
      from: sp.from,
      to: sp.to,
    });
  }
  return { width, startSecond, col, peak, bars, marks, spans };
}

/** The epoch second under x (px from the strip's left edge), clamped to the window. */
export function secondAt(layout: StripLayout, x: number): number {
  const i = Math.min(WINDOW_S - 1, Math.max(0, Math.floor(x / layout.col)));
  return layout.startSecond + i;
}

/** Per group: events in the last complete second, the peak second (its segment) and the window's total. */
export function groupStats(
  layout: StripLayout,
  nowSecond: number,
): { rate: number; total: number; peak: BarSegment | null }[] {
  const out = GROUPS.map(() => ({ rate: 0, total: 0, peak: null as BarSegment | null }));
  for (const b of layout.bars) {
    const g = out[b.group]!;
    g.total += b.count;
    if (b.second === nowSecond - 1) g.rate = b.count;
    if (!g.peak || b.count > g.peak.count) g.peak = b;
  }
  return out;
}
