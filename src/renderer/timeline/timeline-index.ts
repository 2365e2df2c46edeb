/*
 * The rows the timeline shows: absolute ring numbers that pass the filter, kept in step
 * with the ring incrementally (append checks only new events) and rebuilt on filter change.
 * Entries the ring overwrote fall off the front; history the ring took in below its oldest
 * event is added at the front by syncOlder(). It never returns a number the ring lost.
 */
import { type TimelineFilter, NO_FILTER, compileFilter } from './event-filter';
import type { EventRing } from './event-ring';

/** Filtered view of a ring. */
export class TimelineIndex {
  private rows: number[] = [];
  private head = 0;
  private seen = 0;
  /** Lowest ring number scanned: history prepended below it is not in `rows` yet. */
  private low = 0;
  private pred = compileFilter(NO_FILTER);

  constructor(private readonly ring: EventRing) {}

  /** Replaces the filter and rescans everything the ring holds. */
  setFilter(f: TimelineFilter): void {
    this.pred = compileFilter(f);
    this.rows = [];
    this.head = 0;
    this.seen = this.ring.first;
    this.low = this.ring.first;
    this.sync();
  }

  /** Takes in events appended since the last sync and drops overwritten ones. */
  sync(): void {
    const first = this.ring.first;
    for (let n = Math.max(this.seen, first); n < this.ring.total; n++)
      if (this.pred(this.ring, n)) this.rows.push(n);
    this.seen = this.ring.total;
    while (this.head < this.rows.length && this.rows[this.head]! < first) this.head++;
    if (this.head > 4096 && this.head * 2 > this.rows.length) {
      this.rows = this.rows.slice(this.head);
      this.head = 0;
    }
  }

  /** Takes in history prepended to the ring since the last call; returns how many rows it added at the front. */
  syncOlder(): number {
    const first = this.ring.first;
    if (first >= this.low) return 0;
    const older: number[] = [];
    for (let n = first; n < this.low; n++) if (this.pred(this.ring, n)) older.push(n);
    this.low = first;
    this.rows = older.concat(this.rows.slice(this.head));
    this.head = 0;
    return older.length;
  }

  /** Number of rows. */
  get length(): number {
    return this.rows.length - this.head;
  }

  /** Ring number of row `i` (0 = oldest). */
  at(i: number): number {
    return this.rows[this.head + i]!;
  }
}
