/*
 * The live event timeline: a windowed list over the ring (only visible rows decode),
 * journal history above the live tail (older pages load when scrolled to the top, the
 * view stays on the row it showed), filters, pause/follow, a detail pane for the clicked
 * event and JSONL export. It re-renders when the timeline version bumps (once per frame at
 * most), never per event.
 */
import { memo, useLayoutEffect, useRef, useState } from 'react';
import { describeEvent } from '../../shared/model';
import { loadHistoryPage } from '../stores/history';
import { type HistoryState, anchoredScrollTop, wantsOlder } from '../timeline/history-paging';
import { RowKind } from '../timeline/event-ring';
import { exportRows, toCsv, toJsonl } from '../timeline/export-rows';
import { fieldsText, wallTime } from '../timeline/row-text';
import { atBottom, rowWindow, slotCount } from '../timeline/row-window';
import { setPaused, setTimelineFilter, timelineData, useTimeline, visibleLength } from '../stores/timeline';
import { useVms } from '../stores/vms';
import { useFleet } from '../stores/fleet';
import { ActivityStrip } from './activity-strip';
import { EventDetail } from './event-detail';
import { TimelineFilters } from './timeline-filters';
import { TimelineFind } from './timeline-find';

/** Height of one timeline row in px (the CSS says the same). */
const ROW_HEIGHT = 22;
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 8;
/** The history banner above the first row takes one row's height. */
const BANNER = ROW_HEIGHT;

/**
 * One row, drawn from ring number `n` alone (an event's row never changes), so a row that
 * stays on screen while new ones arrive skips rendering: a frame then costs the new rows only.
 */
