/*
 * Loads journal history into the top of the timeline, one page at a time: the first page
 * once the event stream is on (it ends exactly where the live stream begins), older pages
 * when the operator scrolls to the top. One request at a time; never touches the DOM.
 */
import { getApi } from '../api';
import { pageLimit, pageSizeFrom } from '../timeline/history-paging';
import { sampledAtFirstMark } from './live-session';
import { notify } from './notices';
import { prependHistory, setHistory, timelineData, useTimeline } from './timeline';

let inflight = false;

/** Whether the first page was never loaded (so a (re)connect should load it). */
export function historyNotStarted(): boolean {
  const { status, cursor, loaded } = useTimeline.getState().history;
  return status === 'idle' || (status === 'error' && cursor === null && loaded === 0);
}

/**
 * Fetches the next page: the newest history before the live stream when nothing was loaded
 * yet, else the page below the cursor. Call after events.subscribe resolved (the host took
 * this renderer's history/live mark then).
 */
export async function loadHistoryPage(): Promise<void> {
  const prev = useTimeline.getState().history;
  if (inflight || !(prev.status === 'idle' || prev.status === 'more' || prev.status === 'error')) return;
  const limit = pageLimit(timelineData.ring.free, pageSizeFrom(window.location.search));
  if (limit === 0) {
    setHistory({ ...prev, status: 'full' });
    return;
  }
  inflight = true;
  setHistory({ ...prev, status: 'loading' });
  try {
    const r = await getApi().invoke(
      'history.query',
      prev.cursor === null ? { limit } : { limit, before: prev.cursor },
    );
    if (!r.ok) {
      setHistory({ ...prev, status: 'error' });
      notify('error', `Loading history failed: ${r.error.message}`);
    } else if (!r.value.available) {
      setHistory({ ...prev, status: 'none' });
    } else {
      prependHistory(
        Uint8Array.from(atob(r.value.records), (c) => c.charCodeAt(0)),
        r.value.cursor,
        {
          sampled: r.value.sampled,
          // What was sampled away after the newest record below the live mark: the first page only.
          pending: prev.cursor === null ? sampledAtFirstMark() : 0,
          firstRec: r.value.firstRec,
        },
      );
    }
  } catch (e) {
    setHistory({ ...prev, status: 'error' });
    notify('error', `Loading history failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    inflight = false;
  }
}
