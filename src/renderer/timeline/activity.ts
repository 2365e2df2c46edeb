/*
 * What the activity strip draws: events per second per kind group over the last five
 * minutes (by arrival time), VM lifecycle changes as marks, and lease ownership as spans per
 * VM. Fed per event with a few integer writes (no allocation but for the rare lifecycle and
 * lease events); it never touches the DOM.
 */
import { Dir, Kind } from '../../shared/model';

/** Seconds kept. */
export const WINDOW_S = 300;
/** Kind groups, in drawing order (bottom up). */
export const GROUPS = ['commands', 'replies', 'lifecycle & seams', 'input & cursor', 'other'] as const;

/** A lifecycle change at wall time `ms`. */
export interface Mark {
  ms: number;
  endpoint: number;
  state: number;
}

/** A lease held on `endpoint` from `from` to `to` (null while held). */
export interface Span {
  endpoint: number;
  cls: number;
  holder: number;
  from: number;
  to: number | null;
}

function groupOf(kind: number, dir: number): number {
  if (dir === Dir.DOWN) return 0;
  if (
    kind === Kind.ACT_ACK ||
    kind === Kind.ERROR ||
    (kind >= Kind.LEASE_GRANTED && kind <= Kind.LEASE_REVOKED)
  )
    return 1;
  if (kind === Kind.VM_LIFECYCLE || kind === Kind.SEAM_UP || kind === Kind.SEAM_DOWN) return 2;
  if (kind === Kind.CURSOR_STATE || kind === Kind.INPUT_HELD) return 3;
  return 4;
}

/** Per-second counts in a ring of WINDOW_S seconds, marks and spans. */
export class Activity {
  /** counts[(second % WINDOW_S) * GROUPS.length + group]. */
  readonly counts = new Uint32Array(WINDOW_S * GROUPS.length);
  private second = -1;
  readonly marks: Mark[] = [];
  readonly spans: Span[] = [];

  /** Moves the clock to `nowMs`, zeroing the seconds skipped. */
  tick(nowMs: number): void {
    const s = Math.floor(nowMs / 1000);
    if (s === this.second) return;
    const from = this.second < 0 ? s : Math.max(this.second + 1, s - WINDOW_S + 1);
    for (let t = from; t <= s; t++)
      this.counts.fill(0, (t % WINDOW_S) * GROUPS.length, ((t % WINDOW_S) + 1) * GROUPS.length);
    this.second = s;
  }

  /** Counts one event that arrived now (after tick()). */
  count(kind: number, dir: number): void {
    this.counts[(this.second % WINDOW_S) * GROUPS.length + groupOf(kind, dir)]!++;
  }

  /** Records a lifecycle mark (kept: the last 1 000). */
  mark(m: Mark): void {
    this.marks.push(m);
    if (this.marks.length > 1000) this.marks.splice(0, this.marks.length - 1000);
  }

  /** A lease granted (opens a span) or ended (closes the open span of that VM and class). */
  lease(kind: number, endpoint: number, cls: number, holder: number, ms: number): void {
    if (kind === Kind.LEASE_GRANTED) {
      this.lease(Kind.LEASE_RELEASED, endpoint, cls, 0, ms);
      this.spans.push({ endpoint, cls, holder, from: ms, to: null });
      if (this.spans.length > 1000) this.spans.splice(0, this.spans.length - 1000);
    } else {
      const open = this.spans.findLast((s) => s.endpoint === endpoint && s.cls === cls && s.to === null);
      if (open) open.to = ms;
    }
  }

  /** The counts of second `s` (epoch seconds) for each group, zeros outside the window. */
  at(s: number, group: number): number {
    if (s > this.second || s <= this.second - WINDOW_S) return 0;
    return this.counts[(s % WINDOW_S) * GROUPS.length + group]!;
  }

  /** The current second (epoch). */
  get now(): number {
    return this.second;
  }
}