const Row = memo(function Row({
  n,
  selected,
  wallOffsetMs,
  selfHost,
}: {
  n: number;
  selected: boolean;
  /** Wall ms minus core ms (see stores/vms), to place event times; null before the first snapshot. */
  wallOffsetMs: number | null;
  /** This host's fleet name when the console is in a fleet (a host column is shown), else null. */
  selfHost: string | null;
}) {
  const rowKind = timelineData.ring.rowKind(n);
  if (rowKind === RowKind.GAP)
    return (
      <div className="trow gap" role="row" data-gap>
        <span role="gridcell">{timelineData.ring.note(n)}</span>
      </div>
    );
  const ev = timelineData.ring.get(n);
  if (!ev)
    return (
      <div className="trow gone" role="row">
        <span role="gridcell">(overwritten)</span>
      </div>
    );
  const d = describeEvent(ev);
  // Negative ring numbers are journal history (see event-ring.ts).
  const history = n < 0;
  // Replayed state the journal did not keep: the VM's state when this console connected.
  const state = rowKind === RowKind.STATE;
  return (
    <div
      role="row"
      aria-selected={selected}
      className={`trow ${d.kind === 'ERROR' || d.kind === 'SEAM_DOWN' ? 'bad' : ''} ${selected ? 'sel' : ''} ${history ? 'hist' : ''} ${state ? 'state' : ''}`}
      onClick={() => useTimeline.setState({ selected: n })}
      data-kind={d.kind}
      data-history={history || undefined}
      data-state={state || undefined}
      title={
        history
          ? 'From the journal (before this console connected)'
          : state
            ? 'State when this console connected (replayed, not a new event)'
            : undefined
      }
    >
      <span role="cell" className="c-seq">
        {d.seq}
      </span>
      <span role="cell" className="c-time">
        {wallTime(d.tsNs, wallOffsetMs === null ? null : { ns: 0, ms: wallOffsetMs })}
      </span>
      {selfHost !== null && (
        <span role="cell" className="c-host">
          {timelineData.ring.hostOf(n) || selfHost}
        </span>
      )}
      <span role="cell" className="c-vm">
        {d.endpoint || 'core'}
      </span>
      <span role="cell" className="c-kind">
        {state ? `${d.kind} (state)` : d.kind}
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
});

function historyText(h: HistoryState): string {
  switch (h.status) {
    case 'idle':
    case 'loading':
      return 'Loading history…';
    case 'more':
      return `${h.loaded} history events · scroll up for older`;
    case 'start':
      return `Start of journal · ${h.loaded} history events`;
    case 'full':
      return `Timeline full (${timelineData.ring.capacity} events): older history is not loaded; use vmsig journal`;
    case 'none':
      return 'This host keeps no journal: no history before the console connected';
    case 'error':
      return 'History could not be loaded';
  }
}

/** The first line of the list (a row of the grid): where history paging stands, with a button for keyboard users. */
function HistoryBanner({ history }: { history: HistoryState }) {
  return (
    <div className="thistory" role="row">
      <span role="gridcell">
        <span role="status" aria-label="Journal history">
          {historyText(history)}
        </span>
      </span>
      {(history.status === 'more' || history.status === 'error') && (
        <span role="gridcell">
          <button onClick={() => void loadHistoryPage()}>
            {history.status === 'more' ? 'Load older' : 'Retry'}
          </button>
        </span>
      )}
    </div>
  );
}

/** Downloads the rows the current filter shows, as JSONL or CSV. */
function exportRowsAs(format: 'jsonl' | 'csv'): void {
  const rows = exportRows(timelineData.ring, timelineData.index, useFleet.getState().fleet?.self);
  const text = format === 'jsonl' ? toJsonl(rows) : toCsv(rows);
  const type = format === 'jsonl' ? 'application/x-ndjson' : 'text/csv';
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `vmsig-events-${Date.now()}.${format}`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The timeline panel. */
export function TimelineView() {
  const state = useTimeline();
  const wallOffsetMs = useVms((s) => s.wallOffsetMs);
  const selfHost = useFleet((s) => s.fleet?.self ?? null);
  const count = visibleLength(state);
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 400 });
  const following = state.follow && !state.paused;
  const win = rowWindow(view.top - BANNER, view.height, count, ROW_HEIGHT, OVERSCAN, following);
  const slots = slotCount(view.height, ROW_HEIGHT, OVERSCAN);
  const fullHeight = BANNER + win.totalHeight;

  // Following: one scrollTop write after the rows are in place; no layout read per frame.
  // Writing scrollTop forces a synchronous layout of the rows just rendered, so it is written
  // only when the list grew (or following resumed): once the ring is full the height stays
  // put, the view is still at the bottom, and frames at 50 000 events/s skip that layout.
  const pinned = useRef('');
  useLayoutEffect(() => {
    const el = scroller.current;
    const key = `${fullHeight}:${view.height}`;
    if (!el || !following) {
      pinned.current = '';
      return;
    }
    if (pinned.current === key) return;
    el.scrollTop = fullHeight;
    pinned.current = key;
  }, [following, fullHeight, view.height, state.version]);

  // A history page went in above: move down by exactly its rows, before paint, so the row
  // the operator was reading stays where it was (following stays pinned to the bottom anyway).
  const { rows: prependedRows, n: prependedPage } = state.prepended;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || following || prependedRows === 0) return;
    el.scrollTop = anchoredScrollTop(el.scrollTop, prependedRows, ROW_HEIGHT);
    setView({ top: el.scrollTop, height: el.clientHeight });
    // Runs once per page (prependedPage), not on every frame.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [prependedPage]);

  // A find jumped to a row: put it in the middle of the view, once per jump.
  const jump = state.jump;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || jump.n === 0) return;
    el.scrollTop = Math.max(0, BANNER + jump.row * ROW_HEIGHT - el.clientHeight / 2);
    setView({ top: el.scrollTop, height: el.clientHeight });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jump.n]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setView((v) => ({ ...v, height: el.clientHeight })));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Scrolling cannot reach for older history when the rows do not fill the view (a short
  // first page, or a filter that hides most history), and a view left at the top should get
  // the next page too: load on, until the view overflows or the journal's start is reached.
  const historyStatus = state.history.status;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || historyStatus !== 'more') return;
    const short = el.scrollHeight <= el.clientHeight;
    if (short || (!following && wantsOlder(historyStatus, el.scrollTop, ROW_HEIGHT))) void loadHistoryPage();
  }, [historyStatus, count, following]);

  const onScroll = (): void => {
    const el = scroller.current;
    if (!el) return;
    const bottom = atBottom(el.scrollTop, el.clientHeight, fullHeight, ROW_HEIGHT);
    if (following && bottom) return;
    if (wantsOlder(state.history.status, el.scrollTop, ROW_HEIGHT)) void loadHistoryPage();
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
          {count} shown · {timelineData.ring.received} received
        </span>
        <button onClick={() => exportRowsAs('jsonl')}>Export JSONL</button>
        <button onClick={() => exportRowsAs('csv')}>Export CSV</button>
      </div>
      <TimelineFilters filter={state.filter} onChange={setTimelineFilter} />
      <TimelineFind />
      <ActivityStrip />
      {/* The grid holds the fixed header row and the scrolling row group (banner, then events). */}
      <div className="tgrid" role="grid" aria-label="Event timeline" aria-rowcount={count + 2}>
        <div className="trow thead" role="row">
          <span role="columnheader" className="c-seq">
            seq
          </span>
          <span role="columnheader" className="c-time">
            time
          </span>
          {selfHost !== null && (
            <span role="columnheader" className="c-host">
              host
            </span>
          )}
          <span role="columnheader" className="c-vm">
            VM
          </span>
          <span role="columnheader" className="c-kind">
            kind
          </span>
          <span role="columnheader" className="c-src">
            source
          </span>
          <span role="columnheader" className="c-dir">
            dir
          </span>
          <span role="columnheader" className="c-prio">
            prio
          </span>
          <span role="columnheader" className="c-fields">
            fields
          </span>
        </div>
        {/* Focusable so keyboard users can scroll it. */}
        <div ref={scroller} className="tscroll" role="rowgroup" tabIndex={0} onScroll={onScroll}>
          <HistoryBanner history={state.history} />
          {count === 0 ? (
            <div role="row">
              <p role="gridcell" className="empty">
                No events yet{state.filter.text || state.filter.kinds.length ? ' match the filter' : ''}.
              </p>
            </div>
          ) : (
            <div style={{ height: win.totalHeight, position: 'relative' }}>
              {Array.from({ length: win.end - win.start }, (_, k) => {
                const i = win.start + k;
                const n = timelineData.index.at(i);
                return (
                  // Keyed by row modulo the window's size: a row that stays in the window keeps
                  // its element and (memo) its render, and a row that enters takes the element
                  // of one that left, updating its text rather than mounting a new one.
                  <div
                    key={i % slots}
                    className="tslot"
                    style={{ transform: `translateY(${i * ROW_HEIGHT}px)` }}
                  >
                    <Row
                      n={n}
                      wallOffsetMs={wallOffsetMs}
                      selfHost={selfHost}
                      selected={state.selected === n}
                    />
                  </div>
                );
              })}
            </div>
          )}
        </div>
      </div>
      {state.selected !== null && <EventDetail n={state.selected} />}
    </div>
  );
}
