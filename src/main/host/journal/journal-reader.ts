/*
 * Reads the journal back: filtered, newest-first or oldest-first pages with a cursor, for
 * the console's timeline and `vmsig journal`. It opens segments read-only and never
 * repairs them; damage is returned with the page (segment file and byte offset).
 */
import { readFileSync } from 'node:fs';
import {
  type HostOpRecord,
  type JournalRecord,
  type RecordKey,
  decodeHostOpRecord,
  decodeRecord,
  isHostOpContent,
  peekRecord,
} from './journal-record';
import { type ScanResult, type ScannedFrame, scanSegment } from './segment-scan';
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
  /** Keeps only decoded event records it returns true for (a reader's rights, say); the page still fills to `limit`. */
  accept?: (r: JournalRecord) => boolean;
}

/** One page of results (event records, or host-operation records for `hostOps`). */
export interface JournalPage<R = JournalRecord> {
  records: R[];
  /** Pass as `before` (desc) or `after` (asc) for the next page; null once nothing more matches (a full page always has one). */
  cursor: number | null;
  /** Damage met in the segments read for this page. */
  damage: SegmentDamage[];
}

/** Scanned segments kept for paging back (each holds its file's bytes: up to a segment size). */
const SCAN_CACHE_MAX = 2;

/** Read-only access to a journal directory; safe beside a live writer. Keep one per view: it caches scans. */
export class JournalReader {
  private readonly scans = new Map<string, { bytes: number; mtimeMs: number; scan: ScanResult }>();

  constructor(readonly dir: string) {}

  /** Runs `q` over event records; throws the file system's error when a segment exists but cannot be read. */
  query(q: JournalQuery): JournalPage {
    return this.page(q, false, decodeRecord, q.accept);
  }

  /**
   * The number of the oldest record still on disk (retention deletes whole segments, oldest
   * first, so every record below it is gone), or null when the journal holds no segment.
   */
  firstRec(): number | null {
    return listSegments(this.dir)[0]?.firstRec ?? null;
  }

  /** Runs `q` over host-operation records (`kinds` never matches them); throws like query. */
  hostOps(q: Omit<JournalQuery, 'kinds' | 'accept'>): JournalPage<HostOpRecord> {
    return this.page(q, true, decodeHostOpRecord);
  }

  private page<R extends { rec: number }>(
    q: JournalQuery,
    hostOps: boolean,
    decode: (content: Buffer) => R,
    accept?: (r: R) => boolean,
  ): JournalPage<R> {
    if (!(Number.isInteger(q.limit) && q.limit >= 1))
      throw new RangeError(`journal query limit must be an integer >= 1, got ${q.limit}`);
    const desc = (q.order ?? 'desc') === 'desc';
    const segs = listSegments(this.dir);
    const records: R[] = [];
    const damage: SegmentDamage[] = [];
    const order = desc ? [...segs.keys()].reverse() : [...segs.keys()];
    for (const i of order) {
      const seg = segs[i]!;
      const nextFirst = segs[i + 1]?.firstRec ?? Infinity;
      if (!this.mayHold(seg, nextFirst, q)) {
        if (this.pastRange(seg, nextFirst, q, desc)) break;
        continue;
      }
      const scan = this.scanOf(seg);
      for (const d of scan.damage) damage.push({ ...d, segment: seg.name });
      const frames = scan.frames;
      // Decoding is the costly part: filters run on fields read in place, and only matching
      // records are decoded, until the page is full. Record numbers ascend within a segment,
      // so a paging cursor is found by bisection instead of walking past newer records.
      const [lo, hi] = recWindow(frames, q);
      for (let k = 0; k < hi - lo; k++) {
        const f = frames[desc ? hi - 1 - k : lo + k]!;
        if (isHostOpContent(f.content) !== hostOps) continue;
        const key = peekRecord(f.content);
        if (key !== null && !matches(key, q)) continue;
        let r: R;
        try {
          r = decode(f.content);
        } catch (e) {
          damage.push({
            segment: seg.name,
            offset: f.offset,
            length: f.content.length,
            tail: false,
            reason: String(e),
          });
          continue;
        }
        if (accept && !accept(r)) continue;
        records.push(r);
        if (records.length === q.limit) return { records, cursor: r.rec, damage };
      }
    }
    return { records, cursor: null, damage };
  }

  /** The scan of one segment, from the cache when its size and mtime are unchanged. */
  private scanOf(seg: SegmentFile): ScanResult {
    const hit = this.scans.get(seg.name);
    if (hit && hit.bytes === seg.bytes && hit.mtimeMs === seg.mtimeMs) {
      this.scans.delete(seg.name);
      this.scans.set(seg.name, hit);
      return hit.scan;
    }
    let scan: ScanResult;
    try {
      scan = scanSegment(readFileSync(seg.path));
    } catch (e) {
      // Retention of a live writer may have deleted it since the listing.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { frames: [], damage: [], validEnd: 0 };
      throw e;
    }
    this.scans.delete(seg.name);
    this.scans.set(seg.name, { bytes: seg.bytes, mtimeMs: seg.mtimeMs, scan });
    if (this.scans.size > SCAN_CACHE_MAX) this.scans.delete(this.scans.keys().next().value!);
    return scan;
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
    return (
      (q.fromRec !== undefined && nextFirst - 1 < q.fromRec) ||
      (q.fromMs !== undefined && seg.mtimeMs < q.fromMs)
    );
  }
}

/** Index range [lo, hi) of frames whose record number satisfies before/after/fromRec. */
function recWindow(frames: readonly ScannedFrame[], q: JournalQuery): [number, number] {
  const firstAtLeast = (rec: number): number => {
    let lo = 0;
    let hi = frames.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (frames[mid]!.content.readDoubleLE(0) < rec) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const floor = Math.max(q.after !== undefined ? q.after + 1 : -Infinity, q.fromRec ?? -Infinity);
  return [
    floor === -Infinity ? 0 : firstAtLeast(floor),
    q.before !== undefined ? firstAtLeast(q.before) : frames.length,
  ];
}

function matches(r: RecordKey, q: JournalQuery): boolean {
  if (q.before !== undefined && r.rec >= q.before) return false;
  if (q.after !== undefined && r.rec <= q.after) return false;
  if (q.fromRec !== undefined && r.rec < q.fromRec) return false;
  if (q.fromMs !== undefined && r.wallMs < q.fromMs) return false;
  if (q.toMs !== undefined && r.wallMs > q.toMs) return false;
  if (q.fromNs !== undefined && r.tsNs < q.fromNs) return false;
  if (q.toNs !== undefined && r.tsNs > q.toNs) return false;
  if (q.vm !== undefined && r.endpoint !== q.vm) return false;
  if (q.kinds !== undefined && !q.kinds.includes(r.kind)) return false;
  if (q.principal !== undefined && r.principal !== q.principal) return false;
  return true;
}
