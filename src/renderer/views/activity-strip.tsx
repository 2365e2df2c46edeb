/*
 * The activity strip above the timeline rows, drawn on a canvas four times a second: events
 * per second per kind group over the last five minutes (stacked bars), VM lifecycle changes
 * as marks on top, lease ownership as spans per VM below. A click jumps the rows to that
 * second. Its drawing time is summed in window.__vmsigStrip for the bench.
 */
import { useEffect, useRef } from 'react';
import { nameOf, VmState } from '../../shared/model';
import { GROUPS, WINDOW_S } from '../timeline/activity';
import { findTime } from '../timeline/find';
import { jumpToRow, timelineData } from '../stores/timeline';
import { useVms } from '../stores/vms';

const HEIGHT = 72;
const LANE = 5;
const COLOURS = ['#3b82f6', '#10b981', '#f59e0b', '#a855f7', '#94a3b8'];
const DRAW_MS = 250;

declare global {
  interface Window {
    __vmsigStrip?: { draws: number; ms: number };
  }
}

function draw(canvas: HTMLCanvasElement): void {
  const t0 = performance.now();
  const a = timelineData.activity;
  a.tick(Date.now());
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  if (canvas.width !== Math.round(w * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = HEIGHT * dpr;
  }
  const g = canvas.getContext('2d');
  if (!g || w === 0) return;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, HEIGHT);
  const now = a.now;
  const col = w / WINDOW_S;
  const eps = [...new Set(a.spans.map((s) => s.endpoint))].sort((x, y) => x - y);
  const barsH = HEIGHT - 8 - eps.length * LANE;
  let peak = 1;
  for (let s = now - WINDOW_S + 1; s <= now; s++) {
    let sum = 0;
    for (let k = 0; k < GROUPS.length; k++) sum += a.at(s, k);
    if (sum > peak) peak = sum;
  }
  for (let i = 0; i < WINDOW_S; i++) {
    const s = now - WINDOW_S + 1 + i;
    let y = 8 + barsH;
    for (let k = 0; k < GROUPS.length; k++) {
      const h = (a.at(s, k) / peak) * barsH;
      if (h <= 0) continue;
      g.fillStyle = COLOURS[k]!;
      g.fillRect(i * col, y - h, Math.max(1, col - 0.5), h);
      y -= h;
    }
  }
  const x = (ms: number): number => ((ms / 1000 - (now - WINDOW_S + 1)) / WINDOW_S) * w;
  g.fillStyle = '#ef4444';
  for (const m of a.marks) if (x(m.ms) >= 0) g.fillRect(x(m.ms), 0, 2, 8);
  eps.forEach((ep, lane) => {
    for (const sp of a.spans) {
      if (sp.endpoint !== ep) continue;
      const from = Math.max(0, x(sp.from));
      const to = x(sp.to ?? Date.now());
      if (to < 0) continue;
      g.fillStyle = COLOURS[(sp.holder + sp.cls) % COLOURS.length]!;
      g.fillRect(from, HEIGHT - (lane + 1) * LANE, Math.max(1, to - from), LANE - 1);
    }
  });
  g.fillStyle = '#64748b';
  g.font = '10px sans-serif';
  g.fillText(`peak ${peak}/s · last ${WINDOW_S / 60} min`, 4, 18);
  const stats = (window.__vmsigStrip ??= { draws: 0, ms: 0 });
  stats.draws++;
  stats.ms += performance.now() - t0;
}

/** The strip; its label lists the legend for screen readers. */
export function ActivityStrip() {
  const ref = useRef<HTMLCanvasElement>(null);
  const clock = useVms((s) => s.clock);
  const clockRef = useRef(clock);
  clockRef.current = clock;
  useEffect(() => {
    let frame = 0;
    const timer = setInterval(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => ref.current && draw(ref.current));
    }, DRAW_MS);
    return () => {
      clearInterval(timer);
      cancelAnimationFrame(frame);
    };
  }, []);
  const onClick = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    const el = e.currentTarget;
    const frac = (e.clientX - el.getBoundingClientRect().left) / el.clientWidth;
    const second = timelineData.activity.now - WINDOW_S + 1 + Math.floor(frac * WINDOW_S);
    const c = clockRef.current;
    if (!c) return;
    jumpToRow(findTime(timelineData.ring, timelineData.index, second * 1000, c));
  };
  const legend = GROUPS.map((g, i) => `${g} (${COLOURS[i]})`).join(', ');
  return (
    <canvas
      ref={ref}
      className="activity-strip"
      style={{ width: '100%', height: HEIGHT, display: 'block', cursor: 'pointer' }}
      role="img"
      aria-label={`Activity: events per second over the last ${WINDOW_S / 60} minutes by ${legend}; lifecycle marks in red (${nameOf(VmState, 0)} etc.); lease spans per VM below. Click to jump the rows.`}
      onClick={onClick}
    />
  );
}
