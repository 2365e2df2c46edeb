/*
 * The live event timeline: a windowed list over the ring (only visible rows decode),
 * filters, pause/follow, a detail pane for the clicked event and JSONL export. It
 * re-renders when the timeline version bumps (once per frame at most), never per event.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import { describeEvent } from '../../shared/model';
import { loadHistory } from '../stores/actions';
import { fieldsText, wallTime } from '../timeline/row-text';
import { atBottom, rowWindow } from '../timeline/row-window';
import { setPaused, setTimelineFilter, timelineData, useTimeline, visibleLength } from '../stores/timeline';
import { useVms } from '../stores/vms';
import { TimelineFilters } from './timeline-filters';

/** Height of one timeline row in px (the CSS says the same). */
const ROW_HEIGHT = 22;

function Row({
  row,
  selected,
  clock,
}: {
  row: number;
  selected: boolean;
  clock: { ns: number; ms: number } | null;
}) {
  const n = timelineData.index.at(row);
  const ev = timelineData.ring.get(n);
  if (!ev) return <div className="trow gone">(overwritten)</div>;
  const d = describeEvent(ev);
  return (
    <div
      role="row"
      aria-selected={selected}
      className={`trow ${d.kind === 'ERROR' || d.kind === 'SEAM_DOWN' ? 'bad' : ''} ${selected ? 'sel' : ''}`}
      onClick={() => useTimeline.setState({ selected: n })}
      data-kind={d.kind}
    >
      <span role="cell" className="c-seq">
        {d.seq}
      </span>
      <span role="cell" className="c-time">
        {wallTime(d.tsNs, clock)}
      </span>
      <span role="cell" className="c-vm">
        {d.endpoint || 'core'}
      </span>
      <span role="cell" className="c-kind">
        {d.kind}
      </span>
      <span role="cell" className="c-src">
        {d.source}
      </span>
      <span role="cell" className="c-dir">
        {d.dir}
      </span>
      <span role="cell" className="c-prio">
        {d.prio}
      </span>
      <span role="cell" className="c-fields">
        {fieldsText(d.fields)}
      </span>
    </div>
  );
}

function exportJsonl(): void {
  const lines: string[] = [];
  const idx = timelineData.index;
  for (let i = 0; i < idx.length; i++) {
    const ev = timelineData.ring.get(idx.at(i));
    if (ev) lines.push(JSON.stringify({ ...describeEvent(ev), origin: ev.origin }));
  }
  const url = URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'application/x-ndjson' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `vmsig-events-${Date.now()}.jsonl`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Detail({ n }: { n: number }) {
  const ev = timelineData.ring.get(n);
  return (
    <div className="detail" role="region" aria-label="Event detail">
      <button aria-label="Close detail" onClick={() => useTimeline.setState({ selected: null })}>
        ×
      </button>
      <pre>
        {ev
          ? JSON.stringify({ ...describeEvent(ev), origin: ev.origin }, null, 2)
          : 'This event was overwritten.'}
      </pre>
    </div>
  );
}

/** The timeline panel. */
export function TimelineView() {
  const state = useTimeline();
  const clock = useVms((s) => s.clock);
  const count = visibleLength(state);
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 400 });
  const following = state.follow && !state.paused;
  const win = rowWindow(view.top, view.height, count, ROW_HEIGHT, 8, following);

  // Following: one scrollTop write after the rows are in place; no layout read per frame.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && following) el.scrollTop = win.totalHeight;
  }, [following, win.totalHeight, state.version]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setView((v) => ({ ...v, height: el.clientHeight })));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const onScroll = (): void => {
    const el = scroller.current;
    if (!el) return;
    const bottom = atBottom(el.scrollTop, el.clientHeight, count * ROW_HEIGHT, ROW_HEIGHT);
    if (following && bottom) return;
    if (following !== bottom && !state.paused) useTimeline.setState({ follow: bottom });
    setView({ top: el.scrollTop, height: el.clientHeight });
  };

  return (
    <div className="timeline">
      <div className="timeline-bar" role="toolbar" aria-label="Timeline controls">
        <button aria-pressed={state.paused} onClick={() => setPaused(!state.paused)}>
          {state.paused ? 'Resume' : 'Pause'}
        </button>
        <label>
          <input
            type="checkbox"
            checked={state.follow}
            onChange={(e) => useTimeline.setState({ follow: e.target.checked })}
          />{' '}
          Follow
        </label>
        <span aria-label="Event count" className="muted">
          {count} shown · {timelineData.ring.total} received
        </span>
        <button onClick={() => void loadHistory()}>Load history</button>
        <button onClick={exportJsonl}>Export JSONL</button>
      </div>
      <TimelineFilters filter={state.filter} onChange={setTimelineFilter} />
      <div className="trow thead" role="row">
        <span className="c-seq">seq</span>
        <span className="c-time">time</span>
        <span className="c-vm">VM</span>
        <span className="c-kind">kind</span>
        <span className="c-src">source</span>
        <span className="c-dir">dir</span>
        <span className="c-prio">prio</span>
        <span className="c-fields">fields</span>
      </div>
      <div
        ref={scroller}
        className="tscroll"
        role="grid"
        aria-label="Event timeline"
        aria-rowcount={count}
        onScroll={onScroll}
      >
        {count === 0 ? (
          <p className="empty">
            No events yet{state.filter.text || state.filter.kinds.length ? ' match the filter' : ''}.
          </p>
        ) : (
          <div style={{ height: win.totalHeight, position: 'relative' }}>
            {Array.from({ length: win.end - win.start }, (_, k) => {
              const i = win.start + k;
              return (
                <div key={i} className="tslot" style={{ transform: `translateY(${i * ROW_HEIGHT}px)` }}>
                  <Row row={i} clock={clock} selected={state.selected === timelineData.index.at(i)} />
                </div>
              );
            })}
          </div>
        )}
      </div>
      {state.selected !== null && <Detail n={state.selected} />}
    </div>
  );
}
