/*
 * The live event timeline: a virtualized list over the ring (only visible rows decode),
 * filters, pause/follow, a detail pane for the clicked event and JSONL export. It
 * re-renders when the timeline version bumps (once per frame at most), never per event.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { describeEvent } from '../../shared/model';
import { fieldsText, wallTime } from '../timeline/row-text';
import { setPaused, setTimelineFilter, timelineData, useTimeline, visibleLength } from '../stores/timeline';
import { useVms } from '../stores/vms';
import { TimelineFilters } from './timeline-filters';

function Row({ row, selected, clock }: { row: number; selected: boolean; clock: { ns: number; ms: number } | null }) {
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
      <span role="cell" className="c-seq">{d.seq}</span>
      <span role="cell" className="c-time">{wallTime(d.tsNs, clock)}</span>
      <span role="cell" className="c-vm">{d.endpoint || 'core'}</span>
      <span role="cell" className="c-kind">{d.kind}</span>
      <span role="cell" className="c-src">{d.source}</span>
      <span role="cell" className="c-dir">{d.dir}</span>
      <span role="cell" className="c-prio">{d.prio}</span>
      <span role="cell" className="c-fields">{fieldsText(d.fields)}</span>
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
      <pre>{ev ? JSON.stringify({ ...describeEvent(ev), origin: ev.origin }, null, 2) : 'This event was overwritten.'}</pre>
    </div>
  );
}

/** The timeline panel. */
export function TimelineView() {
  const state = useTimeline();
  const clock = useVms((s) => s.clock);
  const count = visibleLength(state);
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => 22, overscan: 8 });

  useEffect(() => {
    if (state.follow && !state.paused && count > 0) v.scrollToIndex(count - 1, { align: 'end' });
  }, [state.version, state.follow, state.paused, count, v]);

  return (
    <div className="timeline">
      <div className="timeline-bar" role="toolbar" aria-label="Timeline controls">
        <button aria-pressed={state.paused} onClick={() => setPaused(!state.paused)}>
          {state.paused ? 'Resume' : 'Pause'}
        </button>
        <label>
          <input type="checkbox" checked={state.follow} onChange={(e) => useTimeline.setState({ follow: e.target.checked })} /> Follow
        </label>
        <span aria-label="Event count" className="muted">
          {count} shown · {timelineData.ring.total} received
        </span>
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
      <div ref={scroller} className="tscroll" role="grid" aria-label="Event timeline" aria-rowcount={count}>
        {count === 0 ? (
          <p className="empty">No events yet{state.filter.text || state.filter.kinds.length ? ' match the filter' : ''}.</p>
        ) : (
          <div style={{ height: v.getTotalSize(), position: 'relative' }}>
            {v.getVirtualItems().map((item) => (
              <div key={item.key} className="tslot" style={{ transform: `translateY(${item.start}px)` }}>
                <Row row={item.index} clock={clock} selected={state.selected === timelineData.index.at(item.index)} />
              </div>
            ))}
          </div>
        )}
      </div>
      {state.selected !== null && <Detail n={state.selected} />}
    </div>
  );
}
