/*
 * The append side of the segmented log: one open segment, synchronous appends, rotation
 * by size and age, retention by total bytes and age, and torn-tail repair on open.
 * It never decodes events and never swallows an I/O error: failures are thrown to the
 * journal, after the segment is cut back to its last whole record.
 */
import {
  closeSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { type Damage, scanSegment } from './segment-scan';
import { listSegments, segmentName } from './segment-files';

/** `os`: write() per record (survives a process kill); `fsync`: plus fdatasync per durable record (survives a power cut). */
export type Durability = 'os' | 'fsync';

/** Storage limits and durability. */
export interface SegmentWriterOptions {
  dir: string;
  durability: Durability;
  /** A segment is closed once it would exceed this size. */
  maxSegmentBytes: number;
  /** A segment is closed once its first record is older than this. */
  maxSegmentAgeMs: number;
  /** Oldest closed segments are deleted while the directory holds more than this. */
  maxTotalBytes: number;
  /** Closed segments last written longer ago than this are deleted. */
  maxAgeMs: number;
  /** Wall clock, epoch ms. */
  now: () => number;
}

/** Damage found in the last segment when opening, with the segment's file name. */
export interface SegmentDamage extends Damage {
  segment: string;
}

/** What opening found. */
export interface OpenFindings {
  damage: SegmentDamage[];
  /** Bytes cut from the end of the last segment (a torn tail). */
  truncatedBytes: number;
}

/** Appends whole records to the newest segment of a directory. */
export class SegmentWriter {
  private fd = -1;
  private size = 0;
  private startMs = 0;
  private current = '';
  private next: number;
  private closed = false;

  private constructor(
    private readonly opts: SegmentWriterOptions,
    nextRec: number,
  ) {
    this.next = nextRec;
  }

  /**
   * Opens (creating) the directory, repairs a torn tail of the last segment and positions
   * for appending. Throws the file system's error when the directory is unusable.
   */
  static open(opts: SegmentWriterOptions): { writer: SegmentWriter; findings: OpenFindings } {
    // Who did what to which VM is private to the user, like the control socket's directory.
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    const last = listSegments(opts.dir).at(-1);
    const findings: OpenFindings = { damage: [], truncatedBytes: 0 };
    if (!last) {
      const w = new SegmentWriter(opts, 1);
      w.create(1);
      return { writer: w, findings };
    }
    const scan = scanSegment(readFileSync(last.path));
    findings.damage = scan.damage.map((d) => ({ ...d, segment: last.name }));
    const lastFrame = scan.frames.at(-1);
    const w = new SegmentWriter(opts, lastFrame ? lastFrame.content.readDoubleLE(0) + 1 : last.firstRec);
    w.fd = openSync(last.path, 'a');
    w.current = last.name;
    if (scan.validEnd < last.bytes && scan.damage.at(-1)?.tail) {
      ftruncateSync(w.fd, scan.validEnd);
      findings.truncatedBytes = last.bytes - scan.validEnd;
      if (opts.durability === 'fsync') fsyncSync(w.fd);
    }
    w.size = findings.truncatedBytes > 0 ? scan.validEnd : last.bytes;
    w.startMs = scan.frames[0] ? scan.frames[0].content.readDoubleLE(8) : opts.now();
    return { writer: w, findings };
  }

  /** Record number the next appended record must carry. */
  get nextRec(): number {
    return this.next;
  }

  /** File name of the segment being written. */
  get segment(): string {
    return this.current;
  }

  /**
   * Appends one encoded record (whose number is `nextRec`), rotating first when the
   * segment is full or old. With `durable` and durability `fsync`, returns only after
   * fdatasync. On failure the segment is cut back to its last whole record and the
   * error is thrown (ENOSPC, EFBIG, EIO ...).
   */
  append(record: Buffer, durable: boolean): void {
    if (this.closed) throw new Error('journal segment writer is closed');
    // A rotation that failed (no space for a new file) left no segment open: retry it here.
    if (this.fd < 0) this.create(this.next);
    if (
      this.size > 0 &&
      (this.size + record.length > this.opts.maxSegmentBytes ||
        this.opts.now() - this.startMs > this.opts.maxSegmentAgeMs)
    ) {
      this.rotate();
    }
    try {
      for (let done = 0; done < record.length;)
        done += writeSync(this.fd, record, done, record.length - done);
      if (durable && this.opts.durability === 'fsync') fdatasyncSync(this.fd);
    } catch (e) {
      this.cutBack();
      throw e;
    }
    this.size += record.length;
    this.next++;
  }

  /** Closes the current segment and starts a new one at `nextRec` (a no-op on an empty one), then applies retention. */
  rotate(): void {
    if (this.fd >= 0 && this.size === 0) return;
    this.closeFd();
    this.create(this.next);
    this.applyRetention();
  }

  /** Flushes (in fsync mode) and closes. Idempotent. */
  close(): void {
    this.closed = true;
    if (this.fd < 0) return;
    if (this.opts.durability === 'fsync') fdatasyncSync(this.fd);
    this.closeFd();
  }

  private create(firstRec: number): void {
    const name = segmentName(firstRec);
    // 'a' rather than 'wx': after a failed rotation the retry reopens the same empty file.
    this.fd = openSync(join(this.opts.dir, name), 'a', 0o600);
    this.current = name;
    this.size = 0;
    this.startMs = this.opts.now();
    if (this.opts.durability === 'fsync') this.syncDir();
  }

  private applyRetention(): void {
    const segs = listSegments(this.opts.dir).filter((s) => s.name !== this.current);
    let total = segs.reduce((n, s) => n + s.bytes, 0) + this.size;
    const oldest = this.opts.now() - this.opts.maxAgeMs;
    for (const s of segs) {
      if (total <= this.opts.maxTotalBytes && s.mtimeMs >= oldest) break;
      unlinkSync(s.path);
      total -= s.bytes;
    }
  }

  private cutBack(): void {
    try {
      ftruncateSync(this.fd, this.size);
    } catch {
      // The original write error is what the journal reports; a failed cut leaves a torn
      // tail that the next open (or a reader's resync) detects and reports.
    }
  }

  private syncDir(): void {
    const dfd = openSync(this.opts.dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  }

  private closeFd(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    closeSync(fd);
  }
}
