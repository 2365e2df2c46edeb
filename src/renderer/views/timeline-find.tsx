/*
 * The timeline's find bar: go to a seq, go to a wall-clock time, or to the next row whose
 * text matches (after the selected row, wrapping). Each selects the row and scrolls to it;
 * a miss says so in the bar's status, never throws.
 */
import { type FormEvent, memo, useState } from 'react';
import { NO_FILTER } from '../timeline/event-filter';
import { findNext, findSeq, findTime, parseClock } from '../timeline/find';
import { jumpToRow, timelineData, useTimeline } from '../stores/timeline';
import { useVms } from '../stores/vms';

/** The row of the selected event in the index, or -1. */
function selectedRow(): number {
  const sel = useTimeline.getState().selected;
  if (sel === null) return -1;
  const idx = timelineData.index;
  for (let i = idx.length - 1; i >= 0; i--) if (idx.at(i) === sel) return i;
  return -1;
}

/** Find controls above the rows (memoised: no props, so the per-frame timeline render skips it). */
export const TimelineFind = memo(function TimelineFind() {
  const [seq, setSeq] = useState('');
  const [time, setTime] = useState('');
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');

  const go = (row: number, what: string): void => {
    if (row < 0) setStatus(`No row ${what}`);
    else {
      setStatus('');
      jumpToRow(row);
    }
  };
  const submit =
    (f: () => void) =>
    (e: FormEvent): void => {
      e.preventDefault();
      f();
    };
  const { ring, index } = timelineData;
  return (
    <div className="find" role="group" aria-label="Find in timeline">
      <form onSubmit={submit(() => go(findSeq(ring, index, Number(seq)), `with seq ${seq}`))}>
        <input
          aria-label="Go to seq"
          inputMode="numeric"
          placeholder="seq"
          value={seq}
          onChange={(e) => setSeq(e.target.value)}
        />
        <button type="submit">Go</button>
      </form>
      <form
        onSubmit={submit(() => {
          const ms = parseClock(time, new Date());
          const clock = useVms.getState().clock; // read at submit: subscribing would re-render per snapshot
          if (ms === null || !clock) return setStatus('Time as HH:MM:SS');
          go(findTime(ring, index, ms, clock), `at or after ${time}`);
        })}
      >
        <input
          aria-label="Go to time"
          placeholder="HH:MM:SS"
          value={time}
          onChange={(e) => setTime(e.target.value)}
        />
        <button type="submit">Go</button>
      </form>
      <form
        onSubmit={submit(() =>
          go(findNext(ring, index, selectedRow(), { ...NO_FILTER, text }), `matching “${text}”`),
        )}
      >
        <input
          aria-label="Find text"
          placeholder="find"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">Next</button>
      </form>
      <span role="status" aria-label="Find result" className="muted">
        {status}
      </span>
    </div>
  );
});
