/*
 * The activity strip in words, rendered from the very layout the canvas paints: events per
 * second per kind group (last second, peak second, five-minute total), the latest lifecycle
 * marks and lease spans. Visually hidden; screen readers reach it through the canvas's
 * aria-describedby. Each item carries its place on the strip (data-x…) so a test can check
 * the canvas's own pixels there.
 */
import { GROUPS, WINDOW_S } from '../timeline/activity';
import { type StripLayout, groupStats } from '../timeline/strip-layout';
import { useControls } from '../stores/controls';

/** Items of each list kept (the newest). */
const SHOWN = 10;

const clock = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

/** The summary; empty until the strip was first drawn. */
export function ActivitySummary({
  id,
  layout: l,
  stateName,
  className,
  colours,
}: {
  id: string;
  layout: StripLayout | null;
  /** The colours the canvas paints with, so each item names the colour it is drawn in. */
  colours: { group: (g: number) => string; mark: string; span: (holder: number, cls: number) => string };
  stateName: (state: number) => string;
  className: (cls: number) => string;
}) {
  const controls = useControls((s) => s.controls);
  if (!l) return <div id={id} className="visually-hidden" />;
  const nowSecond = l.startSecond + WINDOW_S - 1;
  const stats = groupStats(l, nowSecond);
  const holderName = (holder: number): string =>
    controls.find((c) => c.id === holder)?.name ?? `control ${holder}`;
  const colX = (second: number): number => (second - l.startSecond + 0.5) * l.col;
  return (
    <div
      id={id}
      className="visually-hidden"
      data-start-second={l.startSecond}
      data-col={l.col}
      data-peak={l.peak}
    >
      <ul aria-label="Events per second by kind">
        {stats.map((g, i) => (
          <li
            key={GROUPS[i]}
            data-group={GROUPS[i]}
            data-rate={g.rate}
            data-total={g.total}
            data-peak={g.peak?.count ?? 0}
            data-peak-second={g.peak?.second}
            data-x={g.peak ? colX(g.peak.second) : undefined}
            data-y0={g.peak?.y0}
            data-y1={g.peak?.y1}
            data-colour={colours.group(i)}
          >
            {GROUPS[i]}: {g.rate}/s in the last second
            {g.peak ? `, peak ${g.peak.count}/s at ${clock(g.peak.second * 1000)}` : ''}, {g.total} in the
            window
          </li>
        ))}
      </ul>
      <ul aria-label="Lifecycle marks">
        {l.marks.slice(-SHOWN).map((m) => (
          <li
            key={`${m.ms}-${m.endpoint}-${m.state}`}
            data-x={m.x}
            data-ms={m.ms}
            data-second={m.second}
            data-column-x={colX(m.second)}
            data-colour={colours.mark}
          >
            VM {m.endpoint} {stateName(m.state)} at {clock(m.ms)}
          </li>
        ))}
      </ul>
      <ul aria-label="Lease spans">
        {l.spans.slice(-SHOWN).map((s) => (
          <li
            key={`${s.from}-${s.endpoint}-${s.cls}`}
            data-x0={s.x0}
            data-x1={s.x1}
            data-y={s.y}
            data-h={s.h}
            data-holder={s.holder}
            data-cls={s.cls}
            data-held={s.to === null || undefined}
            data-colour={colours.span(s.holder, s.cls)}
          >
            VM {s.endpoint} {className(s.cls)} lease held by {holderName(s.holder)} from {clock(s.from)}
            {s.to === null ? ', still held' : ` to ${clock(s.to)}`}
          </li>
        ))}
      </ul>
    </div>
  );
}
