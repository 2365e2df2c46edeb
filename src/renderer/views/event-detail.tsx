/*
 * The detail pane of the selected timeline row: decoded fields, the raw bytes, the command
 * a reply answers or the reply that answers a command (linked by corr; a click selects it),
 * and a copy button. Reads the ring at render time; it holds no event state of its own.
 */
import { useState } from 'react';
import { describeEvent } from '../../shared/model';
import { linkedEvent, hexDump } from '../timeline/corr-link';
import { RowKind } from '../timeline/event-ring';
import { timelineData, useTimeline } from '../stores/timeline';
import { useFleet } from '../stores/fleet';

/** The pane for ring number `n`. */
export function EventDetail({ n }: { n: number }) {
  const [copied, setCopied] = useState<string | null>(null);
  const ring = timelineData.ring;
  const ev = ring.get(n);
  const raw = ring.raw(n);
  const close = (
    <button aria-label="Close detail" onClick={() => useTimeline.setState({ selected: null })}>
      ×
    </button>
  );
  if (!ev || !raw)
    return (
      <div className="detail" role="region" aria-label="Event detail">
        {close}
        <p>This event was overwritten.</p>
      </div>
    );
  const d = describeEvent(ev);
  const json = JSON.stringify(
    {
      ...d,
      origin: ev.origin,
      state: ring.rowKind(n) === RowKind.STATE || undefined,
      // In a fleet, which host's core stamped it (its seq and origin are that host's).
      host: ring.hasRemote ? ring.hostOf(n) || useFleet.getState().fleet?.self : undefined,
    },
    null,
    2,
  );
  const link = linkedEvent(ring, n);
  const other = link === null ? null : ring.get(link);
  const isCommand = d.dir === 'DOWN';
  const copy = (): void => {
    void navigator.clipboard.writeText(json).then(
      () => setCopied('Copied'),
      (e: unknown) => setCopied(`Copy failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  return (
    <div className="detail" role="region" aria-label="Event detail">
      {close}
      <div className="detail-bar">
        <button onClick={copy}>Copy JSON</button>
        {copied && <span role="status">{copied}</span>}
      </div>
      {ev.corr !== 0 && (
        <p aria-label="Linked by corr">
          {isCommand ? 'Answered by ' : 'Answers '}
          {other ? (
            <button className="linkish" onClick={() => useTimeline.setState({ selected: link })}>
              {describeEvent(other).kind} seq {other.seq}
            </button>
          ) : (
            <span className="muted">
              {isCommand ? 'no reply held yet' : 'a command not held in the timeline'}
            </span>
          )}{' '}
          (corr {ev.corr})
        </p>
      )}
      <h3>Decoded</h3>
      <pre aria-label="Decoded fields">{json}</pre>
      <h3>Raw bytes ({raw.length})</h3>
      <pre aria-label="Raw bytes">{hexDump(raw)}</pre>
    </div>
  );
}
