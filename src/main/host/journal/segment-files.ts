/*
 * Naming and listing of segment files: `seg-<first record number, 16 digits>.vjl` in one
 * directory, so name order is record order. It only reads the directory; it never opens,
 * writes or deletes a segment.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SEGMENT_RE = /^seg-(\d{16})\.vjl$/;

/** One segment file on disk. */
export interface SegmentFile {
  /** File name (no directory). */
  name: string;
  path: string;
  /** Record number of the segment's first record. */
  firstRec: number;
  bytes: number;
  /** Last modification, epoch ms: an upper bound of the wall time of every record in it. */
  mtimeMs: number;
}

/** File name of the segment whose first record is `firstRec`. */
export function segmentName(firstRec: number): string {
  return `seg-${String(firstRec).padStart(16, '0')}.vjl`;
}

/** Segments in `dir`, oldest first. A missing directory has none; other files are ignored. */
export function listSegments(dir: string): SegmentFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: SegmentFile[] = [];
  for (const name of names) {
    const m = SEGMENT_RE.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    try {
      const st = statSync(path);
      out.push({ name, path, firstRec: Number(m[1]), bytes: st.size, mtimeMs: st.mtimeMs });
    } catch (e) {
      // Retention of a live writer may delete a segment between readdir and stat.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return out.sort((a, b) => a.firstRec - b.firstRec);
}
