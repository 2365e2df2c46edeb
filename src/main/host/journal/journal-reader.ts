/*
 * Reads the journal back: filtered, newest-first or oldest-first pages with a cursor, for
 * the console's timeline and `vmsig journal`. It opens segments read-only and never
 * repairs them; damage is returned with the page (segment file and byte offset).
 */
import { readFileSync } from 'node:fs';
import { type JournalRecord, decodeRecord } from './journal-record';
import { scanSegment } from './segment-scan';
import { type SegmentFile, listSegments } from './segment-files';
import type { SegmentDamage } from './segment-writer';

/** A query; every filter is optional and they combine with AND. */
export interface JournalQuery {
  /** Wall-clock range, epoch ms, inclusive. */
  fromMs?: number;
  toMs?: number;
  /** Event `tsNs` range (the core's monotonic clock: comparable with live events of the same host run only), inclusive. */
  fromNs?: number;
  toNs?: number;
  /** Only records numbered at least this. */
  fromRec?: number;
  /** Endpoint (VM) id. */
  vm?: number;
  /** Kind numbers. */
  kinds?: readonly number[];
  /** Principal of the origin control. */
  principal?: number;
  /** Page size (>= 1). */
  limit: number;
  /** `desc` (default): newest first; `asc`: oldest first. */
  order?: 'asc' | 'desc';
  /** Paging cursor for `desc`: only records numbered below this (the previous page's `cursor`). */
  before?: number;
  /** Paging cursor for `asc`: only records numbered above this. */
  after?: number;
}

/** One page of results. */
export interface JournalPage {
  records: JournalRecord[];
  /** Pass as `before` (desc) or `after` (asc) for the next page; null once nothing more matches (a full page always has one). */
  cursor: number | null;
  /** Damage met in the segments read for this page. */
  damage: SegmentDamage[];
}

/** Read-only access to a journal directory; cheap to construct, safe beside a live writer. */
export class JournalReader {
  constructor(readonly dir: string) {}

  /** Runs `q`; throws the file system's error when a segment exists but cannot be read. */
  query(q: JournalQuery): JournalPage {
    if (!(Number.isInteger(q.limit) && q.limit >= 1)) throw new RangeError(`journal query limit must be an integer >= 1, got ${q.limit}`);
    const desc = (q.order ?? 'desc') === 'desc';
    const segs = listSegments(this.dir);
    const records: JournalRecord[] = [];
    const damage: SegmentDamage[] = [];
    const order = desc ? [...segs.keys()].reverse() : [...segs.keys()];
    for (const i of order) {
      const seg = segs[i]!;
      const nextFirst = segs[i + 1]?.firstRec ?? Infinity;
      if (!this.mayHold(seg, nextFirst, q)) {
        if (this.pastRange(seg, nextFirst, q, desc)) break;
        continue;
      }
      const page = this.readSegment(seg, damage);
      if (desc) page.reverse();
      for (const r of page) {
        if (!matches(r, q)) continue;
        records.push(r);
        if (records.length === q.limit) return { records, cursor: r.rec, damage };
      }
    }
    return { records, cursor: null, damage };
  }

  /** Every intact record of one segment, in file order; damage is appended to `damage`. */
  private readSegment(seg: SegmentFile, damage: SegmentDamage[]): JournalRecord[] {
    let buf: Buffer;
    try {
      buf = readFileSync(seg.path);
    } catch (e) {
      // Retention of a live writer may have deleted it since the listing.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const scan = scanSegment(buf);
    for (const d of scan.damage) damage.push({ ...d, segment: seg.name });
    const out: JournalRecord[] = [];
    for (const f of scan.frames) {
      try {
        out.push(decodeRecord(f.content));
      } catch (e) {
        damage.push({ segment: seg.name, offset: f.offset, length: f.content.length, tail: false, reason: String(e) });
      }
    }
    return out;
  }

  /** Whether a segment holding records [firstRec, nextFirst) can match, from its name and mtime alone. */
  private mayHold(seg: SegmentFile, nextFirst: number, q: JournalQuery): boolean {
    if (q.before !== undefined && seg.firstRec >= q.before) return false;
    if (q.after !== undefined && nextFirst - 1 <= q.after) return false;
    if (q.fromRec !== undefined && nextFirst - 1 < q.fromRec) return false;
    if (q.fromMs !== undefined && seg.mtimeMs < q.fromMs) return false;
    return true;
  }

  /** Whether every segment further in reading order is out of range too. */
  private pastRange(seg: SegmentFile, nextFirst: number, q: JournalQuery, desc: boolean): boolean {
    if (!desc) return false;
    return (q.fromRec !== undefined && nextFirst - 1 < q.fromRec) || (q.fromMs !== undefined && seg.mtimeMs < q.fromMs);
  }
}

function matches(r: JournalRecord, q: JournalQuery): boolean {
  const ev = r.event;
  if (q.before !== undefined && r.rec >= q.before) return false;
  if (q.after !== undefined && r.rec <= q.after) return false;
  if (q.fromRec !== undefined && r.rec < q.fromRec) return false;
  if (q.fromMs !== undefined && r.wallMs < q.fromMs) return false;
  if (q.toMs !== undefined && r.wallMs > q.toMs) return false;
  if (q.fromNs !== undefined && ev.tsNs < q.fromNs) return false;
  if (q.toNs !== undefined && ev.tsNs > q.toNs) return false;
  if (q.vm !== undefined && ev.endpoint !== q.vm) return false;
  if (q.kinds !== undefined && !q.kinds.includes(ev.kind)) return false;
  if (q.principal !== undefined && r.principal !== q.principal) return false;
  return true;
}
