/*
 * The extent check of CMD_MEMWRITE: resolves every 4 KiB page a write touches under the
 * context's CR3 and turns it into file chunks, or says why not (EXTENT: unmapped,
 * read-only or not backed by RAM). Pure over a PhysReader; it never writes.
 */
import { ErrorCode, type MemSeg } from '../../../shared/model';
import { type PhysReader, isFault, walk } from './page-walk';
import { locateGpa } from './pc-ram-layout';
import type { FileChunk } from './ram-file';

const PAGE = 4096n;

/** The chunks of an allowed write (one per 4 KiB page touched), or the refusal. */
export type WritePlan = { ok: true; chunks: FileChunk[] } | { ok: false; err: number; why: string };

/** Plans writing `data` at `gva` under `cr3` with `levels` paging levels. */
export function planWrite(
  reader: PhysReader,
  segments: readonly MemSeg[],
  cr3: bigint,
  levels: 4 | 5,
  gva: bigint,
  data: Uint8Array,
): WritePlan {
  const chunks: FileChunk[] = [];
  let done = 0;
  while (done < data.length) {
    const va = gva + BigInt(done);
    const inPage = Number(PAGE - (va % PAGE));
    const len = Math.min(inPage, data.length - done);
    const m = walk(reader, cr3, va, levels);
    if (isFault(m))
      return {
        ok: false,
        err: ErrorCode.EXTENT,
        why: `0x${va.toString(16)}: ${m.fault} at level ${m.level}`,
      };
    if (!m.writable) return { ok: false, err: ErrorCode.EXTENT, why: `0x${va.toString(16)} is read-only` };
    const at = locateGpa(segments, m.gpa);
    if (!at || at.left < BigInt(len))
      return { ok: false, err: ErrorCode.EXTENT, why: `gpa 0x${m.gpa.toString(16)} is not guest RAM` };
    chunks.push({ fileOff: at.fileOff, bytes: data.subarray(done, done + len) });
    done += len;
  }
  return { ok: true, chunks };
}
