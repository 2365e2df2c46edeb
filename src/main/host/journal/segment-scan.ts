/*
 * Walks the bytes of one segment and yields every intact record frame. A frame that fails
 * (bad magic, impossible length, CRC mismatch) is reported with its byte offset and the
 * walk resyncs on the next magic that starts an intact frame; it never throws on bad data.
 */
import { CRC_AT, FRAME_HEADER, LENGTH_AT, MAX_CONTENT, RECORD_MAGIC, frameCrc } from './journal-record';

/** One intact frame: its offset in the segment and its content bytes (a view, not a copy). */
export interface ScannedFrame {
  offset: number;
  content: Buffer;
}

/** A stretch of bytes that holds no intact record. */
export interface Damage {
  /** Byte offset in the segment where the bad bytes start. */
  offset: number;
  /** How many bytes were skipped. */
  length: number;
  /** True when nothing intact follows: a torn tail (an interrupted write), not mid-segment corruption. */
  tail: boolean;
  reason: string;
}

/** Result of a full scan. `validEnd` is where the last intact frame ends (where a writer may append). */
export interface ScanResult {
  frames: ScannedFrame[];
  damage: Damage[];
  validEnd: number;
}

const MAGIC_BYTES = Buffer.from([
  RECORD_MAGIC & 0xff,
  (RECORD_MAGIC >>> 8) & 0xff,
  (RECORD_MAGIC >>> 16) & 0xff,
  RECORD_MAGIC >>> 24,
]);

/** Why the frame at `at` is not intact, or null when it is. */
function frameProblem(buf: Buffer, at: number): string | null {
  if (buf.length - at < FRAME_HEADER) return `partial frame header (${buf.length - at} bytes)`;
  if (buf.readUInt32LE(at) !== RECORD_MAGIC) return 'bad magic';
  const len = buf.readUInt32LE(at + LENGTH_AT);
  if (len > MAX_CONTENT) return `impossible length ${len}`;
  if (at + FRAME_HEADER + len > buf.length)
    return `frame of ${len} bytes runs past the end (${buf.length - at - FRAME_HEADER} left)`;
  if (frameCrc(buf, at, len) !== buf.readUInt32LE(at + CRC_AT)) return 'CRC mismatch';
  return null;
}

/** The next offset after `from` where an intact frame starts, or -1. */
function resync(buf: Buffer, from: number): number {
  for (let i = buf.indexOf(MAGIC_BYTES, from); i >= 0; i = buf.indexOf(MAGIC_BYTES, i + 1)) {
    if (frameProblem(buf, i) === null) return i;
  }
  return -1;
}

/** Scans a whole segment. */
export function scanSegment(buf: Buffer): ScanResult {
  const frames: ScannedFrame[] = [];
  const damage: Damage[] = [];
  let at = 0;
  let validEnd = 0;
  while (at < buf.length) {
    const problem = frameProblem(buf, at);
    if (problem === null) {
      const len = buf.readUInt32LE(at + LENGTH_AT);
      frames.push({ offset: at, content: buf.subarray(at + FRAME_HEADER, at + FRAME_HEADER + len) });
      at += FRAME_HEADER + len;
      validEnd = at;
      continue;
    }
    const next = resync(buf, at + 1);
    if (next < 0) {
      damage.push({ offset: at, length: buf.length - at, tail: true, reason: problem });
      break;
    }
    damage.push({ offset: at, length: next - at, tail: false, reason: problem });
    at = next;
  }
  return { frames, damage, validEnd };
}
