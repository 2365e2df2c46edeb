/*
 * Gaps in another host's event feed (docs/fleet.md §5): each feed message carries its
 * host run and a count of the events that host's feed has had in that run (header
 * `Vmsig-Feed: RUN N`), counted even while the bus was gone and they were dropped. A
 * console that sees N jump knows how many it missed, and says so once as a gap row.
 */

/** The header of every feed message: "<run> <count>". */
export const FEED_HEADER = 'Vmsig-Feed';

/** The header's value for the `count`th event of run `run`. */
export const feedHeaderValue = (run: string, count: number): string => `${run} ${count}`;

/** The run and count of a header value; null when absent or malformed (never thrown on). */
export function parseFeedHeader(v: string | undefined): { run: string; count: number } | null {
  const m = v === undefined ? null : /^([A-Za-z0-9_-]{1,32}) ([0-9]{1,15})$/.exec(v);
  return m ? { run: m[1]!, count: Number(m[2]) } : null;
}

/** The last count seen per host. Pure. */
export class FeedGaps {
  private readonly last = new Map<string, { run: string; count: number }>();

  /**
   * A feed message of `host` with header value `header`; returns how many of that host's
   * events went by unseen just before it (0: none, or nothing to compare with: the first
   * message, a new run, a message without the header).
   */
  note(host: string, header: string | undefined): number {
    const h = parseFeedHeader(header);
    if (!h) return 0;
    const prev = this.last.get(host);
    this.last.set(host, h);
    // A new run starts its count again; an older count (a late duplicate) is not a gap either.
    if (!prev || prev.run !== h.run || h.count <= prev.count) return 0;
    return h.count - prev.count - 1;
  }
}
