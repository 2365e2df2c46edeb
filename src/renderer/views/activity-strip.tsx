/*
 * The activity strip above the timeline rows, drawn on a canvas four times a second (in the
 * rows' paced frame) from one layout (strip-layout.ts): events per second per kind group over the last five minutes,
 * lifecycle marks on top, lease spans per VM below. The same layout renders the strip's
 * text summary (for screen readers, and what the e2e test reads), so the words describe
 * the pixels. A click jumps the rows to that second; while the pointer is over the strip it
 * holds still, so what is clicked is what was seen. Draw time is summed in window.__vmsigStrip for the bench.
 */
import { memo, useEffect, useRef, useState } from 'react';
import { LeaseClass, VmState, nameOf } from '../../shared/model';
import { GROUPS, WINDOW_S } from '../timeline/activity';
import { findTime } from '../timeline/find';
import { MARK_BAND, STRIP_HEIGHT, type StripLayout, layoutStrip, secondAt } from '../timeline/strip-layout';
import { jumpToRow, timelineData } from '../stores/timeline';
import { timelinePacer } from '../timeline/frame-pacer';
import { useVms } from '../stores/vms';
import { ActivitySummary } from './timeline-activity-summary';

/** Bar colours per kind group; lease spans take one by holder and class. */
export const COLOURS = ['#3b82f6', '#10b981', '#f59e0b', '#a855f7', '#94a3b8'];
/** Lifecycle marks. */
export const MARK_COLOUR = '#ef4444';
const DRAW_MS = 250;

/** The colour of a lease span (the holder's control id and the lease class). */
export const spanColour = (holder: number, cls: number): string => COLOURS[(holder + cls) % COLOURS.length]!;
const STRIP_COLOURS = { group: (g: number) => COLOURS[g]!, mark: MARK_COLOUR, span: spanColour };

declare global {
  interface Window {
    __vmsigStrip?: { draws: number; ms: number };
  }
}

function paint(canvas: HTMLCanvasElement, l: StripLayout): void {
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(l.width * dpr)) {
    canvas.width = Math.round(l.width * dpr);
    canvas.height = STRIP_HEIGHT * dpr;
  }
  const g = canvas.getContext('2d');
  if (!g) return;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, l.width, STRIP_HEIGHT);
  for (const b of l.bars) {
    g.fillStyle = COLOURS[b.group]!;
    g.fillRect(b.x, b.y0, b.w, b.y1 - b.y0);
  }
  g.fillStyle = MARK_COLOUR;
  for (const m of l.marks) g.fillRect(m.x, 0, 2, MARK_BAND);
  for (const s of l.spans) {
    g.fillStyle = spanColour(s.holder, s.cls);
    g.fillRect(s.x0, s.y, s.x1 - s.x0, s.h);
  }
  g.fillStyle = '#64748b';
  g.font = '10px sans-serif';
  g.fillText(`peak ${l.peak}/s · last ${WINDOW_S / 60} min`, 4, 18);
}

/**
 * Lays out and paints the strip `w` px wide now; returns the layout (null when it has no
 * width). The width comes from a ResizeObserver: reading clientWidth here would force a
 * layout four times a second while rows change every frame.
 */
function draw(canvas: HTMLCanvasElement, w: number): StripLayout | null {
  const t0 = performance.now();
  const a = timelineData.activity;
  const now = Date.now();
  a.tick(now);
  if (w === 0) return null;
  const layout = layoutStrip(a, w, now);
  paint(canvas, layout);
  const stats = (window.__vmsigStrip ??= { draws: 0, ms: 0 });
  stats.draws++;
  stats.ms += performance.now() - t0;
  return layout;
}

/** The strip and its summary (memoised: no props, so the rows' renders skip it). */
export const ActivityStrip = memo(function ActivityStrip() {
  const ref = useRef<HTMLCanvasElement>(null);
  const layoutRef = useRef<StripLayout | null>(null);
  const held = useRef(false);
  const [layout, setLayout] = useState<StripLayout | null>(null);
  useEffect(() => {
    let width = 0;
    const canvas = ref.current;
    const ro = new ResizeObserver((entries) => (width = entries.at(-1)?.contentRect.width ?? width));
    if (canvas) ro.observe(canvas);
    let alive = true;
    // In the rows' paced frame (frame-pacer.ts): while the operator types, one frame draws both.
    const drawNow = (): void => {
      if (!alive || !ref.current || held.current) return;
      layoutRef.current = draw(ref.current, width);
      setLayout(layoutRef.current);
    };
    const timer = setInterval(() => {
      if (!held.current) timelinePacer.request(drawNow);
    }, DRAW_MS);
    return () => {
      alive = false;
      clearInterval(timer);
      ro.disconnect();
    };
  }, []);
  const onClick = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    const l = layoutRef.current;
    const c = useVms.getState().clock; // read at the click: subscribing would re-render per snapshot
    if (!l || !c) return;
    const second = secondAt(l, e.clientX - e.currentTarget.getBoundingClientRect().left);
    jumpToRow(findTime(timelineData.ring, timelineData.index, second * 1000, c));
  };
  const legend = GROUPS.map((g, i) => `${g} (${COLOURS[i]})`).join(', ');
  return (
    <div className="activity">
      <canvas
        ref={ref}
        className="activity-strip"
        style={{ width: '100%', height: STRIP_HEIGHT, display: 'block', cursor: 'pointer' }}
        role="img"
        aria-label={`Activity: events per second over the last ${WINDOW_S / 60} minutes by ${legend}; lifecycle marks in red; lease spans per VM below. Click to jump the rows.`}
        aria-describedby="activity-summary"
        onClick={onClick}
        onPointerEnter={() => (held.current = true)}
        onPointerLeave={() => (held.current = false)}
      />
      <ActivitySummary
        id="activity-summary"
        layout={layout}
        stateName={(s) => nameOf(VmState, s)}
        className={(c) => nameOf(LeaseClass, c)}
        colours={STRIP_COLOURS}
      />
    </div>
  );
});
